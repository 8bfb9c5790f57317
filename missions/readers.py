"""Reading and cleaning the public launch files with pandas: formats, encodings and row validation."""

import codecs
import csv
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .models import ImportFormat, MissionStatus, RocketStatus, TimePrecision

# Canonical columns that every format is turned into; ``line`` is the file line on which the row starts.
CANONICAL_COLUMNS = [
    "line",
    "organisation",
    "location",
    "launched_at",
    "time_precision",
    "rocket",
    "mission",
    "rocket_status",
    "price",
    "mission_status",
]
# Launch years the importer accepts: the space age with room on both sides, and what every database can store.
FIRST_YEAR, LAST_YEAR = 1900, 2100
MAX_LENGTHS = {"organisation": 200, "location": 300, "rocket": 200, "mission": 300}
FALLBACK_ERRORS = "launch-file-fallback"
FALLBACK_CODEC = "utf_8_cp1252_fallback"
# Arrow reads ahead several blocks: small blocks keep that small, and chunks regroup them.
READ_BLOCK_BYTES = 1 << 20
# A line break as an editor counts one. Arrow drops the "\n" of a quoted "\r\n" that straddles two read blocks
# (apache/arrow#51368), which leaves a lone "\r" that still ends a line.
LINE_BREAK = r"\r\n|\r|\n"


