"""Import records: whatever ends an import, its record ends up failed rather than running for ever."""

import fcntl
import os
import signal
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from conftest import wait_until
from missions import services
from missions.importer import runs
from missions.importer.runs import ABANDONED
from missions.models import ImportRun, ImportStatus
from missions.services import launches_import

from ..launch_files import GOOD, HEADER, write

ROOT = Path(__file__).resolve().parents[3]


def _reconcile_jobs() -> str:
    out = StringIO()
    call_command("reconcile_jobs", stdout=out)
    return out.getvalue()


@pytest.mark.timeout(120)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("reaped_by", ["the next import", "reconcile_jobs"])
def test_a_killed_import_is_marked_failed_and_a_live_one_is_left_running(postgres, tmp_path, dripping_url, reaped_by):
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "LAUNCH_DATA_CACHE_DIR": str(tmp_path),
        "LAUNCH_DATA_TIMEOUT": "600",
    }
    command = [sys.executable, "manage.py", "import_launches", dripping_url, "--verbosity", "0"]
    importer = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        run = wait_until(lambda: ImportRun.objects.filter(status=ImportStatus.RUNNING).first(), what="the import")
        assert _reconcile_jobs() == "0 abandoned job(s) marked failed\n"  # while it downloads, it is alive
        run.refresh_from_db()
        assert run.status == ImportStatus.RUNNING
    finally:
        importer.send_signal(signal.SIGKILL)
        importer.wait()

    if reaped_by == "reconcile_jobs":
        # The server ends the killed client's session, and its lock, once it notices the connection closed.
        wait_until(lambda: "1 abandoned import(s) marked failed" in _reconcile_jobs(), what="the import reaped")
    else:
        wait_until(lambda: not _lock_held(run), what="the killed session's end")
        launches_import(source=str(write(tmp_path, "launches.csv", HEADER + GOOD)))
    run.refresh_from_db()
    assert (run.status, run.error) == (ImportStatus.FAILED, ABANDONED)
    assert run.finished_at is not None


def _lock_held(run: ImportRun) -> bool:
    """Whether any session holds the advisory lock of a run."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s",
            [runs.ADVISORY_LOCK_SPACE, run.pk],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.usefixtures("empty_launches")
def test_without_postgresql_a_lock_file_held_by_a_live_process_keeps_the_import_running(tmp_path, settings_var):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL imports hold an advisory lock, tested above")
    run = ImportRun.objects.create(source="elsewhere.csv")
    lock_path = runs._lock_path(run)
    # Another process holds the run's lock file, as the process of a running import does.
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(lock_path)], stdout=subprocess.PIPE, stdin=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline() == b"locked\n"
        services.imports_reconcile()
        run.refresh_from_db()
        assert run.status == ImportStatus.RUNNING
    finally:
        holder.kill()
        holder.wait()

    services.imports_reconcile()
    run.refresh_from_db()
    assert (run.status, run.error) == (ImportStatus.FAILED, ABANDONED)
    assert not lock_path.exists()


_HOLD_LOCK = f"""
import fcntl, sys
handle = open(sys.argv[1], "ab")
fcntl.flock(handle, {fcntl.LOCK_EX})
print("locked", flush=True)
sys.stdin.read()
"""


@pytest.mark.usefixtures("empty_launches")
def test_an_exception_inside_an_import_marks_it_failed(tmp_path, monkeypatch, settings_var):
    def broken(*args, **kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(services, "read_launch_chunks", broken)

    path = write(tmp_path, "launches.csv", HEADER + GOOD)
    with pytest.raises(MemoryError):
        launches_import(source=str(path))

    run = ImportRun.objects.get(source=str(path))
    assert (run.status, run.error) == (ImportStatus.FAILED, "MemoryError: out of memory")
    # Its lock went with it.
    assert not (_lock_held(run) if connection.vendor == "postgresql" else run.pk in runs._lock_files)


@pytest.fixture
def settings_var(settings, tmp_path) -> Path:
    """A data directory of the test's own for the lock files."""
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR
