"""Streaming writers for the CSV export and the original service's JSON list, and a plain-text renderer."""

import csv
import json
from collections.abc import Iterable, Iterator

from rest_framework.renderers import BaseRenderer

from missions.selectors import ORIGINAL_COLUMNS, OriginalLaunch


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


def csv_lines(rows: Iterable[OriginalLaunch]) -> Iterator[str]:
    """The header and one line per launch, in the original file's columns, as they are read from the database."""
    writer = csv.DictWriter(_Line(), fieldnames=ORIGINAL_COLUMNS)
    yield writer.writeheader()
    for row in rows:
        yield writer.writerow(row)


def json_array(rows: Iterable[OriginalLaunch]) -> Iterator[str]:
    """A JSON array written piece by piece, so that the whole list is never held in memory."""
    yield "["
    separator = ""
    for row in rows:
        yield separator + json.dumps(row, ensure_ascii=False)
        separator = ",\n"
    yield "]\n"
