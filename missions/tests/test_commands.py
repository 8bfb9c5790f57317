"""The import_launches and clear_launches commands: their summaries, their errors and what they leave in the tables."""

import sys
from io import StringIO

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
