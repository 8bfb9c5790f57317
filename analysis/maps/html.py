"""The interactive map: a Leaflet page from the app's static files, and the colours it shares with the PNG."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

# Marker colour by success rate, shared by the HTML and PNG maps: (lowest rate of the band, colour, label).
SUCCESS_BANDS: list[tuple[float, str, str]] = [
    (0.95, "#1a9850", "95% or more"),
    (0.90, "#91cf60", "90–95%"),
    (0.80, "#fee08b", "80–90%"),
    (0.50, "#fc8d59", "50–80%"),
    (0.00, "#d73027", "under 50%"),
]
# The land's colour on both maps (the page's land outline stands in for tiles that cannot load).
LAND = "#efe9dc"


def success_colour(rate: float) -> str:
    """The marker colour of a success rate."""
    return next(colour for lowest, colour, _label in SUCCESS_BANDS if rate >= lowest)


# What a map page may load: its own scripts, styles and land outline, and tiles from MAP_TILE_URL's host.
MAP_POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "connect-src": "'self'",
    "img-src": "'self' data:",
    "base-uri": "'none'",
    "form-action": "'none'",
    "frame-ancestors": "'self'",
}


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