def _decode_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode a byte that is not UTF-8 as cp1252, or Latin-1 where cp1252 leaves it undefined."""
    byte = error.object[error.start : error.start + 1]
    try:
        return byte.decode("cp1252"), error.start + 1
    except UnicodeDecodeError:
        return byte.decode("latin-1"), error.start + 1


# Maven's file mixes UTF-8 lines with single Latin-1 bytes; no line mixes both, so a per-byte fallback decodes each
# line as the data README prescribes while the C decoder handles the UTF-8 bulk at full speed.
codecs.register_error(FALLBACK_ERRORS, _decode_fallback)


def _fallback_codec(name: str) -> codecs.CodecInfo | None:
    """UTF-8 with the per-byte fallback as a codec of its own, for readers that take an encoding name (Arrow's)."""
    if name != FALLBACK_CODEC:
        return None
    utf8 = codecs.lookup("utf-8")
    return codecs.CodecInfo(
        name=FALLBACK_CODEC,
        encode=utf8.encode,
        decode=functools.partial(utf8.decode, errors=FALLBACK_ERRORS),
        incrementalencoder=utf8.incrementalencoder,
        incrementaldecoder=functools.partial(utf8.incrementaldecoder, errors=FALLBACK_ERRORS),
    )


codecs.register(_fallback_codec)


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

ROCKET_STATUSES = {
    "StatusActive": RocketStatus.ACTIVE,
    "StatusRetired": RocketStatus.RETIRED,
    "Active": RocketStatus.ACTIVE,
    "Retired": RocketStatus.RETIRED,
    "Inactive": RocketStatus.RETIRED,
}
MISSION_STATUSES = set(MissionStatus.values)
KAGGLE_DATE_PATTERN = r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2}, \d{4}(?: \d{2}:\d{2} UTC)?$"
MONTH_NAMES = pa.array(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
MONTH_NUMBERS = pa.array([f"{number:02d}" for number in range(1, 13)])


@dataclass(frozen=True)
class LaunchFile:
    """A launch file on disk with its detected layout and encoding."""

    path: Path
    layout: FileLayout
    encoding: str

    @property
    def format(self) -> ImportFormat:
        """The detected or forced format."""
        return self.layout.format


def detect_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """Name the encoding to read a file with: UTF-8, or UTF-8 with a per-byte cp1252 fallback."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        while block := handle.read(sample_bytes):
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return "utf-8+cp1252"
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "utf-8+cp1252"
    return "utf-8"


def _open_text(path: Path, encoding: str):
    """Open a launch file as text in the detected encoding."""
    if encoding == "utf-8+cp1252":
        return path.open(encoding="utf-8", errors=FALLBACK_ERRORS, newline="")
    return path.open(encoding="utf-8-sig", newline="")


def open_launch_file(path: Path, *, forced_format: ImportFormat | None = None) -> LaunchFile:
    """Check that a file is a readable launch CSV and work out its format and encoding from its header."""
    if not path.is_file():
        raise LaunchFileError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise LaunchFileError(f"{path}: the file is empty")
    with path.open("rb") as handle:
        if b"\x00" in handle.read(8192):
            raise LaunchFileError(f"{path}:1: not a CSV file (binary content)")
    encoding = detect_encoding(path)
    with _open_text(path, encoding) as handle:
        first = handle.readline()
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


def read_launch_chunks(
    launch_file: LaunchFile, *, chunksize: int = 100_000
) -> Iterator[tuple[pd.DataFrame, list[RowError]]]:
    """Stream a launch file as cleaned frames in the canonical columns, with the errors of the rows left out."""
    layout = launch_file.layout
    lines = _LineNumbers()
    encoding = FALLBACK_CODEC if launch_file.encoding == "utf-8+cp1252" else "utf8"
    try:
        # An ordinary file, not Arrow's default memory map, which would count the whole file as resident.
        with pa.OSFile(str(launch_file.path)) as handle:
            # Arrow's serial reader: several times faster than pandas', and it leaves the other core to the database.
            reader = pa_csv.open_csv(
                handle,
                read_options=pa_csv.ReadOptions(use_threads=False, block_size=READ_BLOCK_BYTES, encoding=encoding),
                # A quoted value may span lines: each row is numbered by the line it starts on.
                parse_options=pa_csv.ParseOptions(newlines_in_values=True, invalid_row_handler=lines.skip),
                convert_options=pa_csv.ConvertOptions(
                    include_columns=layout.source_columns,
                    column_types=dict.fromkeys(layout.source_columns, pa.string()),
                    strings_can_be_null=False,
                ),
            )
            for table in _regrouped(reader, chunksize):
                table, line_breaks = _line_breaks(table)
                starts, skipped = lines.number(line_breaks)
                frame = table.to_pandas().rename(columns={source: field for field, source in layout.columns.items()})
                frame.index = starts
                cleaned, errors = _clean(frame, layout.format)
                yield cleaned, errors + skipped
        if rest := lines.rest():
            yield pd.DataFrame(columns=CANONICAL_COLUMNS), rest
    except pa.ArrowInvalid as error:
        raise LaunchFileError(f"{launch_file.path}: not a readable CSV file: {error}") from error


def _regrouped(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[pa.Table]:
    """Arrow's record batches regrouped into tables of ``rows`` rows: pandas' costs per call are paid per chunk."""
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    for batch in batches:
        pending.append(batch)
        pending_rows += batch.num_rows
        while pending_rows >= rows:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, rows)
            rest = table.slice(rows)
            pending, pending_rows = rest.to_batches(), rest.num_rows
    if pending:
        yield pa.Table.from_batches(pending)


@dataclass(frozen=True)
class _SkippedRow:
    """A row with the wrong number of fields, which Arrow leaves out of its batches."""

    record: int  # Arrow's InvalidRow.number: records counted from the header's 1, however many lines each spans
    line_breaks: int
    reason: str


class _LineNumbers:
    """Numbers a file's records by the line each starts on, as an editor shows it, stepping over skipped rows."""

    def __init__(self) -> None:
        self.skipped: list[_SkippedRow] = []
        self.next_record = self.next_line = 2  # the header is record 1 and line 1

    def skip(self, row: pa_csv.InvalidRow) -> str:
        """Note a row with the wrong number of fields, for Arrow's invalid_row_handler, and read on."""
        reason = f"has {row.actual_columns} fields, expected {row.expected_columns}"
        self.skipped.append(_SkippedRow(row.number, len(re.findall(LINE_BREAK, row.text)), reason))
        return "skip"

    def number(self, line_breaks: np.ndarray) -> tuple[pd.Index, list[RowError]]:
        """The start lines of the next parsed rows, from the line breaks in each, and the rows skipped among them."""
        rows = len(line_breaks)
        records = np.arange(self.next_record, self.next_record + rows + len(self.skipped))
        records = records[~np.isin(records, [row.record for row in self.skipped])][:rows]
        # Rows skipped after the last parsed one wait for the next rows: Arrow may not have reached them all yet.
        return self._start_lines(records, line_breaks, int(records[-1]) + 1 if rows else self.next_record)

    def rest(self) -> list[RowError]:
        """The rows skipped after the last parsed row of the file."""
        end = max(row.record for row in self.skipped) + 1 if self.skipped else self.next_record
        none = np.zeros(0, dtype=np.int64)
        return self._start_lines(none, none, end)[1]

    def _start_lines(self, records: np.ndarray, line_breaks: np.ndarray, end: int) -> tuple[pd.Index, list[RowError]]:
        """The start lines of the parsed ``records`` and of the rows skipped among them, up to record ``end``."""
        first = self.next_record
        skipped = [row for row in self.skipped if row.record < end]
        self.skipped = [row for row in self.skipped if row.record >= end]
        breaks = np.zeros(end - first, dtype=np.int64)
        breaks[records - first] = line_breaks
        for row in skipped:
            breaks[row.record - first] = row.line_breaks
        starts = self.next_line + np.arange(end - first) + np.cumsum(breaks) - breaks
        self.next_record, self.next_line = end, self.next_line + end - first + int(breaks.sum())
        errors = [RowError(int(starts[row.record - first]), "row", row.reason) for row in skipped]
        return pd.Index(starts[records - first]), errors


def _line_breaks(table: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """How many line breaks the values of each row hold, and the chunk with each of them written as "\\n"."""
    line_breaks = np.zeros(table.num_rows, dtype=np.int64)
    for index, column in enumerate(table.columns):
        # A byte search of the text under the column's values costs a fiftieth of Arrow's count per value and rules
        # out nearly every column; a break in a neighbouring row outside the chunk only costs that count.
        texts = (chunk.buffers()[2].to_pybytes() for chunk in column.chunks)
        if any(b"\n" in text or b"\r" in text for text in texts):
            line_breaks += pc.count_substring_regex(column, LINE_BREAK).to_numpy()
            # One value whatever the file's line ends, and wherever a read block splits a quoted "\r\n".
            table = table.set_column(index, table.field(index), pc.replace_substring_regex(column, LINE_BREAK, "\n"))
    return table, line_breaks


def _clean(frame: pd.DataFrame, file_format: ImportFormat) -> tuple[pd.DataFrame, list[RowError]]:
    """Validate and convert one chunk; rows with any error are dropped and reported."""
    errors: list[RowError] = []
    bad = pd.Series(False, index=frame.index)

    def reject(mask: pd.Series, column: str, reason: str, value: str | None = None) -> None:
        """Report the rows of ``mask``, quoting their raw ``value`` column after the reason."""
        nonlocal bad
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        raw = frame.loc[mask, value].str.slice(0, 60) if value else None
        for line in frame.index[mask]:
            text = f"{reason} '{raw.loc[line]}'" if raw is not None else reason
            errors.append(RowError(int(line), column, text))
        bad |= mask

    for name in ("organisation", "location", "date", "rocket_status", "mission_status"):
        frame[name] = frame[name].str.strip()
        reject(frame[name] == "", name, "is empty")

    if file_format == ImportFormat.SPACE_MISSIONS:
        rocket, mission = frame["rocket"].str.strip(), frame["mission"].str.strip()
        reject(rocket == "", "rocket", "is empty")
        frame["time"] = frame["time"].str.strip()
        launched_at, precision = _parse_iso_dates(frame["date"], frame["time"])
        frame["date_time"] = frame["date"] + " " + frame["time"]
        reject(launched_at.isna() & (frame["date"] != ""), "date", "invalid date", "date_time")
    else:
        # Split "<rocket> | <mission>" on the first " | ", as the data README prescribes.
        rocket, mission, separated = _split_detail(frame["detail"])
        rocket, mission = rocket.str.strip(), mission.str.strip()
        reject(~separated, "detail", "has no ' | ' between rocket and mission")
        reject(separated & (rocket == ""), "detail", "has no rocket before ' | '")
        launched_at, precision = _parse_kaggle_dates(frame["date"])
        reason = "invalid date (expected e.g. 'Fri Aug 07, 2020 05:12 UTC' or 'Fri Aug 07, 2020'):"
        reject(launched_at.isna() & (frame["date"] != ""), "date", reason, "date")
    years = launched_at.dt.year
    reject((years < FIRST_YEAR) | (years > LAST_YEAR), "date", f"is not between {FIRST_YEAR} and {LAST_YEAR}:", "date")

    rocket_status = frame["rocket_status"].map(ROCKET_STATUSES)
    unknown = rocket_status.isna() & (frame["rocket_status"] != "")
    reject(unknown, "rocket_status", "unknown rocket status", "rocket_status")
    unknown = ~frame["mission_status"].isin(MISSION_STATUSES) & (frame["mission_status"] != "")
    reject(unknown, "mission_status", "unknown mission status", "mission_status")

    price_text = frame["price"].str.strip().str.replace(",", "", regex=False)
    price = pd.to_numeric(price_text.where(price_text != ""), errors="coerce")
    reject(price.isna() & (price_text != ""), "price", "not a number:", "price")
    reject(price < 0, "price", "is negative")
    reject(price >= 10**8, "price", "is too large")

    values = {
        "organisation": frame["organisation"],
        "location": frame["location"],
        "rocket": rocket,
        "mission": mission,
    }
    for name, limit in MAX_LENGTHS.items():
        reject(values[name].str.len() > limit, name, f"is longer than {limit} characters")

    clean = pd.DataFrame(
        {
            "line": frame.index,
            "organisation": frame["organisation"],
            "location": frame["location"],
            "launched_at": launched_at,
            "time_precision": precision,
            "rocket": rocket,
            "mission": mission,
            "rocket_status": rocket_status,
            "price": price.round(2),
            "mission_status": frame["mission_status"],
        },
        index=frame.index,
    )
    return clean[~bad].reset_index(drop=True), errors


def _parse_kaggle_dates(dates: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse 'Fri Aug 07, 2020 05:12 UTC' and the date-only 'Thu Aug 29, 2019' (NaT where invalid)."""
    # The format has fixed columns: once a regular expression has checked the shape, slices make an ISO string that
    # Arrow parses in C. strptime with %a and %b would parse row by row.
    text = pa.array(dates, type=pa.string())
    timed = pc.greater(pc.utf8_length(text), len("Fri Aug 07, 2020"))
    month = pc.take(MONTH_NUMBERS, pc.index_in(pc.utf8_slice_codeunits(text, 4, 7), value_set=MONTH_NAMES))
    day = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(text, 12, 16), month, pc.utf8_slice_codeunits(text, 8, 10), "-"
    )
    time = pc.if_else(timed, pc.utf8_slice_codeunits(text, 17, 22), "00:00")
    iso = pc.if_else(
        pc.match_substring_regex(text, KAGGLE_DATE_PATTERN), pc.binary_join_element_wise(day, time, " "), None
    )
    try:
        # Casting the parsed times to UTC only labels them: the ISO strings are UTC already.
        parsed = pc.cast(pc.cast(iso, pa.timestamp("s")), pa.timestamp("s", tz="UTC"))
        launched_at = pd.Series(parsed.to_pandas().array, index=dates.index)
    except pa.ArrowInvalid:
        # A well-shaped day that does not exist, such as Aug 36: pandas finds which rows hold one.
        iso_text = pd.Series(iso, index=dates.index, dtype="str")
        launched_at = pd.to_datetime(iso_text, format="%Y-%m-%d %H:%M", errors="coerce", utc=True)
    precision = pd.Series(
        pc.if_else(timed, TimePrecision.MINUTE.value, TimePrecision.DAY.value), index=dates.index, dtype="str"
    )
    return launched_at, precision


def _split_detail(details: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Split each "<rocket> | <mission>" on its first " | "; the third series says which values had one."""
    text = pa.array(details, type=pa.string())
    separated = pc.match_substring(text, " | ")
    parts = pc.split_pattern(pc.if_else(separated, text, " | "), " | ", max_splits=1)
    return (
        pd.Series(pc.list_element(parts, 0), index=details.index, dtype="str"),
        pd.Series(pc.list_element(parts, 1), index=details.index, dtype="str"),
        pd.Series(separated, index=details.index, dtype=bool),
    )


def _parse_iso_dates(dates: pd.Series, times: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse Maven's ISO date and optional HH:MM:SS time columns (NaT where invalid)."""
    day = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce", utc=True)
    offset = pd.to_timedelta(times.where(times != ""), errors="coerce")
    bad_time = offset.isna() & (times != "")
    launched_at = (day + offset.fillna(pd.Timedelta(0))).where(~bad_time)
    precision = pd.Series(TimePrecision.MINUTE.value, index=dates.index).where(times != "", TimePrecision.DAY.value)
    return launched_at, precision
