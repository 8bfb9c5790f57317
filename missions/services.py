"""Writes to the launch records: importing launch files, syncing Launch Library 2, clearing the data."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pandas as pd
from django.conf import settings
from django.db import connection, transaction

from core.queues import queue_get

from .geocoding import sites_geocode
from .importer.formats import LaunchFileError, RowError, open_launch_file
from .importer.reading import read_launch_chunks
from .importer.runs import (
    ImportSummary,
    run_fail,
    run_file_note,
    run_finish,
    run_latest_succeeded,
    run_start,
    runs_reap,
    runs_recorded,
)
from .importer.sources import source_fetch
from .importer.writing import LaunchWriter
from .ll2.client import LL2Client
from .ll2.merging import ll2_launches_merge
from .ll2.sync import SyncSummary, client_from_settings
from .ll2.sync import launches_sync as ll2_launches_sync
from .models import DataVersion, ImportFormat, ImportRun, Launch, LaunchSite, Organisation, Pad, Rocket

# Files are read in chunks of this many rows.
CHUNK_ROWS = 50_000
# The longest a background sync runs: at the free tier's pace, about 45 pages (4,500 launches).
SYNC_JOB_SECONDS = 3 * 3600


class ImportFailed(Exception):
    """An import that changed nothing; ``errors`` lists every bad row as ``FILE:LINE: column: reason``."""

    def __init__(self, message: str, *, errors: list[str] | None = None, run: ImportRun | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []
        self.run = run


class DefaultDatasetUnavailable(ImportFailed):
    """The default dataset could not be fetched, and no launches are stored to fall back on."""


@dataclass(frozen=True)
class ImportKept:
    """An import that kept the stored launches instead of reading its file, and why."""

    launches: int
    reason: str


class _Rollback(Exception):
    """Raised inside the import transaction to undo it."""


def _import_statement_timeout() -> None:
    """Give the import transaction IMPORT_STATEMENT_TIMEOUT (0: none) in place of the web requests' shorter one."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = %s", [int(settings.IMPORT_STATEMENT_TIMEOUT * 1000)])


@runs_recorded
def launches_import(
    *,
    source: str | None = None,
    file_format: ImportFormat | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import a launch file atomically and idempotently; with no source, the configured default dataset."""
    run = run_start(source=source)
    try:
        local = source_fetch(source=source)
        launch_file = open_launch_file(local.path, forced_format=file_format)
    except LaunchFileError as error:
        run_fail(run=run, error=str(error))
        raise ImportFailed(str(error), run=run) from error
    run_file_note(run=run, local=local, launch_file=launch_file)

    summary = ImportSummary(run=run, dry_run=dry_run)
    try:
        with transaction.atomic():
            _import_statement_timeout()
            writer = LaunchWriter()
            chunks = read_launch_chunks(launch_file, chunksize=CHUNK_ROWS)
            duplicates, conflicts = writer.write(_valid_rows(chunks, summary=summary, progress=progress))
            summary.duplicates = duplicates
            summary.rejected.extend(conflicts)
            summary.rejected.sort(key=lambda error: error.line)
            rejected_rows = len({error.line for error in summary.rejected})  # a row may have several errors
            if summary.rejected and not skip_invalid:
                raise _Rollback
            summary.created, summary.updated = writer.created, writer.updated
            summary.unchanged = summary.rows - len(duplicates) - rejected_rows - summary.created - summary.updated
            if writer.changed_anything():
                # A launch a sync stored before its file was imported may be one of the file's launches now; an
                # import that wrote nothing gives the matching rule nothing new to match.
                summary.matched = ll2_launches_merge()
                if not dry_run:
                    DataVersion.bump()
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except LaunchFileError as error:
        run_fail(run=run, error=str(error))
        raise ImportFailed(str(error), run=run) from error

    failed = bool(summary.rejected) and not skip_invalid
    run_finish(summary=summary, failed=failed, rejected_rows=rejected_rows)
    if failed:
        lines = [f"{launch_file.path}:{error.line}: {error.column}: {error.reason}" for error in summary.rejected]
        message = f"{rejected_rows} invalid row(s) in {launch_file.path}; nothing was imported"
        raise ImportFailed(message, errors=lines, run=run)
    if not dry_run:
        # Once the import has committed, locate the sites it added; sites that already have coordinates are skipped.
        transaction.on_commit(sites_geocode)
    return summary


def launches_import_if_changed(*, source: str | None = None, **options) -> ImportSummary | ImportKept:
    """Import a file unless the stored launches came from it; with no source, keep them if the default is unreachable.

    "Came from it" means the latest successful import read a file of the same SHA-256 and the launches are still there.
    """
    try:
        local = source_fetch(source=source)
    except LaunchFileError as error:
        if source is not None:
            raise ImportFailed(str(error)) from error
        stored = Launch.objects.count()
        if not stored:
            raise DefaultDatasetUnavailable(str(error)) from error
        return ImportKept(launches=stored, reason=f"the default dataset is unavailable ({error})")
    latest, stored = run_latest_succeeded(), Launch.objects.count()
    if stored and latest is not None and latest.sha256 == local.sha256:
        return ImportKept(
            launches=stored,
            reason=f"{local.source} is unchanged since its import of {latest.finished_at:%Y-%m-%d %H:%M} "
            f"(sha256 {local.sha256})",
        )
    return launches_import(source=source, **options)


def imports_reconcile() -> int:
    """Mark failed the imports whose process ended before recording their outcome; return how many."""
    return runs_reap()


def launches_sync(
    *,
    since: date | None = None,
    full: bool = False,
    max_seconds: float | None = None,
    progress: Callable[[SyncSummary], None] | None = None,
    on_wait: Callable[[float, str], None] | None = None,
    client: LL2Client | None = None,
) -> SyncSummary:
    """Sync past launches from Launch Library 2 from where the last sync stopped, then locate the sites it added."""
    client = client or client_from_settings(max_seconds=max_seconds, on_wait=on_wait)
    summary = ll2_launches_sync(client=client, since=since, full=full, progress=progress)
    if summary.created:
        sites_geocode()
    return summary


def launches_sync_enqueue() -> str:
    """Start a Launch Library 2 sync as a background job on the default queue; return the job's id."""
    # The job stops itself at its deadline, a little before RQ would kill it, so it ends with its record written.
    queue = queue_get("default", commit_mode="auto")
    job = queue.enqueue("missions.jobs.launches_sync_job", SYNC_JOB_SECONDS - 300, job_timeout=SYNC_JOB_SECONDS)
    return job.id


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


def _valid_rows(
    chunks: Iterator[tuple[pd.DataFrame, list[RowError]]],
    *,
    summary: ImportSummary,
    progress: Callable[[int], None] | None,
) -> Iterator[pd.DataFrame]:
    """The valid rows of each chunk that has any, tallying on the summary the rows read and the invalid ones."""
    for frame, errors in chunks:
        summary.rows += len(frame) + len({error.line for error in errors})
        summary.rejected.extend(errors)
        summary.repairs.extend(frame.attrs.pop("repairs", []))
        if progress:
            progress(summary.rows)
        if not frame.empty:
            yield frame
