"""The launch files the importer knows: their three layouts, their two encodings, and how a file is opened.

Opening a file checks that it is a readable launch CSV, detects its encoding (UTF-8, or Maven's UTF-8 with stray
Latin-1 bytes) and its layout from the header, and names the file and line of anything that stops it.
"""

import codecs
import csv
import encodings
import encodings.utf_8
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from missions.models import ImportFormat

# The encodings a launch file is read in. Each name is recorded on the ImportRun and is a codec that Python's and
# Arrow's readers take as it is: UTF8_CP1252 is UTF-8 whose bytes that are not UTF-8 each decode as cp1252, or as
# Latin-1 where cp1252 leaves a byte undefined. Maven's file needs it: it mixes UTF-8 lines with single Latin-1
# bytes, and no line mixes both, so a per-byte fallback decodes each line as the data README prescribes while the C
# decoder handles the UTF-8 bulk at full speed.
UTF8 = "utf-8"
UTF8_CP1252 = "utf-8+cp1252"
# The encoding is detected on blocks of this many bytes, and binary content in the first BINARY_SNIFF_BYTES.
DETECT_BLOCK_BYTES = 1 << 20
BINARY_SNIFF_BYTES = 8192
# The longest header read: the known layouts' take a few hundred characters, and Python's CSV reader takes 128 KiB.
MAX_HEADER_CHARS = 1 << 16


def _cp1252_byte(error: UnicodeError) -> tuple[str, int]:
    """Decode a byte that is not UTF-8 as cp1252, or Latin-1 where cp1252 leaves it undefined."""
    byte = error.object[error.start : error.start + 1]
    try:
        return byte.decode("cp1252"), error.start + 1
    except UnicodeDecodeError:
        return byte.decode("latin-1"), error.start + 1


def _utf8_cp1252_decode(data: bytes, errors: str = "strict") -> tuple[str, int]:
    """Decode UTF8_CP1252; no byte fails, so ``errors`` has nothing to decide."""
    return codecs.utf_8_decode(data, UTF8_CP1252, True)


class _Utf8Cp1252Decoder(encodings.utf_8.IncrementalDecoder):
    """The incremental decoder of UTF8_CP1252, for readers that decode a stream block by block."""

    def __init__(self, errors: str = "strict") -> None:
        super().__init__(UTF8_CP1252)  # no byte fails, so ``errors`` has nothing to decide


def _utf8_cp1252_codec(name: str) -> codecs.CodecInfo | None:
    """UTF8_CP1252 as a codec, found under its name as Python normalises it."""
    if name != encodings.normalize_encoding(UTF8_CP1252):
        return None
    utf8 = codecs.lookup(UTF8)
    return codecs.CodecInfo(
        name=UTF8_CP1252,
        encode=utf8.encode,
        decode=_utf8_cp1252_decode,
        incrementalencoder=utf8.incrementalencoder,
        incrementaldecoder=_Utf8Cp1252Decoder,
    )


codecs.register_error(UTF8_CP1252, _cp1252_byte)
codecs.register(_utf8_cp1252_codec)


class LaunchFileError(Exception):
    """A launch file that cannot be read at all: its message names the file and, where known, the line."""


@dataclass(frozen=True)
class RowError:
    """One problem with one row of a launch file."""

    line: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        """The error as stored on an ImportRun."""
        return {"line": self.line, "column": self.column, "reason": self.reason}


@dataclass(frozen=True)
class FileLayout:
    """Which source column holds each field in one of the known formats."""

    format: ImportFormat
    columns: dict[str, str]  # field -> source column name

    @property
    def source_columns(self) -> list[str]:
        """The columns that a file of this layout must have."""
        return list(self.columns.values())


