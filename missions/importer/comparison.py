"""The comparison of a file's rows with the stored launches and with each other, without a database.

A launch is identified by its natural key, its pad and the launch time its file gives (which Launch Library 2 may
have made finer in the launch's ``launched_at``). The first row of the file with a key is a new launch (no stored
launch has the key), a change (the stored launch differs in a column the file may change) or unchanged. A later row
with the same key is a repeat: it is set aside, and at the end compared with the launch that the key's first row
left, to be reported as a duplicate when equal and as a conflict when not. A row with only the day leaves the time
that Launch Library 2 gave its launch as it is.
"""

import numpy as np
import pandas as pd

from missions.models import TimePrecision

from .formats import RowError

# The columns of a file's rows; the natural key (pad, launched_at) identifies the launch.
LAUNCH_COLUMNS = [
    "organisation_id",
    "pad_id",
    "rocket_id",
    "mission",
    "launched_at",
    "time_precision",
    "price",
    "mission_status",
]
# The columns a new launch is inserted with: a file's row and its time as the file's own.
NEW_LAUNCH_COLUMNS = [*LAUNCH_COLUMNS, "file_launched_at"]
UPDATABLE_COLUMNS = ["organisation_id", "rocket_id", "mission", "time_precision", "price", "mission_status"]
# What a stored launch is compared by: its id, its natural key (pad and file time) and the columns a file may change.
STORED_COLUMNS = ["id", "pad_id", "file_launched_at", *UPDATABLE_COLUMNS]


def launch_micros(launched_at: pd.Series) -> np.ndarray:
    """Launch times as whole microseconds since 1970, the precision PostgreSQL stores."""
    return launched_at.dt.as_unit("us").astype("int64").to_numpy()


def natural_keys(pad_ids: pd.Series, micros: np.ndarray) -> pd.Index:
    """Each launch's natural key (pad, launch time) as one exact value: pad id + i * microseconds.

    Both parts are integers below 2**53, so a complex number holds the pair exactly, and pandas and Python hash and
    compare it as one value: the keys take two arrays of floats, not one tuple per launch.
    """
    return pd.Index(pad_ids.to_numpy(np.float64) + 1j * micros.astype(np.float64))


def launches_by_key(launches: pd.DataFrame) -> pd.DataFrame:
    """Launches in STORED_COLUMNS indexed by natural key instead of holding its two columns."""
    launches.index = natural_keys(launches["pad_id"], launch_micros(launches["file_launched_at"]))
    return launches.drop(columns=["pad_id", "file_launched_at"])


