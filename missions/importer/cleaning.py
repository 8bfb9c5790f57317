"""Cleaning one chunk of a launch file: every field validated and converted into the canonical columns.

A row with any error is left out of the chunk and reported as ``RowError``s naming its line and column; the rest
come out typed: UTC launch times with their precision, prices as numbers, statuses as the models' values, and
names as the repairs table spells them; the repairs made are listed in the cleaned frame's ``attrs["repairs"]``.
"""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from missions.models import ImportFormat, MissionStatus, RocketStatus, TimePrecision
from missions.names.repairs import name_repairs

from .formats import RowError

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
# The longest value each text field may hold: the lengths of the models' columns.
MAX_LENGTHS = {"organisation": 200, "location": 300, "rocket": 200, "mission": 300}

ROCKET_STATUSES = {
    "StatusActive": RocketStatus.ACTIVE,
    "StatusRetired": RocketStatus.RETIRED,
    "Active": RocketStatus.ACTIVE,
    "Retired": RocketStatus.RETIRED,
    "Inactive": RocketStatus.RETIRED,
}
# The same table as Arrow arrays, for a lookup of a whole column at once.
ROCKET_STATUS_NAMES = pa.array(list(ROCKET_STATUSES))
ROCKET_STATUS_VALUES = pa.array([status.value for status in ROCKET_STATUSES.values()])
MISSION_STATUSES = set(MissionStatus.values)
KAGGLE_DATE_PATTERN = r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2}, \d{4}(?: \d{2}:\d{2} UTC)?$"
MONTH_NAMES = pa.array(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])


def chunk_clean(frame: pd.DataFrame, *, file_format: ImportFormat) -> tuple[pd.DataFrame, list[RowError]]:
    """Validate and convert one chunk, indexed by line; rows with any error are dropped and reported."""
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

    rocket_status = _rocket_statuses(frame["rocket_status"])
    unknown = rocket_status.isna() & (frame["rocket_status"] != "")
    reject(unknown, "rocket_status", "unknown rocket status", "rocket_status")
    unknown = ~frame["mission_status"].isin(MISSION_STATUSES) & (frame["mission_status"] != "")
    reject(unknown, "mission_status", "unknown mission status", "mission_status")

    price_text = frame["price"].str.strip().str.replace(",", "", regex=False)
    price = _numbers(price_text.where(price_text != ""))
    reject(price.isna() & (price_text != ""), "price", "not a number:", "price")
    reject(price < 0, "price", "is negative")
    reject(price >= 10**8, "price", "is too large")

    values = {
        "organisation": frame["organisation"],
        "location": frame["location"],
        "rocket": rocket,
        "mission": mission,
    }
    repairs = _names_repair(values)
    for name, limit in MAX_LENGTHS.items():
        reject(values[name].str.len() > limit, name, f"is longer than {limit} characters")

    clean = pd.DataFrame(
        {
            "line": frame.index,
            "organisation": values["organisation"],
            "location": values["location"],
            "launched_at": launched_at,
            "time_precision": precision,
            "rocket": values["rocket"],
            "mission": values["mission"],
            "rocket_status": rocket_status,
            "price": price.round(2),
            "mission_status": frame["mission_status"],
        },
        index=frame.index,
    )
    if bad.any():  # filtering copies every column, even when it keeps every row
        clean = clean[~bad]
    clean = clean.reset_index(drop=True)
    clean.attrs["repairs"] = repairs
    return clean, errors


