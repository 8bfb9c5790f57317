"""Writing compared chunks: launches inserted and updated, repeats imported once or rejected, at any chunk size."""

import threading
from decimal import Decimal

import pytest

from missions import services
from missions.importer.formats import LaunchFileError
from missions.importer.writing import read_ahead
from missions.models import Launch
from missions.services import ImportFailed, launches_import

from ..launch_files import GOOD, GOOD_FAILED, HEADER, NEW, OTHER, THREE_LINES, write

pytestmark = pytest.mark.usefixtures("empty_launches")


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


@pytest.mark.parametrize("chunk_rows", [1, 100_000])
def test_repeats_after_a_value_spanning_lines_are_reported_with_the_lines_they_start_on(
    tmp_path, monkeypatch, chunk_rows
):
    monkeypatch.setattr(services, "CHUNK_ROWS", chunk_rows)
    path = write(tmp_path, "repeats.csv", HEADER + THREE_LINES + OTHER + THREE_LINES + NEW + OTHER)

    summary = launches_import(source=str(path))

    assert (summary.created, summary.rows) == (3, 5)
    assert summary.duplicates == [{"line": 6, "duplicate_of": 2}, {"line": 10, "duplicate_of": 5}]


def test_reading_ahead_hands_over_every_item_in_order_then_the_error_that_ended_them():
    def items():
        yield from range(5)
        raise LaunchFileError("launches.csv:7: a NUL byte in a value: not a text file")

    received = []
    with pytest.raises(LaunchFileError, match="launches.csv:7: "):
        for item in read_ahead(items(), depth=2):
            received.append(item)

    assert received == [0, 1, 2, 3, 4]


def test_a_consumer_that_stops_reading_ahead_stops_and_closes_the_items():
    closed = threading.Event()

    def items():
        try:
            yield from range(1_000_000)
        finally:
            closed.set()

    ahead = read_ahead(items(), depth=2)
    assert [next(ahead), next(ahead)] == [0, 1]
    ahead.close()  # a COPY that failed: the reading thread must not go on through the file

    assert closed.is_set()
    assert not any(thread.name == "launch-reader" for thread in threading.enumerate())
