"""Reading and cleaning the public launch files with pandas: formats, encodings and row validation."""

import codecs
import csv
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .models import ImportFormat, MissionStatus, RocketStatus, TimePrecision

# Canonical columns that every format is turned into; ``line`` is the row's line number in the file.
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
READ_BLOCK_BYTES = 1 << 21


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
    malformed: list[RowError] = []

    def skip_malformed(row: pa_csv.InvalidRow) -> str:
        """Report a row with the wrong number of fields, and read on."""
        reason = f"has {row.actual_columns} fields, expected {row.expected_columns}"
        malformed.append(RowError(row.number, "row", reason))
        return "skip"

    encoding = FALLBACK_CODEC if launch_file.encoding == "utf-8+cp1252" else "utf8"
    try:
        # An ordinary file, not Arrow's default memory map, which would count the whole file as resident.
        with pa.OSFile(str(launch_file.path)) as handle:
            # Arrow's serial reader: several times faster than pandas', and it leaves the other core to the database.
            reader = pa_csv.open_csv(
                handle,
                read_options=pa_csv.ReadOptions(use_threads=False, block_size=READ_BLOCK_BYTES, encoding=encoding),
                # A quoted value may span lines; line numbers still count one line per record, as before.
                parse_options=pa_csv.ParseOptions(newlines_in_values=True, invalid_row_handler=skip_malformed),
                convert_options=pa_csv.ConvertOptions(
                    include_columns=layout.source_columns,
                    column_types=dict.fromkeys(layout.source_columns, pa.string()),
                    strings_can_be_null=False,
                ),
            )
            first_line = 2  # the header is line 1 and every record is one line in these files
            for table in _regrouped(reader, chunksize):
                frame = table.to_pandas().rename(columns={source: field for field, source in layout.columns.items()})
                frame.index = _lines(first_line, len(frame), malformed)
                first_line = int(frame.index[-1]) + 1 if len(frame) else first_line
                cleaned, errors = _clean(frame, layout.format)
                errors += [error for error in malformed if error.line < first_line]
                malformed = [error for error in malformed if error.line >= first_line]
                yield cleaned, errors
        if malformed:
            yield pd.DataFrame(columns=CANONICAL_COLUMNS), malformed
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


def _lines(first_line: int, rows: int, skipped: list[RowError]) -> pd.Index:
    """The file lines of ``rows`` parsed rows from ``first_line`` on, stepping over the lines of skipped rows."""
    lines = np.arange(first_line, first_line + rows + len(skipped))
    return pd.Index(lines[~np.isin(lines, [error.line for error in skipped])][:rows])


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
