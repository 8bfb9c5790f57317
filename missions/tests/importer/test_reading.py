"""Reading with Arrow: values spanning lines, read blocks that split them, rows numbered by the line they start on."""

import pytest

from missions import services
from missions.importer import reading
from missions.importer.formats import RowError, open_launch_file
from missions.importer.reading import read_launch_chunks
from missions.models import Launch
from missions.services import ImportFailed, launches_import

from ..launch_files import BAD_DATE, BAD_DATE_ERROR, GOOD, HEADER, NEW, OTHER, THREE_LINES, write

pytestmark = pytest.mark.usefixtures("empty_launches")


def test_a_quoted_value_may_span_lines_across_read_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "READ_BLOCK_BYTES", 256)
    multi_line = GOOD.replace("Falcon 9 | A", '"Falcon 9 | A\nsecond line"')
    path = write(tmp_path, "lines.csv", HEADER + OTHER + multi_line + NEW)

    summary = launches_import(source=str(path))

    assert summary.created == 3
    assert Launch.objects.filter(mission="A\nsecond line").exists()


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
def test_rows_with_the_wrong_number_of_fields_around_values_spanning_lines_are_reported_with_their_lines(
    tmp_path, monkeypatch, chunk_rows
):
    monkeypatch.setattr(services, "CHUNK_ROWS", chunk_rows)
    too_few = '3,3,CASC,"too\nfew"\n'
    path = write(tmp_path, "fields.csv", HEADER + THREE_LINES + too_few + BAD_DATE + NEW + "5,5,CASC,too few\n")

    summary = launches_import(source=str(path), skip_invalid=True)

    assert (summary.created, summary.rows) == (2, 5)
    assert [(error.line, error.column) for error in summary.rejected] == [(5, "row"), (7, "date"), (9, "row")]


def test_a_row_with_the_wrong_number_of_fields_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, "fields.csv", HEADER + GOOD + "3,3,CASC,too few\n" + NEW)

    with pytest.raises(ImportFailed) as failure:
        launches_import(source=str(path))
    assert failure.value.errors == [f"{path}:3: row: has 4 fields, expected 9"]

    summary = launches_import(source=str(path), skip_invalid=True)
    assert (summary.created, summary.rows) == (2, 3)
    assert summary.run.rejected_rows == [{"line": 3, "column": "row", "reason": "has 4 fields, expected 9"}]


def test_chunks_come_cleaned_with_the_line_each_row_starts_on_and_the_errors_of_rows_left_out(tmp_path):
    path = write(tmp_path, "lines.csv", HEADER + THREE_LINES + OTHER + BAD_DATE + "5,5,CASC,too few\n" + NEW)

    chunks = read_launch_chunks(open_launch_file(path), chunksize=2)

    assert [(frame["line"].tolist(), frame["mission"].tolist(), errors) for frame, errors in chunks] == [
        ([2, 5], ["A\nsecond line\nthird line", "C"], []),
        (
            [8],
            ["D"],
            [RowError(6, *BAD_DATE_ERROR.split(": ", 1)), RowError(7, "row", "has 4 fields, expected 9")],
        ),
    ]
