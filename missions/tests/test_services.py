"""The importer and the clear service, checked against independent pandas computations on the real files."""

import socket
import threading
from decimal import Decimal
from itertools import islice
from pathlib import Path

import pandas as pd
import pytest
from django.db import connection
from django.db.models import Count, Sum

from missions import services
from missions.importer import reading
from missions.importer.formats import UTF8_CP1252, LaunchFile, LaunchFileError
from missions.models import DataVersion, ImportRun, ImportStatus, Launch, LaunchSite, Organisation, Pad, Rocket
from missions.services import ImportFailed, launches_clear, launches_import

pytestmark = pytest.mark.usefixtures("empty_launches")


def kaggle_frame(path: Path) -> pd.DataFrame:
    """The Kaggle file as pandas reads it, with the repeated row dropped (the index columns differ)."""
    frame = pd.read_csv(path, thousands=",")
    return frame.drop_duplicates(subset=[c for c in frame.columns if not c.startswith("Unnamed")])


def database_snapshot() -> dict[str, object]:
    """Counts and contents of the launch tables, to prove that a failed import changed nothing."""
    return {
        "counts": [model.objects.count() for model in (Launch, Organisation, Rocket, Pad, LaunchSite)],
        "launches": list(Launch.objects.order_by("pk").values_list()),
        "version": list(DataVersion.objects.values_list("number", flat=True)),
    }


def test_import_matches_pandas_on_mission_launches(postgres, mission_launches_csv):
    summary = launches_import(source=str(mission_launches_csv))
    expected = kaggle_frame(mission_launches_csv)

    assert summary.rows == 4324
    assert (summary.created, summary.updated, summary.unchanged) == (len(expected), 0, 0) == (4323, 0, 0)
    assert summary.duplicates == [{"line": 795, "duplicate_of": 794}]
    assert Launch.objects.count() == len(expected)
    assert Organisation.objects.count() == expected["Organisation"].nunique() == 56
    assert Pad.objects.count() == expected["Location"].nunique() == 137
    priced = expected["Price"].dropna()
    totals = Launch.objects.aggregate(priced=Count("price"), total=Sum("price"))
    assert totals["priced"] == len(priced)
    assert totals["total"] == sum(Decimal(str(value)) for value in priced)
    by_status = dict(Launch.objects.values_list("mission_status").annotate(n=Count("id")))
    assert by_status == expected["Mission_Status"].value_counts().to_dict()
    active = Launch.objects.filter(rocket__status="active").count()
    assert active == (expected["Rocket_Status"] == "StatusActive").sum()


def test_import_parses_dates_prices_and_details_as_the_data_readme_describes(mission_launches_csv):
    launches_import(source=str(mission_launches_csv))

    newest = Launch.objects.select_related("rocket", "organisation", "pad").get(mission="Starlink V1 L9 & BlackSky")
    assert (newest.rocket.name, newest.organisation.name) == ("Falcon 9 Block 5", "SpaceX")
    assert newest.launched_at.isoformat() == "2020-08-07T05:12:00+00:00"
    assert (newest.time_precision, newest.price) == ("minute", Decimal("50.00"))
    day_only = Launch.objects.filter(time_precision="day")
    assert day_only.count() == 126
    assert Launch.objects.filter(price=Decimal("5000.00")).count() == 2  # "5,000.0", Energiya
    assert Launch.objects.filter(price=Decimal("1160.00")).count() == 13  # "1,160.0", Saturn V
    assert Launch.objects.filter(price__isnull=True).count() == 4323 - 963  # blank prices are null, never 0
    pad = Pad.objects.select_related("site").get(location="LC-39A, Kennedy Space Center, Florida, USA")
    assert (pad.name, pad.site.name, pad.region, pad.country) == ("LC-39A", "Kennedy Space Center", "Florida", "USA")


def test_second_import_creates_and_updates_nothing(mission_launches_csv):
    launches_import(source=str(mission_launches_csv))
    version = DataVersion.objects.get().number
    again = launches_import(source=str(mission_launches_csv))

    assert (again.created, again.updated, again.unchanged) == (0, 0, 4323)
    assert DataVersion.objects.get().number == version  # nothing changed, so cached analyses stay valid


def test_space_corrected_holds_the_same_launches(mission_launches_csv, space_corrected_csv):
    launches_import(source=str(mission_launches_csv))
    summary = launches_import(source=str(space_corrected_csv))

    assert summary.run.format == "space_corrected"
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 4323)


