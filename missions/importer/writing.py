"""Writing a file's cleaned chunks to the launches: new ones inserted, changed ones updated, repeats reported.

The stored launches are read once and each chunk is compared with them in memory, so an unchanged re-import writes
nothing. On PostgreSQL the new launches stream into the table through COPY from a generator that reads and cleans
the next chunk while the server stores the last one. A chunk that needs the connection, for names to create or a
batch of changes to apply, ends one COPY and the next COPY begins with it. Other databases go through the ORM.
"""

import queue
import threading
from collections.abc import Iterator
from contextlib import nullcontext
from typing import TypeVar

import pandas as pd
from django.db import connection
from django.db.models import QuerySet

from missions.models import Launch

from . import postgres
from .comparison import (
    LAUNCH_COLUMNS,
    STORED_COLUMNS,
    UPDATABLE_COLUMNS,
    LaunchComparison,
    launches_by_key,
    repeats_resolve,
)
from .formats import RowError
from .lookups import NameLookups

# Changes to stored launches are applied in batches of at least this many rows.
CHANGES_BATCH_ROWS = 100_000
# How many cleaned chunks wait ready for the COPY, besides the one the reading thread is making: memory is the limit.
READ_AHEAD_CHUNKS = 1

Item = TypeVar("Item")


class PendingChanges:
    """Changes to stored launches waiting to be applied, and how many rows they hold."""

    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []
        self.rows = 0

    def add(self, changes: pd.DataFrame) -> None:
        """Keep a chunk's changes for the next batch."""
        self.frames.append(changes)
        self.rows += len(changes)

    def take(self) -> pd.DataFrame | None:
        """The waiting changes as one frame of ``id`` and UPDATABLE_COLUMNS, none waiting any more; None for none."""
        if not self.frames:
            return None
        changes = pd.concat(self.frames)[["id", *UPDATABLE_COLUMNS]]
        self.frames, self.rows = [], 0
        return changes


class _Lookahead:
    """An iterator whose next item can be looked at without taking it."""

    def __init__(self, items: Iterator[pd.DataFrame]) -> None:
        self.items = items
        self.ahead: list[pd.DataFrame] = []

    def peek(self) -> pd.DataFrame | None:
        """The next item, left in place; None at the end."""
        if not self.ahead:
            item = next(self.items, None)
            if item is None:
                return None
            self.ahead.append(item)
        return self.ahead[0]

    def take(self) -> pd.DataFrame | None:
        """The next item; None at the end."""
        item = self.peek()
        self.ahead.clear()
        return item


