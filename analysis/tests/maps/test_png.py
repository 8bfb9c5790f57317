"""The PNG map: its colours on the real data and the pieces it is drawn from."""

import io

import pytest
from PIL import Image

from analysis.maps.build import launch_site_map
from analysis.maps.png import size_legend_values

pytestmark = pytest.mark.django_db


def test_the_png_draws_coastlines_borders_and_coloured_markers(real_data):
    image = Image.open(io.BytesIO(launch_site_map().files["png"])).convert("RGB")
    colours = {colour for _count, colour in image.getcolors(maxcolors=1 << 20)}
    assert (239, 233, 220) in colours  # land
    assert (207, 227, 239) in colours  # sea


def test_size_legend_uses_round_counts_below_the_largest():
    assert size_legend_values(1278) == [1000, 300, 50]
    assert size_legend_values(3) == [3, 1]
