"""The import and clear services end to end, checked against independent pandas computations on the files."""

from decimal import Decimal
from itertools import islice

import pytest
from django.db.models import Count, Sum

from missions import services
from missions.importer.formats import LaunchFile, LaunchFileError
from missions.models import DataVersion, ImportRun, ImportStatus, Launch, LaunchSite, Organisation, Pad, Rocket
from missions.services import ImportFailed, launches_clear, launches_import
from testsupport.reference import file_rows, launch_frame, launch_rows, space_missions_frame
from testsupport.sample import sample_csv

from .launch_files import (
    BAD_DATE,
    BAD_DATE_ERROR,
    BAD_STATUS,
    GOOD,
    GOOD_FAILED,
    HEADER,
    NEW,
    OTHER,
    database_snapshot,
    write,
)

pytestmark = pytest.mark.usefixtures("empty_launches")


def test_import_matches_pandas(launch_file):
    summary = launches_import(source=str(launch_file))
    expected = launch_frame(launch_file)

    assert summary.rows == file_rows(launch_file) == len(expected) + 1
    assert (summary.created, summary.updated, summary.unchanged) == (len(expected), 0, 0)
    assert len(summary.duplicates) == 1
    assert Launch.objects.count() == len(expected)
    assert Organisation.objects.count() == expected["Organisation"].nunique()
    assert Pad.objects.count() == expected["Location"].nunique()
    priced = expected["price"].dropna()
    totals = Launch.objects.aggregate(priced=Count("price"), total=Sum("price"))
    assert totals["priced"] == len(priced)
    assert totals["total"] == sum(Decimal(str(value)) for value in priced)
    by_status = dict(Launch.objects.values_list("mission_status").annotate(n=Count("id")))
    assert by_status == expected["Mission_Status"].value_counts().to_dict()
    active = Launch.objects.filter(rocket__status="active").count()
    assert active == (expected["Rocket_Status"] == "StatusActive").sum()


def test_the_real_file_holds_4323_launches_and_one_duplicate(mission_launches_csv):
    summary = launches_import(source=str(mission_launches_csv))

    assert (summary.rows, summary.created, Organisation.objects.count(), Pad.objects.count()) == (4324, 4323, 56, 137)
    assert summary.duplicates == [{"line": 795, "duplicate_of": 794}]


def test_second_import_creates_and_updates_nothing(launch_file):
    launches_import(source=str(launch_file))
    version = DataVersion.objects.get().number
    again = launches_import(source=str(launch_file))

    assert (again.created, again.updated, again.unchanged) == (0, 0, len(launch_rows(launch_file)))
    assert DataVersion.objects.get().number == version  # nothing changed, so cached analyses stay valid


def test_space_corrected_holds_the_same_launches(mission_launches_csv, space_corrected_csv):
    launches_import(source=str(mission_launches_csv))
    summary = launches_import(source=str(space_corrected_csv))

    assert summary.run.format == "space_corrected"
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 4323)


def test_space_missions_imports_with_its_mixed_encoding(space_missions_csv):
    summary = launches_import(source=str(space_missions_csv))
    expected = space_missions_frame(space_missions_csv)

    assert (summary.run.format, summary.run.encoding) == ("space_missions", "utf-8+cp1252")
    assert summary.created == len(expected) == 4629
    assert Organisation.objects.count() == expected["Company"].nunique() == 62
    assert Organisation.objects.filter(name="Armée de l'Air").exists()
    assert Pad.objects.filter(location="VLS Pad, Alcântara Launch Center, Maranhão, Brazil").exists()
    assert Launch.objects.aggregate(total=Sum("price"))["total"] == sum(
        Decimal(str(value)) for value in expected["price"].dropna()
    )


def test_changed_row_updates_its_launch_in_place(tmp_path, launch_file):
    launches_import(source=str(launch_file))
    newest = launch_frame(launch_file).iloc[0]
    launch = Launch.objects.get(mission=newest["mission"], launched_at=newest["launched_at"].to_pydatetime())
    rows = launch_rows(launch_file).values.tolist()
    outcome = "Failure" if rows[0][6] != "Failure" else "Success"
    rows[0][5:7] = ["62.5", outcome]  # Price and Mission_Status

    summary = launches_import(source=str(sample_csv(tmp_path / "changed.csv", rows)))

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, len(rows) - 1)
    launch.refresh_from_db()
    assert (launch.price, launch.mission_status) == (Decimal("62.50"), outcome)


