"""The interactive map's colours."""

from analysis.maps.html import success_colour


def test_success_colours_follow_the_bands():
    assert [success_colour(rate) for rate in (1.0, 0.95, 0.94, 0.85, 0.5, 0.2)] == [
        "#1a9850",
        "#1a9850",
        "#91cf60",
        "#fee08b",
        "#fc8d59",
        "#d73027",
    ]
