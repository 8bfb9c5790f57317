"""GeoJSON output of the launch sites API (``/api/sites/?format=geojson``)."""

import json
from typing import Any

from rest_framework.renderers import BaseRenderer

# Keys of a paginated list that stay on the FeatureCollection (as foreign members) so that clients can page.
PAGE_KEYS = ("count", "next", "previous")


def site_feature(site: dict[str, Any]) -> dict[str, Any]:
    """One place as a GeoJSON Feature, its other keys as properties; a place without coordinates has no geometry."""
    located = site.get("latitude") is not None and site.get("longitude") is not None
    return {
        "type": "Feature",
        **({"id": site["id"]} if "id" in site else {}),
        # GeoJSON orders a position as longitude, latitude.
        "geometry": {"type": "Point", "coordinates": [site["longitude"], site["latitude"]]} if located else None,
        "properties": {key: value for key, value in site.items() if key not in ("latitude", "longitude")},
    }


class GeoJSONRenderer(BaseRenderer):
    """Serialized launch sites as a FeatureCollection, or one site as a Feature (errors are JSON: config.errors)."""

    media_type = "application/geo+json"
    format = "geojson"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, dict) and "results" in data:
            collection = {key: data[key] for key in PAGE_KEYS if key in data}
            collection.update(type="FeatureCollection", features=[site_feature(site) for site in data["results"]])
        elif isinstance(data, list):
            collection = {"type": "FeatureCollection", "features": [site_feature(site) for site in data]}
        else:
            collection = site_feature(data)
        return json.dumps(collection, ensure_ascii=False).encode()