LAYOUTS = {
    ImportFormat.MISSION_LAUNCHES: FileLayout(
        ImportFormat.MISSION_LAUNCHES,
        {
            "organisation": "Organisation",
            "location": "Location",
            "date": "Date",
            "detail": "Detail",
            "rocket_status": "Rocket_Status",
            "price": "Price",
            "mission_status": "Mission_Status",
        },
    ),
    ImportFormat.SPACE_CORRECTED: FileLayout(
        ImportFormat.SPACE_CORRECTED,
        {
            "organisation": "Company Name",
            "location": "Location",
            "date": "Datum",
            "detail": "Detail",
            "rocket_status": "Status Rocket",
            "price": " Rocket",
            "mission_status": "Status Mission",
        },
    ),
    ImportFormat.SPACE_MISSIONS: FileLayout(
        ImportFormat.SPACE_MISSIONS,
        {
            "organisation": "Company",
            "location": "Location",
            "date": "Date",
            "time": "Time",
            "rocket": "Rocket",
            "mission": "Mission",
            "rocket_status": "RocketStatus",
            "price": "Price",
            "mission_status": "MissionStatus",
        },
    ),
}


@dataclass(frozen=True)
class LaunchFile:
    """A launch file on disk with its detected layout and encoding."""

    path: Path
    layout: FileLayout
    encoding: str  # UTF8 or UTF8_CP1252

    @property
    def format(self) -> ImportFormat:
        """The detected or forced format."""
        return self.layout.format


def open_launch_file(path: Path, *, forced_format: ImportFormat | None = None) -> LaunchFile:
    """Check that a file is a readable launch CSV and work out its format and encoding from its header."""
    if not path.is_file():
        raise LaunchFileError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise LaunchFileError(f"{path}: the file is empty")
    encoding = _encoding_detect(path)
    with path.open(encoding=encoding, newline="") as handle:
        # A byte order mark is no part of the first column's name; Arrow's reader skips it too.
        first = handle.readline(MAX_HEADER_CHARS + 1).removeprefix("\ufeff")
    if len(first) > MAX_HEADER_CHARS:
        longer = f"the header is longer than {MAX_HEADER_CHARS:,} characters"
        raise LaunchFileError(f"{path}:1: not a launch CSV file: {longer}")
    if not first.strip():
        raise LaunchFileError(f"{path}:1: the file has no header row")
    header = next(csv.reader([first]))
    if len(header) < 2:
        raise LaunchFileError(f"{path}:1: not a launch CSV file: the header has no comma-separated columns")
    if forced_format is not None:
        layout = LAYOUTS[ImportFormat(forced_format)]
    else:
        # The layout whose columns the header matches best; a missing column is named below.
        layout = max(LAYOUTS.values(), key=lambda lay: len(set(lay.source_columns) & set(header)))
    missing = [column for column in layout.source_columns if column not in header]
    if missing:
        names = ", ".join(repr(column) for column in missing)
        raise LaunchFileError(f"{path}:1: missing column {names} for the {layout.format.label} format")
    return LaunchFile(path=path, layout=layout, encoding=encoding)


def _encoding_detect(path: Path) -> str:
    """UTF8 if the whole file is UTF-8, else UTF8_CP1252; binary content in its first bytes is refused."""
    with path.open("rb") as handle:
        block = handle.read(DETECT_BLOCK_BYTES)
        if (nul := block.find(b"\x00", 0, BINARY_SNIFF_BYTES)) >= 0:
            line = len(re.findall(rb"\r\n|\r|\n", block[:nul])) + 1
            raise LaunchFileError(f"{path}:{line}: not a CSV file (binary content)")
        held = b""
        while block:
            data = held + block
            # A character that the block boundary splits is checked whole with the next block.
            end = _last_character_start(data)
            held = data[end:]
            if not _is_utf8(data[:end]):
                return UTF8_CP1252
            block = handle.read(DETECT_BLOCK_BYTES)
    return UTF8 if _is_utf8(held) else UTF8_CP1252


def _last_character_start(data: bytes) -> int:
    """Where a multi-byte character at the end of some bytes starts, as it may go on after them; else their end."""
    for index in range(len(data) - 1, max(len(data) - 5, -1), -1):
        if data[index] & 0xC0 != 0x80:  # not a continuation byte
            return index if data[index] >= 0xC0 else len(data)
    return len(data)


def _is_utf8(data: bytes) -> bool:
    """Whether some bytes are UTF-8, by Arrow's vectorised check, ten times as fast as decoding them."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True