class LaunchWriter:
    """Writes cleaned chunks to the launches within the caller's transaction, and counts what it wrote."""

    def __init__(self) -> None:
        self.on_postgres = connection.vendor == "postgresql"
        if self.on_postgres:
            postgres.session_prepare()
        self.lookups = NameLookups()
        self.comparison = LaunchComparison(stored=launches_stored())
        self.changes = PendingChanges()
        self.created = self.updated = 0

    def write(self, frames: Iterator[pd.DataFrame]) -> tuple[list[dict[str, int]], list[RowError]]:
        """Write every chunk; return the repeats of earlier rows: exact ones (duplicates) and differing ones."""
        bulk_load = self.on_postgres and self.comparison.stored.empty
        with postgres.bulk_load() if bulk_load else nullcontext():
            if self.on_postgres:
                chunks = _Lookahead(read_ahead(frames, depth=READ_AHEAD_CHUNKS))
                while (frame := chunks.peek()) is not None:
                    self.lookups.create_unknown(frame)
                    self._changes_apply()
                    postgres.launches_copy(self._copy_blocks(chunks))
            else:
                for frame in frames:
                    self.lookups.create_unknown(frame)
                    self._changes_apply()
                    rows = _records(self._new_launches(frame)[LAUNCH_COLUMNS])
                    Launch.objects.bulk_create([Launch(**row) for row in rows], batch_size=1000)
            self._changes_apply()
            repeats = self._repeats_resolve()
        self.lookups.rocket_statuses_save()
        return repeats

    def changed_anything(self) -> bool:
        """Whether the import changed the launch data that analyses read."""
        return bool(self.created or self.updated or self.lookups.changed)

    def _copy_blocks(self, chunks: _Lookahead) -> Iterator[bytes]:
        """CSV of the new launches of the next chunk and those after it, up to one that needs the connection."""
        while True:
            yield postgres.csv_bytes(self._new_launches(chunks.take())[LAUNCH_COLUMNS])
            frame = chunks.peek()
            if frame is None or self._needs_connection(frame):
                return

    def _needs_connection(self, frame: pd.DataFrame) -> bool:
        """Whether a chunk names organisations, rockets or pads not stored yet, or enough changes wait to be applied."""
        return self.changes.rows >= CHANGES_BATCH_ROWS or self.lookups.has_unknown(frame)

    def _new_launches(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of a chunk that are new launches; changes to stored ones wait for a batch, repeats for the end."""
        self.lookups.rocket_statuses.note(frame)
        new, changes = self.comparison.compare(self.lookups.with_ids(frame))
        if changes is not None:
            self.changes.add(changes)
        self.created += len(new)
        return new

    def _changes_apply(self) -> None:
        """Update the stored launches whose values the file changes, as far as the chunks written so far tell."""
        changes = self.changes.take()
        if changes is None:
            return
        self.updated += len(changes)
        if self.on_postgres:
            postgres.changes_apply(changes)
        else:
            Launch.objects.bulk_update([Launch(**row) for row in _records(changes)], UPDATABLE_COLUMNS, batch_size=1000)

    def _repeats_resolve(self) -> tuple[list[dict[str, int]], list[RowError]]:
        """The repeats of earlier rows against what the import left: duplicates, and conflicts as row errors."""
        repeats = self.comparison.repeats_found()
        if repeats is None:
            return [], []
        launches = Launch.objects.filter(
            pad_id__in=repeats["pad_id"].unique().tolist(),
            launched_at__in=list(repeats["launched_at"].dt.to_pydatetime()),
        )
        return repeats_resolve(repeats=repeats, launches=launches_stored(launches))


def launches_stored(launches: QuerySet[Launch] | None = None) -> pd.DataFrame:
    """The id and updatable columns of stored launches (all of them by default), indexed by natural key."""
    if launches is None and not Launch.objects.exists():
        frame = pd.DataFrame({column: pd.Series(dtype="int64") for column in STORED_COLUMNS})
        frame["launched_at"] = frame["launched_at"].astype("datetime64[us, UTC]")
    elif launches is None and connection.vendor == "postgresql":
        frame = postgres.launches_copy_out(STORED_COLUMNS)
    else:
        rows = list((launches or Launch.objects).values_list(*STORED_COLUMNS))
        frame = pd.DataFrame.from_records(rows, columns=STORED_COLUMNS)
        frame["launched_at"] = pd.to_datetime(frame["launched_at"], utc=True)
        frame["price"] = frame["price"].astype("float64")
    return launches_by_key(frame)


def read_ahead(items: Iterator[Item], *, depth: int) -> Iterator[Item]:
    """An iterator's items, made up to ``depth`` ahead by a thread of their own; its exception is raised here.

    COPY sends a chunk while the server stores the one before, waiting on the socket with Python's lock released:
    reading and cleaning the next chunks meanwhile keeps the server busy instead of waiting for them in turn. The
    items must not use the database: a thread has a connection of its own, outside the import's transaction.
    """
    ready: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(done: bool, item: object) -> bool:
        """Queue an item (or the end, or an error) once there is room; False if the consumer has stopped."""
        while not stop.is_set():
            try:
                ready.put((done, item), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        """Make the items until the end, an error or the consumer's stop."""
        try:
            for item in items:
                if not hand_over(False, item):
                    return
            hand_over(True, None)
        except BaseException as error:  # whatever ends the items is the consumer's to raise
            hand_over(True, error)
        finally:
            close = getattr(items, "close", None)
            if close:
                close()

    thread = threading.Thread(target=produce, name="launch-reader", daemon=True)
    thread.start()
    try:
        while True:
            done, item = ready.get()
            if isinstance(item, BaseException):
                raise item
            if done:
                return
            yield item
    finally:
        stop.set()
        thread.join()


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as keyword arguments for the ORM, with missing values as None."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")
