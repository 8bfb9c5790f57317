"""The import_launches and clear_launches commands: their summaries, their errors and what they leave in the tables."""

import hashlib
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from missions.models import ImportRun, ImportStatus, Launch, LaunchSite, Organisation, Pad, Rocket

from .launch_files import BAD_DATE, BAD_DATE_ERROR, BAD_STATUS, GOOD, HEADER, NEW, OTHER, database_snapshot, write

pytestmark = pytest.mark.usefixtures("empty_launches")


def run(*args: str) -> tuple[str, str]:
    """Run a command; return what it wrote to stdout and to stderr."""
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_launches_reports_what_it_read_and_wrote(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stderr", StringIO())  # not a terminal: progress as quiet lines, no bar
    path = write(tmp_path, "launches.csv", HEADER + GOOD + OTHER + GOOD)

    out, err = run("import_launches", str(path))

    assert out == (
        "line 4: duplicate of line 2, imported once\n"
        f"3 rows read from {path} (mission_launches): 2 created, 0 updated, 0 unchanged, 1 duplicate, 0 rejected\n"
    )
    assert err == "read 3 rows\n"
    assert sorted(Launch.objects.values_list("mission", flat=True)) == ["A", "C"]


def test_import_launches_again_reports_the_launches_unchanged(tmp_path):
    path = write(tmp_path, "launches.csv", HEADER + GOOD + OTHER)
    run("import_launches", str(path))

    out, _ = run("import_launches", str(path), "--verbosity", "0")

    assert out == (
        f"2 rows read from {path} (mission_launches): 0 created, 0 updated, 2 unchanged, 0 duplicate, 0 rejected\n"
    )


def test_import_launches_refuses_a_file_with_bad_rows_naming_file_and_line_and_changes_nothing(tmp_path):
    run("import_launches", str(write(tmp_path, "first.csv", HEADER + NEW)))
    before = database_snapshot()
    path = write(tmp_path, "bad.csv", HEADER + GOOD + BAD_DATE + BAD_STATUS)
    err = StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import_launches", str(path), "--verbosity", "0", stdout=StringIO(), stderr=err)

    assert str(failure.value) == f"2 invalid row(s) in {path}; nothing was imported"
    assert err.getvalue() == (
        f"{path}:3: {BAD_DATE_ERROR}\n{path}:4: mission_status: unknown mission status 'Exploded'\n"
    )
    assert database_snapshot() == before


def test_import_launches_refuses_a_file_it_cannot_read(tmp_path):
    path = tmp_path / "missing.csv"

    with pytest.raises(CommandError, match=f"^{path}: no such file$"):
        run("import_launches", str(path))

    assert ImportRun.objects.latest("pk").status == ImportStatus.FAILED


def test_import_launches_with_a_forced_format_names_the_columns_the_file_lacks(tmp_path):
    path = write(tmp_path, "launches.csv", HEADER + GOOD)

    with pytest.raises(CommandError, match=f"^{path}:1: missing column 'Company', "):
        run("import_launches", str(path), "--format", "space_missions")

    assert Launch.objects.count() == 0


def test_import_launches_dry_run_reports_and_writes_nothing(tmp_path):
    path = write(tmp_path, "launches.csv", HEADER + GOOD + OTHER)

    out, _ = run("import_launches", str(path), "--dry-run", "--verbosity", "0")

    assert out == (
        f"Dry run, nothing written: 2 rows read from {path} (mission_launches): "
        "2 created, 0 updated, 0 unchanged, 0 duplicate, 0 rejected\n"
    )
    assert Launch.objects.count() == Organisation.objects.count() == Pad.objects.count() == 0
    assert ImportRun.objects.latest("pk").status == ImportStatus.DRY_RUN


def test_import_launches_skip_invalid_imports_the_valid_rows_and_lists_the_skipped_ones(tmp_path):
    path = write(tmp_path, "bad.csv", HEADER + GOOD + BAD_DATE + BAD_STATUS)

    out, err = run("import_launches", str(path), "--skip-invalid", "--verbosity", "0")

    assert out == (
        f"3 rows read from {path} (mission_launches): 1 created, 0 updated, 0 unchanged, 0 duplicate, 2 rejected\n"
    )
    assert err == (
        f"{path}:3: {BAD_DATE_ERROR} (skipped)\n{path}:4: mission_status: unknown mission status 'Exploded' (skipped)\n"
    )
    assert list(Launch.objects.values_list("mission", flat=True)) == ["A"]


def test_clear_launches_deletes_everything_and_reports_counts(tmp_path):
    run("import_launches", str(write(tmp_path, "launches.csv", HEADER + GOOD + OTHER)))

    out, _ = run("clear_launches", "--yes")

    assert out == "Deleted 2 launches, 2 organisations, 2 rockets, 2 pads, 2 sites\n"
    models = (Launch, Organisation, Rocket, Pad, LaunchSite)
    assert [model.objects.count() for model in models] == [0, 0, 0, 0, 0]


def test_clear_launches_without_yes_refuses_and_changes_nothing(tmp_path):
    run("import_launches", str(write(tmp_path, "launches.csv", HEADER + GOOD + OTHER)))
    before = database_snapshot()

    with pytest.raises(CommandError) as refusal:
        run("clear_launches")

    assert str(refusal.value) == "This deletes all launch data; run again with --yes to confirm. Nothing was deleted."
    assert database_snapshot() == before


@pytest.fixture
def offline_default(settings, tmp_path) -> str:
    """A default dataset that cannot be fetched: a URL on a loopback port where nothing listens."""
    settings.LAUNCH_DATA_URL = "http://127.0.0.1:9/mission_launches.csv"
    settings.LAUNCH_DATA_CACHE_DIR = tmp_path / "cache"
    return settings.LAUNCH_DATA_URL


def test_import_if_changed_skips_the_default_dataset_already_imported(settings, tmp_path):
    path = write(tmp_path, "launches.csv", HEADER + GOOD + OTHER)
    settings.LAUNCH_DATA_URL, settings.LAUNCH_DATA_SHA256 = str(path), ""
    run("import_launches", "--if-changed")
    before, runs = database_snapshot(), ImportRun.objects.count()

    out, _ = run("import_launches", "--if-changed")

    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    assert out.startswith(f"Kept the 2 launches stored: {path} is unchanged since its import of ")
    assert out.endswith(f"(sha256 {sha256})\n")
    assert (database_snapshot(), ImportRun.objects.count()) == (before, runs)


def test_import_if_changed_imports_a_changed_file(tmp_path):
    path = write(tmp_path, "launches.csv", HEADER + GOOD + OTHER)
    run("import_launches", "--if-changed", str(path))
    write(tmp_path, "launches.csv", HEADER + GOOD + OTHER + NEW)

    out, _ = run("import_launches", "--if-changed", str(path))

    assert "3 rows read" in out and "1 created, 0 updated, 2 unchanged" in out
    assert Launch.objects.count() == 3


def test_import_if_changed_imports_the_same_file_again_after_a_clear(tmp_path):
    path = write(tmp_path, "launches.csv", HEADER + GOOD + OTHER)
    run("import_launches", str(path))
    run("clear_launches", "--yes")

    out, _ = run("import_launches", "--if-changed", str(path))

    assert "2 created" in out
    assert Launch.objects.count() == 2


def test_import_if_changed_of_a_file_imported_only_in_a_dry_run_imports_it(tmp_path):
    path = write(tmp_path, "launches.csv", HEADER + GOOD + OTHER)
    run("import_launches", "--dry-run", str(path))
    run("import_launches", str(write(tmp_path, "other.csv", HEADER + NEW)))

    out, _ = run("import_launches", "--if-changed", str(path))

    assert "2 created" in out
    assert Launch.objects.count() == 3


def test_an_offline_start_keeps_and_serves_the_stored_launches(tmp_path, offline_default):
    run("import_launches", str(write(tmp_path, "launches.csv", HEADER + GOOD + OTHER)))
    before, runs = database_snapshot(), ImportRun.objects.count()

    out, _ = run("import_launches", "--if-changed")

    assert out.startswith(f"Kept the 2 launches stored: the default dataset is unavailable ({offline_default}")
    assert (database_snapshot(), ImportRun.objects.count()) == (before, runs)


def test_an_offline_start_with_nothing_stored_says_how_to_import_a_file(offline_default):
    with pytest.raises(CommandError) as failure:
        run("import_launches", "--if-changed")

    first, hint = str(failure.value).split("\n")
    assert first.startswith(f"{offline_default}: could not download")
    assert hint == (
        "No launches are stored yet. Import a local file instead: `make run DATA=path/to/mission_launches.csv` "
        "(or `manage.py import_launches path/to/file.csv`), or set LAUNCH_DATA_URL to a local path."
    )
    assert Launch.objects.count() == 0


def test_an_unreachable_source_given_explicitly_is_an_error_even_with_launches_stored(tmp_path, offline_default):
    run("import_launches", str(write(tmp_path, "launches.csv", HEADER + GOOD)))

    with pytest.raises(CommandError, match="could not download"):
        run("import_launches", "--if-changed", offline_default)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_imports_only_if_changed_then_serves():
    commands = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "DATA=launches.csv", "BIN=.venv/bin"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()

    assert commands[-2:] == [
        ".venv/bin/python manage.py import_launches --if-changed launches.csv",
        ".venv/bin/python manage.py runserver 127.0.0.1:8000",
    ]