def test_invalid_row_rejects_the_whole_file_and_names_line_and_column(tmp_path):
    launches_import(source=str(write(tmp_path, "first.csv", HEADER + NEW)))
    before = database_snapshot()
    path = write(tmp_path, "bad.csv", HEADER + GOOD + BAD_DATE + BAD_STATUS)

    with pytest.raises(ImportFailed) as failure:
        launches_import(source=str(path))

    assert failure.value.errors == [
        f"{path}:3: {BAD_DATE_ERROR}",
        f"{path}:4: mission_status: unknown mission status 'Exploded'",
    ]
    assert database_snapshot() == before
    run = ImportRun.objects.latest("pk")
    assert (run.status, run.rejected) == (ImportStatus.FAILED, 2)


def test_skip_invalid_imports_valid_rows_and_records_the_rejected_ones(tmp_path):
    path = write(tmp_path, "bad.csv", HEADER + GOOD + BAD_DATE + BAD_STATUS)

    summary = launches_import(source=str(path), skip_invalid=True)

    assert (summary.created, Launch.objects.count()) == (1, 1)
    run = ImportRun.objects.get(pk=summary.run.pk)
    assert run.status == ImportStatus.SUCCEEDED
    assert [(row["line"], row["column"]) for row in run.rejected_rows] == [(3, "date"), (4, "mission_status")]


def test_dry_run_reports_without_writing(launch_file):
    summary = launches_import(source=str(launch_file), dry_run=True)

    assert summary.created == len(launch_rows(launch_file))
    assert Launch.objects.count() == Organisation.objects.count() == Pad.objects.count() == 0
    assert ImportRun.objects.get(pk=summary.run.pk).status == ImportStatus.DRY_RUN


def test_an_error_after_the_first_chunks_changes_nothing(tmp_path, monkeypatch):
    launches_import(source=str(write(tmp_path, "first.csv", HEADER + OTHER)))
    before = database_snapshot()
    chunks = services.read_launch_chunks

    def failing_after_two_chunks(launch_file: LaunchFile, *, chunksize: int):
        yield from islice(chunks(launch_file, chunksize=1), 2)
        raise LaunchFileError(f"{launch_file.path}: the disk went away")

    monkeypatch.setattr(services, "read_launch_chunks", failing_after_two_chunks)
    path = write(tmp_path, "second.csv", HEADER + GOOD + NEW + GOOD_FAILED)

    with pytest.raises(ImportFailed, match="the disk went away"):
        launches_import(source=str(path))

    assert database_snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", HEADER.replace(",Price", "") + GOOD, "missing column 'Price'"),
        ("empty.csv", b"", "the file is empty"),
        ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a CSV file"),
        ("prose.csv", "Dear reader\nthis is a letter\n", "not a launch CSV file"),
    ],
)
def test_unreadable_files_fail_with_a_clear_message_and_change_nothing(tmp_path, name, content, message):
    launches_import(source=str(write(tmp_path, "first.csv", HEADER + NEW)))
    before = database_snapshot()
    path = write(tmp_path, name, content)

    with pytest.raises(ImportFailed, match=message) as failure:
        launches_import(source=str(path))

    assert str(path) in str(failure.value)
    assert database_snapshot() == before


def test_clear_deletes_every_launch_and_reports_counts(launch_file):
    launches_import(source=str(launch_file))
    version = DataVersion.objects.get().number
    sites = LaunchSite.objects.count()

    deleted = launches_clear()

    expected = launch_frame(launch_file)
    assert deleted == {
        "launches": len(expected),
        "organisations": expected["Organisation"].nunique(),
        "rockets": expected["rocket"].nunique(),
        "pads": expected["Location"].nunique(),
        "sites": sites,
    }
    assert Launch.objects.count() == Organisation.objects.count() == Rocket.objects.count() == 0
    assert DataVersion.objects.get().number == version + 1