def finer_times_kept(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """``after`` with the stored precision where its row gives only the day and the stored launch knows the time.

    A row with only the day says nothing of the time that Launch Library 2 gave the launch: it is kept.
    """
    stored, given = before["time_precision"].to_numpy(), after["time_precision"].to_numpy()
    kept = (given == TimePrecision.DAY) & (stored != TimePrecision.DAY)
    if not kept.any():
        return after
    return after.assign(time_precision=np.where(kept, stored, given))


def values_differ(before: pd.DataFrame, after: pd.DataFrame) -> np.ndarray:
    """Per row, whether any updatable column differs between two aligned frames (two missing prices are equal)."""
    differs = np.zeros(len(after), dtype=bool)
    for column in UPDATABLE_COLUMNS:
        old, new = before[column].to_numpy(), after[column].to_numpy()
        differs |= ~((old == new) | (pd.isna(old) & pd.isna(new)))
    return differs


class KeyLedger:
    """The line of the file that first named each natural key, so that a later row with the key shows as a repeat.

    A stored launch notes in an array the line that first named it. Keys new to the table go into a set, and their
    lines into arrays in which the end finds the first line of a key that several chunks name.
    """

    def __init__(self, *, stored: int) -> None:
        self.claimed = np.zeros(stored, dtype=np.int64)  # stored launch -> the line that named it first, or 0
        self.seen: set[complex] = set()  # the natural keys new to the table that the file has named so far
        self.new_keys: list[np.ndarray] = []
        self.new_lines: list[np.ndarray] = []

    def first_lines(self, *, lines: np.ndarray, keys: pd.Index, positions: np.ndarray) -> np.ndarray:
        """For each row, the line that first named its key; 0 for a repeat whose first line only the end looks up.

        ``positions`` is each row's stored launch, -1 for a key new to the table.
        """
        first = lines.copy()
        stored = positions >= 0
        if stored.any():
            claimed_by = positions[stored]
            in_chunk = pd.Series(lines[stored]).groupby(claimed_by).transform("min").to_numpy()
            claimed = self.claimed[claimed_by]
            first[stored] = np.where(claimed > 0, claimed, in_chunk)
            self.claimed[claimed_by] = first[stored]
        if not stored.all():
            new_keys = keys[~stored].to_numpy()
            known = len(self.seen)
            self.seen.update(new_keys.tolist())
            if len(self.seen) - known < len(new_keys):  # a key repeats one of this chunk or of an earlier one
                earlier = np.concatenate(self.new_keys) if self.new_keys else new_keys[:0]
                repeated = pd.Index(new_keys).duplicated() | np.isin(new_keys, earlier)
                first[~stored] = np.where(repeated, 0, lines[~stored])
            self.new_keys.append(new_keys)
            self.new_lines.append(lines[~stored])
        return first

    def earliest_lines(self, keys: pd.Index) -> np.ndarray:
        """The first line that named each of some keys new to the table."""
        all_keys, lines = np.concatenate(self.new_keys), np.concatenate(self.new_lines)
        wanted = np.isin(all_keys, keys)
        return pd.Series(lines[wanted]).groupby(all_keys[wanted]).min().loc[keys].to_numpy()


class LaunchComparison:
    """Compares each chunk of a file with the stored launches and the file's earlier rows; repeats wait for the end."""

    def __init__(self, *, stored: pd.DataFrame) -> None:
        self.stored = stored  # STORED_COLUMNS indexed by natural key (see launches_by_key)
        self.ledger = KeyLedger(stored=len(stored))
        self.repeats: list[pd.DataFrame] = []

    def compare(self, rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """A chunk's new launches, and the changes it makes to stored ones (None for none).

        ``rows`` holds a chunk's ``line`` and LAUNCH_COLUMNS. Both results are indexed by natural key; the changes
        hold the id of each launch they change and its new values.
        """
        rows = rows.set_axis(natural_keys(rows["pad_id"], launch_micros(rows["launched_at"])))
        positions = self.stored.index.get_indexer(rows.index)
        lines = rows["line"].to_numpy()
        first = self.ledger.first_lines(lines=lines, keys=rows.index, positions=positions)
        later = first != lines
        if later.any():
            self.repeats.append(rows[later].assign(first_line=first[later]))
            rows, positions = rows[~later], positions[~later]
        stored = positions >= 0
        if not stored.any():  # every row new, as in a first import: filtering would copy every column
            return rows, None
        before = self.stored.iloc[positions[stored]]
        after = finer_times_kept(before, rows[stored])
        changed = values_differ(before, after)
        changes = after[changed].assign(id=before["id"].to_numpy()[changed]) if changed.any() else None
        return rows[~stored], changes

    def repeats_found(self) -> pd.DataFrame | None:
        """The rows that repeat an earlier row's key, in line order, each with that ``first_line``; None for none."""
        if not self.repeats:
            return None
        repeats = pd.concat(self.repeats).sort_values("line")
        unknown = repeats["first_line"].to_numpy() == 0
        if unknown.any():
            repeats.loc[unknown, "first_line"] = self.ledger.earliest_lines(repeats.index[unknown])
        return repeats


def repeats_resolve(*, repeats: pd.DataFrame, launches: pd.DataFrame) -> tuple[list[dict[str, int]], list[RowError]]:
    """Each repeat against the launch its key's first row left: equal is a duplicate, different a conflict.

    ``launches`` holds, indexed by natural key, the launches with the repeats' keys as the import left them.
    """
    before = launches.loc[repeats.index]
    repeats = finer_times_kept(before, repeats)
    differs = values_differ(before, repeats)
    lines, first_lines = repeats["line"], repeats["first_line"]
    duplicates = [
        {"line": line, "duplicate_of": first_line}
        for line, first_line in zip(lines[~differs], first_lines[~differs], strict=True)
    ]
    conflicts = [
        RowError(line, "date", f"same pad and launch time as line {first_line} but different values")
        for line, first_line in zip(lines[differs], first_lines[differs], strict=True)
    ]
    return duplicates, conflicts
