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
from django.utils import timezone

from .geocoding import sites_geocode
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
from .readers import LaunchFileError, RowError, open_launch_file, read_launch_chunks
from .sources import source_fetch

STAGING_COLUMNS = [
    "line",
    "organisation_id",
    "pad_id",
    "rocket_id",
    "mission",
    "launched_at",
    "time_precision",
    "price",
    "mission_status",
]
# Inserting at least this many launches at once takes the bulk-load path on PostgreSQL.
BULK_LOAD_ROWS = 100_000
# The launch columns an import may change; the natural key (pad, launched_at) identifies the launch.
UPDATABLE_COLUMNS = ["organisation_id", "rocket_id", "mission", "time_precision", "price", "mission_status"]


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
            for frame, errors in read_launch_chunks(launch_file):
                summary.rows += len(frame) + len({error.line for error in errors})
                summary.rejected.extend(errors)
                writer.stage(frame)
                if progress:
                    progress(summary.rows)
            duplicates, conflicts = writer.find_repeats()
            summary.duplicates = duplicates
            summary.rejected.extend(conflicts)
            summary.rejected.sort(key=lambda error: error.line)
            if summary.rejected and not skip_invalid:
                raise _Rollback
            summary.created, summary.updated = writer.apply()
            summary.unchanged = summary.rows - len(duplicates) - _rejected_rows(summary) - summary.created
            summary.unchanged -= summary.updated
            if writer.changed_anything(summary) and not dry_run:
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
    """Stages cleaned rows in a temporary table, then applies them to the launches with set-based SQL."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.organisations: dict[str, int] = dict(Organisation.objects.values_list("name", "id"))
        self.rockets: dict[str, int] = dict(Rocket.objects.values_list("name", "id"))
        self.rocket_statuses: dict[str, str] = dict(Rocket.objects.values_list("name", "status"))
        self.pads: dict[str, int] = dict(Pad.objects.values_list("location", "id"))
        self.newest_rocket_status: dict[str, tuple[pd.Timestamp, str]] = {}
        self.lookups_changed = False
        self.key_hashes: list[np.ndarray] = []
        self.staged_rows = 0
        timestamp = "timestamp with time zone" if self.vendor == "postgresql" else "text"
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # The repeat check and the joins hash every staged row: keep those hashes in memory, not on disk.
                cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute("DROP TABLE IF EXISTS launch_staging")
            cursor.execute(
                f"""CREATE TEMPORARY TABLE launch_staging (
                    line integer PRIMARY KEY, organisation_id bigint, pad_id bigint, rocket_id bigint,
                    mission text, launched_at {timestamp}, time_precision text, price numeric, mission_status text
                )"""
            )

    def stage(self, frame: pd.DataFrame) -> None:
        """Create the organisations, rockets and pads a chunk names and load its rows into the staging table."""
        if frame.empty:
            return
        self.staged_rows += len(frame)
        self._remember_rocket_statuses(frame)
        self._note_keys(frame)
        staged = pd.DataFrame(
            {
                "line": frame["line"],
                "organisation_id": self._ids(self.organisations, frame["organisation"], self._create_organisations),
                "pad_id": self._ids(self.pads, frame["location"], self._create_pads),
                "rocket_id": self._ids(self.rockets, frame["rocket"], self._create_rockets),
                "mission": frame["mission"],
                "launched_at": frame["launched_at"],
                "time_precision": frame["time_precision"],
                "price": frame["price"],
                "mission_status": frame["mission_status"],
            }
        )
        if self.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path, fed by Arrow's CSV writer, which formats far faster than to_csv.
            buffer = io.BytesIO()
            pa_csv.write_csv(
                pa.Table.from_pandas(staged, preserve_index=False),
                buffer,
                pa_csv.WriteOptions(include_header=False, quoting_style="needed"),
            )
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY launch_staging ({', '.join(STAGING_COLUMNS)}) FROM STDIN WITH (FORMAT csv)", buffer
                )
        else:
            staged["launched_at"] = staged["launched_at"].dt.strftime("%Y-%m-%d %H:%M:%S")
            rows = staged.astype(object).where(staged.notna(), None).itertuples(index=False, name=None)
            placeholders = ", ".join(["%s"] * len(STAGING_COLUMNS))
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO launch_staging VALUES ({placeholders})", list(rows))

    def _note_keys(self, frame: pd.DataFrame) -> None:
        """Hash each row's natural key, so that the exact repeat check runs only when two hashes meet."""
        self.key_hashes.append(pd.util.hash_pandas_object(frame[["location", "launched_at"]], index=False).to_numpy())

    def find_repeats(self) -> tuple[list[dict[str, int]], list[RowError]]:
        """Drop rows that repeat an earlier row; an exact repeat is a duplicate, a different one is rejected."""
        if not self.key_hashes or pd.Index(np.concatenate(self.key_hashes)).is_unique:
            return [], []
        columns = ", ".join(f"s.{column}" for column in STAGING_COLUMNS[1:])
        first_columns = ", ".join(f"f.{column}" for column in STAGING_COLUMNS[1:])
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT s.line, f.line, {columns}, {first_columns}
                FROM launch_staging s
                JOIN (SELECT pad_id, launched_at, MIN(line) AS line FROM launch_staging
                      GROUP BY pad_id, launched_at HAVING COUNT(*) > 1) k
                  ON s.pad_id = k.pad_id AND s.launched_at = k.launched_at AND s.line <> k.line
                JOIN launch_staging f ON f.line = k.line
                ORDER BY s.line"""
            )
            repeats = cursor.fetchall()
            width = len(STAGING_COLUMNS) - 1
            duplicates, conflicts = [], []
            for line, first_line, *values in repeats:
                if values[:width] == values[width:]:
                    duplicates.append({"line": line, "duplicate_of": first_line})
                else:
                    reason = f"same pad and launch time as line {first_line} but different values"
                    conflicts.append(RowError(line, "date", reason))
            if repeats:
                lines = [row[0] for row in repeats]
                cursor.execute(f"DELETE FROM launch_staging WHERE line IN ({', '.join(['%s'] * len(lines))})", lines)
        return duplicates, conflicts

    def apply(self) -> tuple[int, int]:
        """Update launches whose values changed, insert new ones; return (created, updated)."""
        self._save_rocket_statuses()
        changed = " OR ".join(f"l.{column} IS DISTINCT FROM s.{column}" for column in UPDATABLE_COLUMNS)
        assignments = ", ".join(f"{column} = s.{column}" for column in UPDATABLE_COLUMNS)
        inserted = ", ".join(STAGING_COLUMNS[1:])
        new_rows = """FROM launch_staging s WHERE NOT EXISTS (
            SELECT 1 FROM missions_launch l WHERE l.pad_id = s.pad_id AND l.launched_at = s.launched_at)"""
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("ANALYZE launch_staging")  # temporary tables get no statistics otherwise
            cursor.execute(
                f"""UPDATE missions_launch AS l SET {assignments}
                FROM launch_staging s
                WHERE l.pad_id = s.pad_id AND l.launched_at = s.launched_at AND ({changed})"""
            )
            updated = cursor.rowcount
            # A file larger than the table holds mostly new launches: load it in bulk.
            bulk = self.staged_rows >= BULK_LOAD_ROWS and self.staged_rows > Launch.objects.count()
            with self._bulk_load(enabled=bulk):
                # In natural-key order the unique index grows at its right edge instead of at random pages.
                cursor.execute(
                    f"INSERT INTO missions_launch ({inserted}) "
                    f"SELECT {inserted} {new_rows} ORDER BY s.pad_id, s.launched_at"
                )
                created = cursor.rowcount
            cursor.execute("DROP TABLE launch_staging")
        return created, updated

    @contextmanager
    def _bulk_load(self, *, enabled: bool) -> Iterator[None]:
        """Around a large insert on PostgreSQL, drop the secondary indexes and foreign keys, then restore them.

        Maintaining several B-trees and three foreign-key triggers row by row costs many times more than building
        each index once and validating each key with one join; the DDL is transactional, so a failed import still
        leaves every index and constraint in place.
        """
        if self.vendor != "postgresql" or not enabled:
            yield
            return
        table = Launch._meta.db_table
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
            foreign_keys = {name: spec["foreign_key"] for name, spec in constraints.items() if spec["foreign_key"]}
            # ALTER TABLE refuses tables with pending deferred checks (the pads and rockets just created).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name in foreign_keys:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        with connection.schema_editor(atomic=False) as editor:
            for index in Launch._meta.indexes:
                editor.remove_index(Launch, index)
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        with connection.schema_editor(atomic=False) as editor:
            for index in Launch._meta.indexes:
                editor.add_index(Launch, index)
        with connection.cursor() as cursor:
            for name, (target_table, target_column) in foreign_keys.items():
                (column,) = constraints[name]["columns"]
                cursor.execute(
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" FOREIGN KEY ("{column}") '
                    f'REFERENCES "{target_table}" ("{target_column}") DEFERRABLE INITIALLY DEFERRED'
                )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def changed_anything(self, summary: ImportSummary) -> bool:
        """Whether the import changed the launch data that analyses read."""
        return bool(summary.created or summary.updated or self.lookups_changed)

    def _ids(self, known: dict[str, int], names: pd.Series, create: Callable[[list[str]], None]) -> np.ndarray:
        """The row id of every name of a chunk, creating the missing rows in one go."""
        codes, uniques = pd.factorize(names)
        missing = [name for name in uniques if name not in known]
        if missing:
            create(missing)
            self.lookups_changed = True
        return np.array([known[name] for name in uniques], dtype=np.int64)[codes]

    def _create_organisations(self, names: list[str]) -> None:
        """Create organisations a chunk names for the first time."""
        Organisation.objects.bulk_create([Organisation(name=name) for name in names])
        self.organisations.update(Organisation.objects.filter(name__in=names).values_list("name", "id"))

    def _create_rockets(self, names: list[str]) -> None:
        """Create rockets a chunk names for the first time, with the status of their newest launch."""
        rockets = [Rocket(name=name, status=self.newest_rocket_status[name][1]) for name in names]
        Rocket.objects.bulk_create(rockets)
        self.rockets.update(Rocket.objects.filter(name__in=names).values_list("name", "id"))
        self.rocket_statuses.update({rocket.name: rocket.status for rocket in rockets})

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