def _names_repair(values: dict[str, pd.Series]) -> list[dict[str, object]]:
    """Repair the names of each column in place from the repairs table; list each repair with its lines."""
    table = name_repairs()
    found: list[dict[str, object]] = []
    for column, names in values.items():
        # Each distinct name is looked at once: a large file repeats a few names many times.
        codes, uniques = pd.factorize(names)
        # Only a name with a "?" or a character beyond ASCII can be mangled: the rest skip the table.
        suspects = np.flatnonzero(uniques.str.contains(r"[^\x00-\x7f]|\?", regex=True))
        repairs = [table.repair(column, name) for name in uniques[suspects].tolist()]
        fixes = {code: fix for code, fix in zip(suspects.tolist(), repairs, strict=True) if fix is not None}
        if not fixes:
            continue
        # The rows of the repaired names, grouped by name and in line order within each.
        rows = np.flatnonzero(np.isin(codes, list(fixes)))
        rows = rows[np.argsort(codes[rows], kind="stable")]
        ends = np.flatnonzero(np.diff(codes[rows], append=-1))
        lines, repaired = names.index.to_numpy(), uniques.to_numpy(dtype=object)
        for group, end in zip(np.split(rows, ends[:-1] + 1), ends.tolist(), strict=True):
            code = int(codes[rows[end]])
            fix = fixes[code]
            entry = {"column": column, "original": fix.original, "repaired": fix.repaired, "source": fix.source}
            found.append({**entry, "lines": lines[group].tolist()})
            repaired[code] = fix.repaired
        # Every name is a valid code: the cleaned columns hold no missing value.
        values[column] = pd.Series(pa.array(repaired, pa.string()).take(codes), index=names.index, dtype="str")
    return found


def _numbers(texts: pd.Series) -> pd.Series:
    """Texts as numbers, NaN where missing or not one: cast by Arrow, or by pandas in a chunk Arrow refuses."""
    try:
        numbers = pc.cast(pa.array(texts, type=pa.string()), pa.float64())
    except pa.ArrowInvalid:
        return pd.to_numeric(texts, errors="coerce")
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=texts.index)


def _rocket_statuses(texts: pd.Series) -> pd.Series:
    """The models' rocket status of each status the files write (missing where unknown), looked up in Arrow."""
    written = pa.array(texts, type=pa.string())
    statuses = pc.take(ROCKET_STATUS_VALUES, pc.index_in(written, value_set=ROCKET_STATUS_NAMES))
    return pd.Series(statuses, index=texts.index, dtype="str")


def _parse_kaggle_dates(dates: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse 'Fri Aug 07, 2020 05:12 UTC' and the date-only 'Thu Aug 29, 2019' (NaT where invalid)."""
    # The format has fixed columns of ASCII: once a regular expression has checked the shape, each number is read from
    # the bytes at its columns and the times are counted in NumPy. strptime with %a and %b would parse row by row.
    text = pa.array(dates, type=pa.string())
    if isinstance(text, pa.ChunkedArray):  # a frame made of several, whose bytes are read below as one buffer
        text = text.combine_chunks()
    shaped = pc.match_substring_regex(text, KAGGLE_DATE_PATTERN).to_numpy(zero_copy_only=False)
    is_timed = pc.greater(pc.utf8_length(text), len("Fri Aug 07, 2020"))
    precision = pd.Series(
        pc.if_else(is_timed, TimePrecision.MINUTE.value, TimePrecision.DAY.value), index=dates.index, dtype="str"
    )
    timed = is_timed.to_numpy(zero_copy_only=False)
    launched_at = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[s]")
    if shaped.any():
        starts = np.frombuffer(text.buffers()[1], np.int32, len(text), text.offset * 4)
        data = np.frombuffer(text.buffers()[2], np.uint8)

        def number(first: int, last: int) -> np.ndarray:
            """The number in columns first to last of each value (garbage where the value is not shaped)."""
            columns = np.minimum(starts[:, None] + np.arange(first, last + 1), len(data) - 1)
            return (data[columns].astype(np.int64) - ord("0")) @ 10 ** np.arange(last - first, -1, -1)

        year, day = number(12, 15), number(8, 9)
        hour, minute = np.where(timed, number(17, 18), 0), np.where(timed, number(20, 21), 0)
        month = pc.index_in(pc.utf8_slice_codeunits(text, 4, 7), value_set=MONTH_NAMES).fill_null(-1).to_numpy()
        first = ((year - 1970) * 12 + month).astype("datetime64[M]")
        days = first.astype("datetime64[D]") + (day - 1)
        # A day beyond its month's end (Aug 36) lands in the next month.
        valid = shaped & (month >= 0) & (days.astype("datetime64[M]") == first) & (hour < 24) & (minute < 60)
        launched_at[valid] = days[valid].astype("datetime64[s]") + (hour * 3600 + minute * 60)[valid]
    return pd.Series(launched_at, index=dates.index).dt.tz_localize("UTC"), precision


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
