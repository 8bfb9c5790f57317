"""CSV exports: every text cell that a spreadsheet would run as a formula is neutralised."""

import csv
import io

import pytest

from core.renderers import csv_lines
from testsupport.sample import sample_csv


def test_csv_lines_quote_cells_that_would_start_a_formula():
    rows = [
        {"text": '=HYPERLINK("http://x","y")', "number": -3},
        {"text": "+1", "number": 2.5},
        {"text": "-2", "number": None},
        {"text": "@SUM(A1)", "number": 0},
        {"text": "\tTab", "number": 1},
        {"text": "Falcon 9 - Block 5", "number": 1},
    ]

    text = "".join(csv_lines(rows, columns=["text", "number"]))

    assert list(csv.reader(io.StringIO(text))) == [
        ["text", "number"],
        ['\'=HYPERLINK("http://x","y")', "-3"],
        ["'+1", "2.5"],
        ["'-2", ""],
        ["'@SUM(A1)", "0"],
        ["'\tTab", "1"],
        ["Falcon 9 - Block 5", "1"],
    ]


@pytest.mark.django_db
def test_the_launch_csv_export_neutralises_a_formula_in_the_data(empty_launches, tmp_path, client):
    from missions.services import launches_import

    row = ("=cmd", "Site 41/1, Plesetsk Cosmodrome, Russia", "Sat Oct 06, 1962 13:30 UTC", "R | @evil", "StatusRetired")
    launches_import(source=str(sample_csv(tmp_path / "formula.csv", [(*row, "", "Success")])))

    text = b"".join(client.get("/api/launches/?format=csv").streaming_content).decode()

    record = dict(zip(*list(csv.reader(io.StringIO(text))), strict=True))
    assert (record["Organisation"], record["Detail"]) == ("'=cmd", "R | @evil")