def test_space_missions_imports_with_its_mixed_encoding(space_missions_csv):
    summary = launches_import(source=str(space_missions_csv))
    expected = pd.read_csv(space_missions_csv, encoding=UTF8_CP1252, thousands=",")
    expected = expected.drop_duplicates()

    assert (summary.run.format, summary.run.encoding) == ("space_missions", "utf-8+cp1252")
    assert summary.created == len(expected) == 4629
    assert Organisation.objects.count() == expected["Company"].nunique() == 62
    assert Organisation.objects.filter(name="Armée de l'Air").exists()
    assert Pad.objects.filter(location="VLS Pad, Alcântara Launch Center, Maranhão, Brazil").exists()
    assert Launch.objects.aggregate(total=Sum("price"))["total"] == sum(
        Decimal(str(value)) for value in expected["Price"].dropna()
    )


def test_changed_row_updates_its_launch_in_place(tmp_path, mission_launches_csv):
    launches_import(source=str(mission_launches_csv))
    launch = Launch.objects.get(mission="Starlink V1 L9 & BlackSky")
    changed = tmp_path / "changed.csv"
    text = mission_launches_csv.read_text(encoding="utf-8")
    changed.write_text(text.replace("BlackSky,StatusActive,50.0,Success", "BlackSky,StatusActive,62.5,Failure"))

    summary = launches_import(source=str(changed))

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 4322)
    launch.refresh_from_db()
    assert (launch.price, launch.mission_status) == (Decimal("62.50"), "Failure")


