"""The ImportRun record of each import: opened when the import starts, completed with its outcome when it ends.

An import that never reaches its end (killed, or its database connection lost) cannot record it. So each running
import holds a lock that its process's end releases: a PostgreSQL advisory lock of its session, or on other
databases, which one machine shares, a lock on a file. A running record whose lock nobody holds is abandoned, and
is marked failed when the next import starts or when ``reconcile_jobs`` runs.
"""

import contextlib
import fcntl
import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, ParamSpec, TypeVar

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from missions.models import ImportFormat, ImportRun, ImportStatus

from .formats import LaunchFile, RowError
from .sources import LocalSource


@dataclass
class ImportSummary:
    """What an import read and changed."""

    run: ImportRun
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    matched: int = 0  # launches only Launch Library 2 knew, merged into the file's launches
    duplicates: list[dict[str, int]] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    repairs: list[dict[str, object]] = field(default_factory=list)
    dry_run: bool = False


# The first of the two keys of the advisory locks that running imports hold, the second being the run's id.
ADVISORY_LOCK_SPACE = 0x5AA1
ABANDONED = "The import ended before recording its outcome (its process was stopped); nothing was imported."

Params = ParamSpec("Params")
Result = TypeVar("Result")
# The runs started within the current call of a function wrapped by ``runs_recorded``.
_started: ContextVar[list[ImportRun] | None] = ContextVar("import_runs_started", default=None)
# The open lock files of this process's running imports, by run id, on databases other than PostgreSQL.
_lock_files: dict[int, IO[bytes]] = {}


def run_start(*, source: str | None) -> ImportRun:
    """Record an import that starts, under its source as given, after failing the imports abandoned before it."""
    runs_reap()
    with transaction.atomic():
        run = ImportRun.objects.create(source=source or "(default dataset)")
        # Held before the record is committed, so that no one sees the record running without its lock.
        _lock(run)
    if (started := _started.get()) is not None:
        started.append(run)
    return run


def runs_recorded(function: Callable[Params, Result]) -> Callable[Params, Result]:
    """Wrap an import so that whatever ends it, an exception included, its runs end up failed rather than running."""

    @functools.wraps(function)
    def wrapper(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        token = _started.set([])
        try:
            return function(*args, **kwargs)
        except BaseException as error:
            # Without the database the record stays running, and the next start finds its lock released.
            with contextlib.suppress(DatabaseError):
                for run in _started.get() or []:
                    if run.status == ImportStatus.RUNNING:
                        run_fail(run=run, error=f"{type(error).__name__}: {error}")
            raise
        finally:
            with contextlib.suppress(DatabaseError):  # a lost session has released its locks already
                for run in _started.get() or []:
                    _unlock(run)
            _started.reset(token)

    return wrapper


def runs_reap() -> int:
    """Mark failed every running import whose process has ended; return how many."""
    abandoned = [run for run in ImportRun.objects.filter(status=ImportStatus.RUNNING) if _abandoned(run)]
    for run in abandoned:
        run_fail(run=run, error=ABANDONED)
    return len(abandoned)


def run_file_note(*, run: ImportRun, local: LocalSource, launch_file: LaunchFile) -> None:
    """Record the file an import reads: where it came from, its checksum, format and encoding."""
    run.source, run.sha256 = local.source, local.sha256
    run.format, run.encoding = launch_file.format, launch_file.encoding
    run.save(update_fields=["source", "sha256", "format", "encoding"])


def run_latest_succeeded() -> ImportRun | None:
    """The most recent import that wrote its file (dry runs and failures wrote nothing; a sync reads no file)."""
    runs = ImportRun.objects.filter(status=ImportStatus.SUCCEEDED).exclude(format=ImportFormat.LL2)
    return runs.order_by("-started_at", "-id").first()


def run_fail(*, run: ImportRun, error: str) -> None:
    """Record an import that could not read its file."""
    run.status, run.error, run.finished_at = ImportStatus.FAILED, error, timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])


def run_finish(*, summary: ImportSummary, failed: bool, rejected_rows: int) -> None:
    """Record the outcome of an import; ``rejected_rows`` counts the distinct lines of its rejected rows."""
    run = summary.run
    if failed:
        run.status = ImportStatus.FAILED
        run.error = f"{rejected_rows} invalid row(s); nothing was imported"
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
    run.matched = summary.matched
    run.duplicates, run.duplicate_rows = len(summary.duplicates), summary.duplicates
    run.rejected = rejected_rows
    run.rejected_rows = [error.as_dict() for error in summary.rejected]
    run.repairs = repairs_merged(summary.repairs)
    run.finished_at = timezone.now()
    run.save()


def _lock(run: ImportRun) -> None:
    """Hold the lock that says a run's import is alive, until ``_unlock`` or the end of the process."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [ADVISORY_LOCK_SPACE, run.pk])
    else:
        handle = _lock_path(run).open("wb")
        fcntl.flock(handle, fcntl.LOCK_EX)
        _lock_files[run.pk] = handle


def _unlock(run: ImportRun) -> None:
    """Release the lock of a run whose import has ended."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_LOCK_SPACE, run.pk])
    elif handle := _lock_files.pop(run.pk, None):
        _lock_path(run).unlink(missing_ok=True)
        handle.close()


def _abandoned(run: ImportRun) -> bool:
    """Whether no live import holds a running record's lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A session gets a lock that it holds itself again: this one holds only the locks of its imports, which
            # release them as they end.
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_LOCK_SPACE, run.pk])
            if not cursor.fetchone()[0]:
                return False
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_LOCK_SPACE, run.pk])
        return True
    if run.pk in _lock_files:  # an import of this process, under way
        return False
    path = _lock_path(run)
    with path.open("ab") as handle:  # created if missing: a record without its lock file is abandoned too
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
    path.unlink(missing_ok=True)
    return True


def _lock_path(run: ImportRun) -> Path:
    """The lock file of a run, in the data directory that the database of these imports sits beside."""
    directory = Path(settings.VAR_DIR) / "import-runs"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{run.pk}.lock"


def repairs_merged(repairs: list[dict[str, object]]) -> list[dict[str, object]]:
    """The repairs of every chunk as one entry per column and name, with all its lines in order."""
    merged: dict[tuple, dict[str, object]] = {}
    for repair in repairs:
        key = (repair["column"], repair["original"])
        if key in merged:
            merged[key]["lines"] = [*merged[key]["lines"], *repair["lines"]]
        else:
            merged[key] = dict(repair)
    return sorted(merged.values(), key=lambda repair: (repair["lines"][0], repair["column"]))
