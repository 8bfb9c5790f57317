"""Writes to the launch records: importing launch files, clearing the data and versioning it."""

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .geocoding import sites_geocode
from .importer.formats import LaunchFileError, RowError, open_launch_file
from .importer.reading import read_launch_chunks
from .importer.sources import source_fetch
from .locations import location_parse
from .models import (
    DataVersion,
    ImportFormat,
    ImportRun,
    ImportStatus,
    Launch,
    LaunchSite,
    Organisation,
    Pad,
    Rocket,
)

LAUNCH_TABLE = Launch._meta.db_table
# The columns an import writes; the natural key (pad, launched_at) identifies the launch.
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
UPDATABLE_COLUMNS = ["organisation_id", "rocket_id", "mission", "time_precision", "price", "mission_status"]
# Files are read in chunks of this many rows, COPY asks for blocks of this many bytes, and changes to stored
# launches are applied in batches of this many rows.
CHUNK_ROWS = 50_000
COPY_BLOCK_BYTES = 1 << 20
CHANGES_BATCH_ROWS = 100_000


class ImportFailed(Exception):
    """An import that changed nothing; ``errors`` lists every bad row as ``FILE:LINE: column: reason``."""

    def __init__(self, message: str, *, errors: list[str] | None = None, run: ImportRun | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []
        self.run = run


@dataclass
class ImportSummary:
    """What an import read and changed."""

    run: ImportRun
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: list[dict[str, int]] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    dry_run: bool = False


class _Rollback(Exception):
    """Raised inside the import transaction to undo it."""


def launches_import(
    *,
    source: str | None = None,
    file_format: ImportFormat | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import a launch file atomically and idempotently; with no source, the configured default dataset."""
    run = ImportRun.objects.create(source=source or "(default dataset)")
    try:
        local = source_fetch(source=source)
        launch_file = open_launch_file(local.path, forced_format=file_format)
    except LaunchFileError as error:
        _run_failed(run, str(error))
        raise ImportFailed(str(error), run=run) from error
    run.source, run.sha256 = local.source, local.sha256
    run.format, run.encoding = launch_file.format, launch_file.encoding
    run.save(update_fields=["source", "sha256", "format", "encoding"])

    summary = ImportSummary(run=run, dry_run=dry_run)
    try:
        with transaction.atomic():
            writer = _LaunchWriter()
            chunks = read_launch_chunks(launch_file, chunksize=CHUNK_ROWS)
            duplicates, conflicts = writer.write(_counted(chunks, summary, progress))
            summary.duplicates = duplicates
            summary.rejected.extend(conflicts)
            summary.rejected.sort(key=lambda error: error.line)
            if summary.rejected and not skip_invalid:
                raise _Rollback
            summary.created, summary.updated = writer.created, writer.updated
            summary.unchanged = summary.rows - len(duplicates) - _rejected_rows(summary) - summary.created
            summary.unchanged -= summary.updated
            if writer.changed_anything() and not dry_run:
                DataVersion.bump()
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except LaunchFileError as error:
        _run_failed(run, str(error))
        raise ImportFailed(str(error), run=run) from error

    failed = bool(summary.rejected) and not skip_invalid
    _run_record(run, summary, failed=failed)
    if failed:
        lines = [f"{launch_file.path}:{error.line}: {error.column}: {error.reason}" for error in summary.rejected]
        bad = _rejected_rows(summary)
        raise ImportFailed(f"{bad} invalid row(s) in {launch_file.path}; nothing was imported", errors=lines, run=run)
    if not dry_run:
        # Once the import has committed, locate the sites it added; sites that already have coordinates are skipped.
        transaction.on_commit(sites_geocode)
    return summary


def launches_clear() -> dict[str, int]:
    """Delete every launch and the organisations, rockets, pads and sites they used; return what was deleted."""
    with transaction.atomic():
        _, per_model = Launch.objects.all().delete()
        deleted = {"launches": per_model.get("missions.Launch", 0)}
        deleted["organisations"] = Organisation.objects.all().delete()[0]
        deleted["rockets"] = Rocket.objects.all().delete()[0]
        deleted["pads"] = Pad.objects.all().delete()[0]
        deleted["sites"] = LaunchSite.objects.all().delete()[0]
        if any(deleted.values()):
            DataVersion.bump()
    return deleted


def _counted(
    chunks: Iterator[tuple[pd.DataFrame, list[RowError]]],
    summary: ImportSummary,
    progress: Callable[[int], None] | None,
) -> Iterator[pd.DataFrame]:
    """The cleaned chunks of a file, counting its rows and collecting its invalid ones on the summary."""
    for frame, errors in chunks:
        summary.rows += len(frame) + len({error.line for error in errors})
        summary.rejected.extend(errors)
        if progress:
            progress(summary.rows)
        if not frame.empty:
            yield frame


def _rejected_rows(summary: ImportSummary) -> int:
    """How many distinct rows were rejected (a row may have several errors)."""
    return len({error.line for error in summary.rejected})


def _run_failed(run: ImportRun, error: str) -> None:
    """Record an import that could not read its file."""
    run.status, run.error, run.finished_at = ImportStatus.FAILED, error, timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])


def _run_record(run: ImportRun, summary: ImportSummary, *, failed: bool) -> None:
    """Record the outcome of an import on its ImportRun."""
    if failed:
        run.status = ImportStatus.FAILED
        run.error = f"{_rejected_rows(summary)} invalid row(s); nothing was imported"
    elif summary.dry_run:
        run.status = ImportStatus.DRY_RUN
    else:
        run.status = ImportStatus.SUCCEEDED
    run.rows, run.created, run.updated, run.unchanged = (
        summary.rows,
        summary.created,
        summary.updated,
        summary.unchanged,
    )
    run.duplicates, run.duplicate_rows = len(summary.duplicates), summary.duplicates
    run.rejected = _rejected_rows(summary)
    run.rejected_rows = [error.as_dict() for error in summary.rejected]
    run.finished_at = timezone.now()
    run.save()


class _LaunchWriter:
    """Writes cleaned chunks to the launches: new launches are inserted, changed ones updated, repeats set aside.

    The stored launches are read once and compared with each chunk in memory, so an unchanged re-import writes
    nothing. On PostgreSQL the new launches stream into the table through one COPY whose source prepares each chunk as
    the server asks for more, so cleaning the next chunk overlaps with the server storing the last one; a load into
    an empty table drops the indexes and foreign keys first and builds each once at the end.
    """

    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Readers go on; a second import or an admin edit waits until this one commits.
                cursor.execute(f"LOCK TABLE {LAUNCH_TABLE} IN SHARE ROW EXCLUSIVE MODE")
                # Index builds and the changes' join sort every launch: keep that in memory, not on disk.
                cursor.execute("SET LOCAL work_mem = '128MB'")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                # COPY receives launch times without an offset (see _csv_bytes): they are UTC.
                cursor.execute("SET LOCAL TIME ZONE 'UTC'")
        self.organisations: dict[str, int] = dict(Organisation.objects.values_list("name", "id"))
        rockets = list(Rocket.objects.values_list("name", "id", "status"))
        self.rockets: dict[str, int] = {name: pk for name, pk, _ in rockets}
        self.rocket_statuses: dict[str, str] = {name: status for name, _, status in rockets}
        self.pads: dict[str, int] = dict(Pad.objects.values_list("location", "id"))
        self.newest_rocket_status: dict[str, tuple[pd.Timestamp, str]] = {}
        self.lookups_changed = False
        self.stored = _stored_launches()
        self.claimed = np.zeros(len(self.stored), dtype=np.int64)  # stored launch -> the line that named it first
        self.seen: set[complex] = set()  # the natural keys new to the table that this file has named so far
        self.new_keys: list[np.ndarray] = []
        self.new_lines: list[np.ndarray] = []
        self.repeats: list[pd.DataFrame] = []
        self.changes: list[pd.DataFrame] = []
        self.created = self.updated = 0

    def write(self, frames: Iterator[pd.DataFrame]) -> tuple[list[dict[str, int]], list[RowError]]:
        """Write every chunk; return the repeats of earlier rows: exact ones (duplicates) and differing ones."""
        with self._bulk_load(enabled=self.vendor == "postgresql" and self.stored.empty):
            if self.vendor == "postgresql":
                stream = _CopyStream(self, frames)
                with connection.cursor() as cursor:
                    while not stream.finished:
                        if stream.held is not None:
                            self.make_room(stream.held)
                        cursor.cursor.copy_expert(
                            f"COPY {LAUNCH_TABLE} ({', '.join(LAUNCH_COLUMNS)}) FROM STDIN WITH (FORMAT csv)",
                            stream,
                            size=COPY_BLOCK_BYTES,
                        )
                        if stream.error:
                            raise stream.error
            else:
                for frame in frames:
                    self.make_room(frame)
                    rows = _records(self.prepare(frame)[LAUNCH_COLUMNS])
                    Launch.objects.bulk_create([Launch(**row) for row in rows], batch_size=1000)
            self._apply_changes()
            repeats = self._resolve_repeats()
        self._save_rocket_statuses()
        return repeats

    def needs_connection(self, frame: pd.DataFrame) -> bool:
        """Whether a chunk names organisations, rockets or pads not stored yet, or enough changes wait to be applied."""
        changes = sum(len(changes) for changes in self.changes)
        return changes >= CHANGES_BATCH_ROWS or any(self._unknown_names(frame))

    def make_room(self, frame: pd.DataFrame) -> None:
        """Create the organisations, rockets and pads a chunk names for the first time, and apply waiting changes."""
        organisations, rockets, locations = self._unknown_names(frame)
        if organisations:
            self._create_organisations(organisations)
        if rockets:
            self._create_rockets(rockets, dict(zip(frame["rocket"], frame["rocket_status"], strict=True)))
        if locations:
            self._create_pads(locations)
        self._apply_changes()

    def _unknown_names(self, frame: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
        """The organisations, rockets and pad locations a chunk names that are not stored yet."""
        return (
            [name for name in frame["organisation"].unique() if name not in self.organisations],
            [name for name in frame["rocket"].unique() if name not in self.rockets],
            [name for name in frame["location"].unique() if name not in self.pads],
        )

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of a chunk that are new launches; changes to stored launches and repeats wait for the end."""
        self._remember_rocket_statuses(frame)
        rows = pd.DataFrame(
            {
                "line": frame["line"],
                "organisation_id": _ids(self.organisations, frame["organisation"]),
                "pad_id": _ids(self.pads, frame["location"]),
                "rocket_id": _ids(self.rockets, frame["rocket"]),
                "mission": frame["mission"],
                "launched_at": frame["launched_at"],
                "time_precision": frame["time_precision"],
                "price": frame["price"],
                "mission_status": frame["mission_status"],
            }
        )
        rows.index = _natural_keys(rows["pad_id"], _micros(rows["launched_at"]))
        rows, position = self._set_aside_repeats(rows, self.stored.index.get_indexer(rows.index))
        stored = position >= 0
        if stored.any():
            before, after = self.stored.iloc[position[stored]], rows[stored]
            changed = _differs(before, after)
            if changed.any():
                self.changes.append(after[changed].assign(id=before["id"].to_numpy()[changed]))
        new = rows[~stored]
        self.created += len(new)
        return new

    def _set_aside_repeats(self, rows: pd.DataFrame, position: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """Keep the first row of each natural key in the file; later rows with that key wait for the end.

        ``position`` is each row's stored launch (-1 for none): a stored launch notes in an array the line that first
        named it. Keys new to the table go into a set, and their lines into arrays that find a repeat's first line.
        """
        lines = rows["line"].to_numpy()
        first = lines.copy()
        stored = position >= 0
        if stored.any():
            positions = position[stored]
            in_chunk = pd.Series(lines[stored]).groupby(positions).transform("min").to_numpy()
            claimed = self.claimed[positions]
            first[stored] = np.where(claimed > 0, claimed, in_chunk)
            self.claimed[positions] = first[stored]
        if not stored.all():
            keys = rows.index[~stored].to_numpy()
            known = len(self.seen)
            self.seen.update(keys.tolist())
            if len(self.seen) - known < len(keys):  # a key repeats one of this chunk or of an earlier one
                earlier = np.concatenate(self.new_keys) if self.new_keys else keys[:0]
                repeated = pd.Index(keys).duplicated() | np.isin(keys, earlier)
                first[~stored] = np.where(repeated, 0, lines[~stored])  # 0: looked up in the arrays at the end
            self.new_keys.append(keys)
            self.new_lines.append(lines[~stored])
        later = first != lines
        if not later.any():
            return rows, position
        self.repeats.append(rows[later].assign(first_line=first[later]))
        return rows[~later], position[~later]

    def _apply_changes(self) -> None:
        """Update the stored launches whose values the file changes."""
        if not self.changes:
            return
        changes = pd.concat(self.changes)[["id", *UPDATABLE_COLUMNS]]
        self.changes = []
        self.updated += len(changes)
        if self.vendor != "postgresql":
            Launch.objects.bulk_update([Launch(**row) for row in _records(changes)], UPDATABLE_COLUMNS, batch_size=1000)
            return
        assignments = ", ".join(f"{column} = c.{column}" for column in UPDATABLE_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS launch_changes")
            cursor.execute(
                f"CREATE TEMPORARY TABLE launch_changes ON COMMIT DROP AS "
                f"SELECT {', '.join(changes.columns)} FROM {LAUNCH_TABLE} WITH NO DATA"
            )
            cursor.cursor.copy_expert(
                f"COPY launch_changes ({', '.join(changes.columns)}) FROM STDIN WITH (FORMAT csv)",
                io.BytesIO(_csv_bytes(changes)),
            )
            cursor.execute(f"UPDATE {LAUNCH_TABLE} AS l SET {assignments} FROM launch_changes c WHERE l.id = c.id")

    def _resolve_repeats(self) -> tuple[list[dict[str, int]], list[RowError]]:
        """Compare each repeat with the launch its key's first row left: equal is a duplicate, different a conflict."""
        if not self.repeats:
            return [], []
        repeats = pd.concat(self.repeats).sort_values("line")
        unknown = repeats["first_line"].to_numpy() == 0
        if unknown.any():
            keys, lines = np.concatenate(self.new_keys), np.concatenate(self.new_lines)
            wanted = np.isin(keys, repeats.index[unknown])
            first_lines = pd.Series(lines[wanted]).groupby(keys[wanted]).min()
            repeats.loc[unknown, "first_line"] = first_lines.loc[repeats.index[unknown]].to_numpy()
        first = _stored_launches(
            Launch.objects.filter(
                pad_id__in=repeats["pad_id"].unique().tolist(),
                launched_at__in=list(repeats["launched_at"].dt.to_pydatetime()),
            )
        ).loc[repeats.index]
        differs = _differs(first, repeats)
        duplicates = [
            {"line": line, "duplicate_of": first_line}
            for line, first_line in zip(repeats["line"][~differs], repeats["first_line"][~differs], strict=True)
        ]
        conflicts = [
            RowError(line, "date", f"same pad and launch time as line {first_line} but different values")
            for line, first_line in zip(repeats["line"][differs], repeats["first_line"][differs], strict=True)
        ]
        return duplicates, conflicts

    @contextmanager
    def _bulk_load(self, *, enabled: bool) -> Iterator[None]:
        """Around a load into an empty table, drop its indexes, natural key and foreign keys, then restore them.

        Maintaining seven B-trees and three foreign-key triggers row by row costs many times more than building each
        index once and validating each key with one join; the DDL is transactional, so a failed import still leaves
        every index and constraint in place.
        """
        if not enabled:
            yield
            return
        with connection.cursor() as cursor:
            # The table holds no launch, but perhaps the dead rows of a clear: a fresh file makes every scan of the
            # load (index builds, key checks) read only the new rows.
            cursor.execute(f'TRUNCATE "{LAUNCH_TABLE}"')
            constraints = connection.introspection.get_constraints(cursor, LAUNCH_TABLE)
            foreign_keys = {name: spec["foreign_key"] for name, spec in constraints.items() if spec["foreign_key"]}
            # ALTER TABLE refuses tables with pending deferred checks (the pads and rockets just created).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name in foreign_keys:
                cursor.execute(f'ALTER TABLE "{LAUNCH_TABLE}" DROP CONSTRAINT "{name}"')
        with connection.schema_editor(atomic=False) as editor:
            for constraint in Launch._meta.constraints:
                editor.remove_constraint(Launch, constraint)
            for index in Launch._meta.indexes:
                editor.remove_index(Launch, index)
        yield
        with connection.schema_editor(atomic=False) as editor:
            for constraint in Launch._meta.constraints:
                editor.add_constraint(Launch, constraint)
            for index in Launch._meta.indexes:
                editor.add_index(Launch, index)
        with connection.cursor() as cursor:
            for name, (target_table, target_column) in foreign_keys.items():
                (column,) = constraints[name]["columns"]
                cursor.execute(
                    f'ALTER TABLE "{LAUNCH_TABLE}" ADD CONSTRAINT "{name}" FOREIGN KEY ("{column}") '
                    f'REFERENCES "{target_table}" ("{target_column}") DEFERRABLE INITIALLY DEFERRED'
                )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def changed_anything(self) -> bool:
        """Whether the import changed the launch data that analyses read."""
        return bool(self.created or self.updated or self.lookups_changed)

    def _create_organisations(self, names: list[str]) -> None:
        """Create organisations a chunk names for the first time."""
        Organisation.objects.bulk_create([Organisation(name=name) for name in names])
        self.organisations.update(Organisation.objects.filter(name__in=names).values_list("name", "id"))
        self.lookups_changed = True

    def _create_rockets(self, names: list[str], statuses: dict[str, str]) -> None:
        """Create rockets a chunk names for the first time; their status as of their newest launch is set at the end."""
        rockets = [Rocket(name=name, status=statuses[name]) for name in names]
        Rocket.objects.bulk_create(rockets)
        self.rockets.update(Rocket.objects.filter(name__in=names).values_list("name", "id"))
        self.rocket_statuses.update({rocket.name: rocket.status for rocket in rockets})
        self.lookups_changed = True

    def _create_pads(self, locations: list[str]) -> None:
        """Create the pads (and their sites) of locations a chunk names for the first time."""
        sites = dict(((site.name, site.country), site.pk) for site in LaunchSite.objects.all())
        pads = []
        for location in locations:
            parsed = location_parse(location)
            key = (parsed.site, parsed.country)
            if key not in sites:
                sites[key] = LaunchSite.objects.create(name=parsed.site, country=parsed.country).pk
            pads.append(
                Pad(
                    location=location, name=parsed.pad, site_id=sites[key], region=parsed.region, country=parsed.country
                )
            )
        Pad.objects.bulk_create(pads)
        self.pads.update(Pad.objects.filter(location__in=locations).values_list("location", "id"))
        self.lookups_changed = True

    def _remember_rocket_statuses(self, frame: pd.DataFrame) -> None:
        """Keep each rocket's status as of its newest launch in the file: the dataset's status is 'as of' then."""
        newest = frame.sort_values("launched_at").drop_duplicates("rocket", keep="last")
        for rocket, launched_at, status in newest[["rocket", "launched_at", "rocket_status"]].itertuples(index=False):
            current = self.newest_rocket_status.get(rocket)
            if current is None or launched_at >= current[0]:
                self.newest_rocket_status[rocket] = (launched_at, status)

    def _save_rocket_statuses(self) -> None:
        """Update rockets whose status the file changes."""
        changed = [
            Rocket(pk=self.rockets[name], status=status)
            for name, (_, status) in self.newest_rocket_status.items()
            if self.rocket_statuses.get(name) != status
        ]
        if changed:
            Rocket.objects.bulk_update(changed, ["status"])
            self.lookups_changed = True


class _CopyStream:
    """The file COPY reads new launches from: each read prepares chunks until it has bytes to hand over.

    A chunk that needs the connection (busy with this COPY) is held back and the stream ends; the writer makes room
    and starts the next COPY, which begins with the held chunk.
    """

    def __init__(self, writer: _LaunchWriter, frames: Iterator[pd.DataFrame]) -> None:
        self.writer, self.frames = writer, frames
        self.held: pd.DataFrame | None = None
        self.finished = False
        self.error: Exception | None = None
        self.pending = memoryview(b"")

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes of CSV; empty at the end of the file or when a chunk is held back."""
        try:
            return self._read(size)
        except Exception as error:
            # psycopg2 would replace the error with a generic one; end the COPY and let the writer raise it.
            self.error, self.finished = error, True
            return b""

    def _read(self, size: int) -> bytes:
        """``read`` without the error handling."""
        while not self.pending:
            frame = self.held if self.held is not None else next(self.frames, None)
            if frame is None:
                self.finished = True
                return b""
            if self.writer.needs_connection(frame):
                self.held = frame
                return b""
            self.held = None
            self.pending = memoryview(_csv_bytes(self.writer.prepare(frame)[LAUNCH_COLUMNS]))
        piece, self.pending = self.pending[:size], self.pending[size:]
        return bytes(piece)


def _ids(known: dict[str, int], names: pd.Series) -> np.ndarray:
    """The row id of every name of a chunk."""
    codes, uniques = pd.factorize(names)
    return np.array([known[name] for name in uniques], dtype=np.int64)[codes]


def _micros(launched_at: pd.Series) -> np.ndarray:
    """Launch times as whole microseconds since 1970, the precision PostgreSQL stores."""
    return launched_at.dt.as_unit("us").astype("int64").to_numpy()


def _natural_keys(pad_ids: pd.Series, micros: np.ndarray) -> pd.Index:
    """Each launch's natural key (pad, launch time) as one exact value: pad id + i * microseconds.

    Both parts are integers below 2**53, so a complex number holds the pair exactly, and pandas and Python hash and
    compare it as one value: a million keys take two arrays, not a million tuples.
    """
    return pd.Index(pad_ids.to_numpy(np.float64) + 1j * micros.astype(np.float64))


def _differs(before: pd.DataFrame, after: pd.DataFrame) -> np.ndarray:
    """Per row, whether any updatable column differs between two aligned frames (two missing prices are equal)."""
    differs = np.zeros(len(after), dtype=bool)
    for column in UPDATABLE_COLUMNS:
        old, new = before[column].to_numpy(), after[column].to_numpy()
        differs |= ~((old == new) | (pd.isna(old) & pd.isna(new)))
    return differs


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as keyword arguments for the ORM, with missing values as None."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as header-less CSV for COPY: Arrow's writer formats far faster than ``to_csv``."""
    # Arrow writes a time zone-aware timestamp ten times slower than the same UTC time without its zone.
    frame = frame.assign(**{name: column.dt.tz_convert(None) for name, column in frame.items() if _aware(column)})
    buffer = io.BytesIO()
    # One chunk per column: Arrow's writer emits garbage for a table whose first record batch is empty.
    pa_csv.write_csv(
        pa.Table.from_pandas(frame, preserve_index=False).combine_chunks(),
        buffer,
        pa_csv.WriteOptions(include_header=False, quoting_style="needed"),
    )
    return buffer.getvalue()


def _aware(column: pd.Series) -> bool:
    """Whether a column holds time zone-aware timestamps."""
    return isinstance(column.dtype, pd.DatetimeTZDtype)


def _stored_launches(launches: QuerySet[Launch] | None = None) -> pd.DataFrame:
    """The id and updatable columns of stored launches (all of them by default), indexed by natural key."""
    fields = ["id", "pad_id", "launched_at", *UPDATABLE_COLUMNS]
    if launches is None and not Launch.objects.exists():
        frame = pd.DataFrame({field: pd.Series(dtype="int64") for field in fields})
        frame["launched_at"] = frame["launched_at"].astype("datetime64[us, UTC]")
    elif launches is None and connection.vendor == "postgresql":
        # COPY and Arrow read a million launches in about a second; the ORM would build a million tuples. The CSV
        # goes straight into Arrow's memory, and one parsing thread leaves no per-thread heaps behind.
        buffer = pa.BufferOutputStream()
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY (SELECT {', '.join(fields)} FROM {LAUNCH_TABLE}) TO STDOUT WITH (FORMAT csv)", buffer
            )
        table = pa_csv.read_csv(
            pa.BufferReader(buffer.getvalue()),
            pa_csv.ReadOptions(column_names=fields, use_threads=False),
            pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={
                    # Arrow reads the offset PostgreSQL writes, to the microsecond it stores.
                    "launched_at": pa.timestamp("us", tz="UTC"),
                    "price": pa.float64(),
                    "mission": pa.string(),
                    # Two columns of a few values each: dictionaries take four bytes per launch instead of a string.
                    "time_precision": pa.dictionary(pa.int32(), pa.string()),
                    "mission_status": pa.dictionary(pa.int32(), pa.string()),
                },
                strings_can_be_null=False,
            ),
        )
        del buffer
        frame = table.to_pandas(self_destruct=True, split_blocks=True)
        del table
        pa.default_memory_pool().release_unused()
    else:
        frame = pd.DataFrame.from_records(list((launches or Launch.objects).values_list(*fields)), columns=fields)
        frame["launched_at"] = pd.to_datetime(frame["launched_at"], utc=True)
        frame["price"] = frame["price"].astype("float64")
    frame.index = _natural_keys(frame["pad_id"], _micros(frame["launched_at"]))
    return frame.drop(columns=["pad_id", "launched_at"])