def test_a_load_into_an_empty_table_restores_its_indexes_and_constraints(postgres, mission_launches_csv):
    with connection.cursor() as cursor:
        before = connection.introspection.get_constraints(cursor, "missions_launch")

    summary = launches_import(source=str(mission_launches_csv))

    with connection.cursor() as cursor:
        after = connection.introspection.get_constraints(cursor, "missions_launch")
    assert summary.created == Launch.objects.count() == 4323
    assert after == before


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    """Write a small test file."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


HEADER = ",Unnamed: 0,Organisation,Location,Date,Detail,Rocket_Status,Price,Mission_Status\n"
JIUQUAN = '"Site 9401 (SLS-2), Jiuquan Satellite Launch Center, China"'
LC39A = '"LC-39A, Kennedy Space Center, Florida, USA"'
GOOD = f'0,0,SpaceX,{LC39A},"Fri Aug 07, 2020 05:12 UTC",Falcon 9 | A,StatusActive,50.0,Success\n'
BAD_DATE = f'1,1,CASC,{JIUQUAN},"Thu Aug 36, 2020 04:01 UTC",Long March 2D | B,StatusActive,,Success\n'
# What an import says of BAD_DATE, after its file and line.
BAD_DATE_ERROR = (
    "date: invalid date (expected e.g. 'Fri Aug 07, 2020 05:12 UTC' or 'Fri Aug 07, 2020'): "
    "'Thu Aug 36, 2020 04:01 UTC'"
)
BAD_STATUS = f'2,2,CASC,{JIUQUAN},"Wed Aug 05, 2020",Long March 2D | C,StatusActive,,Exploded\n'
OTHER = f'3,3,CASC,{JIUQUAN},"Wed Aug 05, 2020",Long March 2D | C,StatusActive,,Success\n'
NEW = f'4,4,CASC,{JIUQUAN},"Tue Aug 04, 2020",Long March 2D | D,StatusActive,,Success\n'
GOOD_FAILED = GOOD.replace("Success", "Failure")


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


def test_dry_run_reports_without_writing(mission_launches_csv):
    summary = launches_import(source=str(mission_launches_csv), dry_run=True)

    assert summary.created == 4323
    assert Launch.objects.count() == Organisation.objects.count() == Pad.objects.count() == 0
    assert ImportRun.objects.get(pk=summary.run.pk).status == ImportStatus.DRY_RUN


@pytest.mark.parametrize("chunk_rows", [1, 2, 100_000])
def test_repeats_are_imported_once_and_differing_repeats_are_rejected(tmp_path, monkeypatch, chunk_rows):
    monkeypatch.setattr(services, "CHUNK_ROWS", chunk_rows)
    path = write(tmp_path, "repeats.csv", HEADER + GOOD + OTHER + GOOD + GOOD_FAILED + GOOD)

    with pytest.raises(ImportFailed) as failure:
        launches_import(source=str(path))
    assert failure.value.errors == [f"{path}:5: date: same pad and launch time as line 2 but different values"]
    assert Launch.objects.count() == 0

    summary = launches_import(source=str(path), skip_invalid=True)

    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    assert summary.duplicates == [{"line": 4, "duplicate_of": 2}, {"line": 6, "duplicate_of": 2}]
    assert [(error.line, error.column) for error in summary.rejected] == [(5, "date")]
    assert sorted(Launch.objects.values_list("mission", "mission_status")) == [("A", "Success"), ("C", "Success")]


@pytest.mark.parametrize("chunk_rows", [1, 100_000])
def test_a_file_over_stored_launches_inserts_updates_and_sets_repeats_aside(tmp_path, monkeypatch, chunk_rows):
    launches_import(source=str(write(tmp_path, "first.csv", HEADER + GOOD + OTHER)))
    monkeypatch.setattr(services, "CHUNK_ROWS", chunk_rows)
    changed = GOOD.replace("50.0", "62.5")
    path = write(tmp_path, "second.csv", HEADER + changed + OTHER + NEW + changed + OTHER.replace("| C", "| E"))

    summary = launches_import(source=str(path), skip_invalid=True)

    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 1)
    assert summary.duplicates == [{"line": 5, "duplicate_of": 2}]
    assert [error.as_dict() for error in summary.rejected] == [
        {"line": 6, "column": "date", "reason": "same pad and launch time as line 3 but different values"}
    ]
    launches = dict(Launch.objects.values_list("mission", "price"))
    assert launches == {"A": Decimal("62.50"), "C": None, "D": None}


def test_a_change_after_a_chunk_of_unchanged_launches_is_applied(tmp_path, monkeypatch):
    launches_import(source=str(write(tmp_path, "first.csv", HEADER + GOOD + OTHER)))
    monkeypatch.setattr(services, "CHUNK_ROWS", 1)

    summary = launches_import(source=str(write(tmp_path, "second.csv", HEADER + OTHER + GOOD_FAILED)))

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    assert Launch.objects.get(mission="A").mission_status == "Failure"


def test_a_quoted_value_may_span_lines_across_read_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "READ_BLOCK_BYTES", 256)
    multi_line = GOOD.replace("Falcon 9 | A", '"Falcon 9 | A\nsecond line"')
    path = write(tmp_path, "lines.csv", HEADER + OTHER + multi_line + NEW)

    summary = launches_import(source=str(path))

    assert summary.created == 3
    assert Launch.objects.filter(mission="A\nsecond line").exists()


# GOOD with a mission that spans three lines, so the row after it starts three lines further down.
THREE_LINES = GOOD.replace("Falcon 9 | A", '"Falcon 9 | A\nsecond line\nthird line"')


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
@pytest.mark.parametrize("chunk_rows", [1, 100_000])
def test_an_error_after_a_value_spanning_lines_names_the_line_its_row_starts_on(
    tmp_path, monkeypatch, line_end, chunk_rows
):
    monkeypatch.setattr(services, "CHUNK_ROWS", chunk_rows)
    content = HEADER + THREE_LINES + OTHER + BAD_DATE + THREE_LINES.replace("2020", "0000")
    path = write(tmp_path, "lines.csv", content.replace("\n", line_end))

    with pytest.raises(ImportFailed) as failure:
        launches_import(source=str(path))

    assert failure.value.errors == [
        f"{path}:6: {BAD_DATE_ERROR}",
        f"{path}:7: date: is not between 1900 and 2100: 'Fri Aug 07, 0000 05:12 UTC'",
    ]


def test_a_quoted_crlf_split_between_read_blocks_still_ends_a_line(tmp_path, monkeypatch):
    content = (HEADER + OTHER + THREE_LINES + BAD_DATE).replace("\n", "\r\n").encode()
    # Arrow keeps only the "\r" of a quoted "\r\n" that a read block boundary splits.
    monkeypatch.setattr(reading, "READ_BLOCK_BYTES", content.index(b"A\r\n") + 2)
    path = write(tmp_path, "split.csv", content)

    with pytest.raises(ImportFailed) as failure:
        launches_import(source=str(path))

    assert failure.value.errors == [f"{path}:6: {BAD_DATE_ERROR}"]


@pytest.mark.parametrize("split", [False, True])
def test_line_breaks_inside_values_are_stored_as_newlines_wherever_read_blocks_end(tmp_path, monkeypatch, split):
    content = (HEADER + OTHER + THREE_LINES).replace("\n", "\r\n").encode()
    if split:
        monkeypatch.setattr(reading, "READ_BLOCK_BYTES", content.index(b"A\r\n") + 2)
    path = write(tmp_path, "crlf.csv", content)

    launches_import(source=str(path))

    assert sorted(Launch.objects.values_list("mission", flat=True)) == ["A\nsecond line\nthird line", "C"]


@pytest.mark.parametrize("chunk_rows", [1, 100_000])
def test_repeats_after_a_value_spanning_lines_are_reported_with_the_lines_they_start_on(
    tmp_path, monkeypatch, chunk_rows
):
    monkeypatch.setattr(services, "CHUNK_ROWS", chunk_rows)
    path = write(tmp_path, "repeats.csv", HEADER + THREE_LINES + OTHER + THREE_LINES + NEW + OTHER)

    summary = launches_import(source=str(path))

    assert (summary.created, summary.rows) == (3, 5)
    assert summary.duplicates == [{"line": 6, "duplicate_of": 2}, {"line": 10, "duplicate_of": 5}]


@pytest.mark.parametrize("chunk_rows", [1, 100_000])
def test_rows_with_the_wrong_number_of_fields_around_values_spanning_lines_are_reported_with_their_lines(
    tmp_path, monkeypatch, chunk_rows
):
    monkeypatch.setattr(services, "CHUNK_ROWS", chunk_rows)
    too_few = '3,3,CASC,"too\nfew"\n'
    path = write(tmp_path, "fields.csv", HEADER + THREE_LINES + too_few + BAD_DATE + NEW + "5,5,CASC,too few\n")

    summary = launches_import(source=str(path), skip_invalid=True)

    assert (summary.created, summary.rows) == (2, 5)
    assert [(error.line, error.column) for error in summary.rejected] == [(5, "row"), (7, "date"), (9, "row")]


def test_a_year_outside_the_space_age_is_rejected(tmp_path):
    path = write(tmp_path, "year.csv", HEADER + GOOD.replace("2020", "0000") + NEW)

    with pytest.raises(ImportFailed) as failure:
        launches_import(source=str(path))

    assert failure.value.errors == [f"{path}:2: date: is not between 1900 and 2100: 'Fri Aug 07, 0000 05:12 UTC'"]


def test_a_row_with_the_wrong_number_of_fields_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, "fields.csv", HEADER + GOOD + "3,3,CASC,too few\n" + NEW)

    with pytest.raises(ImportFailed) as failure:
        launches_import(source=str(path))
    assert failure.value.errors == [f"{path}:3: row: has 4 fields, expected 9"]

    summary = launches_import(source=str(path), skip_invalid=True)
    assert (summary.created, summary.rows) == (2, 3)
    assert summary.run.rejected_rows == [{"line": 3, "column": "row", "reason": "has 4 fields, expected 9"}]


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


@pytest.mark.timeout(30)
def test_unreachable_url_fails_within_the_timeout(settings):
    settings.LAUNCH_DATA_TIMEOUT = 2
    with socket.socket() as server:  # accepts connections and never answers
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://127.0.0.1:{server.getsockname()[1]}/launches.csv"
        with pytest.raises(ImportFailed, match="could not download"):
            launches_import(source=url)
    assert Launch.objects.count() == 0


def test_url_source_is_downloaded_and_cached(settings, tmp_path, mission_launches_csv):
    settings.LAUNCH_DATA_CACHE_DIR = tmp_path
    body = mission_launches_csv.read_bytes()
    served = []

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()

        def serve_once() -> None:
            connection_, _ = server.accept()
            with connection_:
                connection_.recv(65536)
                served.append(1)
                connection_.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

        thread = threading.Thread(target=serve_once)
        thread.start()
        url = f"http://127.0.0.1:{server.getsockname()[1]}/mission_launches.csv"
        first = launches_import(source=url)
        thread.join()
        second = launches_import(source=url)  # from the cache: the server answers only once

    assert (first.created, second.unchanged, len(served)) == (4323, 4323, 1)
    assert first.run.sha256 == "ae8097c187d910380a92c5258582981246856766e31541687f04909e78888084"


def test_default_dataset_is_checked_against_its_checksum(settings, tmp_path, mission_launches_csv, space_corrected_csv):
    settings.LAUNCH_DATA_URL = str(mission_launches_csv)
    assert launches_import().created == 4323

    settings.LAUNCH_DATA_URL = str(space_corrected_csv)
    with pytest.raises(ImportFailed, match="not the expected default dataset"):
        launches_import()


def test_clear_deletes_every_launch_and_reports_counts(mission_launches_csv):
    launches_import(source=str(mission_launches_csv))
    version = DataVersion.objects.get().number
    sites = LaunchSite.objects.count()

    deleted = launches_clear()

    expected = kaggle_frame(mission_launches_csv)
    rockets = expected["Detail"].str.split(" | ", n=1, regex=False).str[0].nunique()
    assert deleted == {"launches": 4323, "organisations": 56, "rockets": rockets, "pads": 137, "sites": sites}
    assert Launch.objects.count() == Organisation.objects.count() == Rocket.objects.count() == 0
    assert DataVersion.objects.get().number == version + 1
