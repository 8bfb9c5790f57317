"""Files that no launch reader can take: each refused in one line naming the file and line, the import failed."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from missions import services
from missions.models import ImportRun, ImportStatus
from missions.services import ImportFailed

from ..launch_files import GOOD, HEADER, database_snapshot

pytestmark = pytest.mark.usefixtures("empty_launches")

MB_100 = 100 * 1024 * 1024
# Enough rows before the bad one to be past the first bytes that are sniffed for binary content.
ROWS_BEFORE = 200


def _rows(count: int) -> str:
    """Distinct good rows, one launch a day from 1 January 2000."""
    days = [f"Sat Jan {day % 28 + 1:02d}, {2000 + day // 28}" for day in range(count)]
    return "".join(GOOD.replace("Fri Aug 07, 2020 05:12 UTC", day) for day in days)


def _file(tmp_path: Path, bad_row: bytes) -> Path:
    """A launch file with ``bad_row`` on line ROWS_BEFORE + 2, between good rows."""
    path = tmp_path / "launches.csv"
    with path.open("wb") as handle:
        handle.write((HEADER + _rows(ROWS_BEFORE)).encode())
        handle.write(bad_row)
        handle.write(_rows(ROWS_BEFORE + 1)[-len(GOOD) :].encode())
    return path


def _nul_row() -> bytes:
    """A good row with a NUL byte in its detail."""
    return GOOD.replace("Falcon 9 | A", "Falcon\x009 | A").encode()


def _long_line() -> bytes:
    """A line of 100 MB of one unquoted value."""
    return b"x" * MB_100 + b"\n"


def _long_field() -> bytes:
    """A good row whose quoted detail holds 100 MB."""
    return GOOD.replace("Falcon 9 | A", '"Falcon 9 | ' + "A" * MB_100 + '"').encode()


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        (_nul_row, "a NUL byte in a value: not a text file"),
        (_long_line, "a row longer than 1,048,576 bytes: not a launch file"),
        (_long_field, "a row longer than 1,048,576 bytes: not a launch file"),
    ],
    ids=["nul-byte", "100-mb-line", "100-mb-field"],
)
def test_a_row_no_reader_takes_is_refused_in_one_line_naming_file_and_line(tmp_path, bad_row, reason):
    path = _file(tmp_path, bad_row())
    before = database_snapshot()

    with pytest.raises(CommandError) as failure:
        call_command("import_launches", str(path), "--verbosity", "0", stdout=StringIO(), stderr=StringIO())

    message = f"{path}:{ROWS_BEFORE + 2}: {reason}"
    assert str(failure.value) == message
    assert database_snapshot() == before
    run = ImportRun.objects.get(source=str(path))
    assert (run.status, run.error) == (ImportStatus.FAILED, message)


def test_a_nul_byte_among_the_first_bytes_names_its_line(tmp_path):
    path = tmp_path / "launches.csv"
    path.write_bytes((HEADER + _rows(3)).encode() + _nul_row())

    with pytest.raises(CommandError, match=f"^{re.escape(str(path))}:5: not a CSV file \\(binary content\\)$"):
        call_command("import_launches", str(path), "--verbosity", "0", stdout=StringIO(), stderr=StringIO())

    assert ImportRun.objects.get(source=str(path)).status == ImportStatus.FAILED


def test_a_100_mb_header_is_refused_in_one_line(tmp_path):
    path = tmp_path / "launches.csv"
    path.write_bytes(b"Organisation" * (MB_100 // 12) + b"\n" + _rows(1).encode())

    with pytest.raises(CommandError) as failure:
        call_command("import_launches", str(path), "--verbosity", "0", stdout=StringIO(), stderr=StringIO())

    assert str(failure.value) == f"{path}:1: not a launch CSV file: the header is longer than 65,536 characters"
    assert ImportRun.objects.get(source=str(path)).status == ImportStatus.FAILED


def test_a_nul_byte_met_while_earlier_chunks_stream_in_fails_the_whole_import(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 50)  # four chunks of good rows are written before the bad one
    path = _file(tmp_path, _nul_row())
    before = database_snapshot()

    with pytest.raises(ImportFailed, match=f"^{re.escape(str(path))}:{ROWS_BEFORE + 2}: a NUL byte in a value"):
        services.launches_import(source=str(path))

    assert database_snapshot() == before
    assert ImportRun.objects.get(source=str(path)).status == ImportStatus.FAILED
