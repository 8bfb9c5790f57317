"""Renderers for CSV, plain text and GeoJSON, and streaming writers of CSV lines and JSON arrays."""

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer


class CSVRenderer(BaseRenderer):
    """Lets content negotiation accept ``?format=csv``; the view streams the body itself (see ``csv_lines``)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b""


class PlainTextRenderer(BaseRenderer):
    """Text as it is."""

    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return str(data).encode(self.charset)


class _Line:
    """A file-like object whose write() hands the CSV writer's line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value as a spreadsheet can open it safely: text that would start a formula is quoted with a leading '."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def csv_lines(rows: Iterable[Mapping[str, Any]], *, columns: list[str], line_end: str = "\r\n") -> Iterator[str]:
    """The header and one line per row, written as the rows arrive, every text cell safe to open in a spreadsheet."""
    writer = csv.DictWriter(_Line(), fieldnames=columns, lineterminator=line_end)
    yield writer.writeheader()
    for row in rows:
        yield writer.writerow({column: csv_cell(value) for column, value in row.items()})


def json_array(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """A JSON array written piece by piece, so that the whole list is never held in memory."""
    yield "["
    separator = ""
    for row in rows:
        yield separator + json.dumps(row, ensure_ascii=False)
        separator = ",\n"
    yield "]\n"


# Keys of a paginated list that stay on the FeatureCollection (as foreign members) so that clients can page.
PAGE_KEYS = ("count", "next", "previous")


def point_feature(place: dict[str, Any]) -> dict[str, Any]:
    """One place as a GeoJSON Feature, its other keys as properties; a place without coordinates has no geometry."""
    located = place.get("latitude") is not None and place.get("longitude") is not None
    return {
        "type": "Feature",
        **({"id": place["id"]} if "id" in place else {}),
        # GeoJSON orders a position as longitude, latitude.
        "geometry": {"type": "Point", "coordinates": [place["longitude"], place["latitude"]]} if located else None,
        "properties": {key: value for key, value in place.items() if key not in ("latitude", "longitude")},
    }


class GeoJSONRenderer(BaseRenderer):
    """Serialized places as a FeatureCollection, or one place as a Feature (errors are JSON: ``core.errors``)."""

    media_type = "application/geo+json"
    format = "geojson"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, dict) and "results" in data:
            collection = {key: data[key] for key in PAGE_KEYS if key in data}
            collection.update(type="FeatureCollection", features=[point_feature(place) for place in data["results"]])
        elif isinstance(data, list):
            collection = {"type": "FeatureCollection", "features": [point_feature(place) for place in data]}
        else:
            collection = point_feature(data)
        return json.dumps(collection, ensure_ascii=False).encode()
