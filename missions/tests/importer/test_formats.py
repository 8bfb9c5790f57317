"""Opening launch files: the format and encoding each dataset is detected with, and the files refused at once."""

import codecs
import csv

import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from missions.importer import formats
from missions.importer.formats import UTF8, UTF8_CP1252, LaunchFileError, open_launch_file
from missions.models import ImportFormat

from ..launch_files import GOOD, HEADER, write

# The two columns compared, as text.
STRINGS = pa_csv.ConvertOptions(column_types={"Company": pa.string(), "Location": pa.string()})
MAVEN_HEADER = "Company,Location,Date,Time,Rocket,Mission,RocketStatus,Price,MissionStatus\r\n"


@pytest.mark.parametrize(
    ("dataset", "file_format", "encoding"),
    [
        ("mission_launches_csv", ImportFormat.MISSION_LAUNCHES, UTF8),
        ("space_corrected_csv", ImportFormat.SPACE_CORRECTED, UTF8),
        ("space_missions_csv", ImportFormat.SPACE_MISSIONS, UTF8_CP1252),
    ],
)
def test_each_dataset_opens_with_its_format_and_encoding(request, dataset, file_format, encoding):
    launch_file = open_launch_file(request.getfixturevalue(dataset))

    assert (launch_file.format, launch_file.encoding) == (file_format, encoding)


def test_the_mixed_encoding_decodes_each_byte_that_is_not_utf8_as_cp1252_or_else_latin1():
    data = "Māhia".encode() + b" Arm\xe9e \x80 \x81"

    assert data.decode(UTF8_CP1252) == "Māhia Armée € \x81"
    assert codecs.lookup(UTF8_CP1252).name == UTF8_CP1252


def test_python_and_arrow_read_the_mixed_encoding_alike_under_its_one_name(space_missions_csv):
    with space_missions_csv.open(encoding=UTF8_CP1252, newline="") as handle:
        header, *rows = csv.reader(handle)
    options = pa_csv.ReadOptions(encoding=UTF8_CP1252)
    table = pa_csv.read_csv(space_missions_csv, read_options=options, convert_options=STRINGS)

    companies, locations = table["Company"].to_pylist(), table["Location"].to_pylist()
    assert companies == [row[header.index("Company")] for row in rows]
    assert locations == [row[header.index("Location")] for row in rows]
    assert "Armée de l'Air" in companies
    assert "Rocket Lab LC-1A, Māhia Peninsula, New Zealand" in locations


@pytest.mark.parametrize(
    ("content", "file_format", "encoding"),
    [
        ((HEADER + GOOD).encode(), ImportFormat.MISSION_LAUNCHES, UTF8),
        (
            (MAVEN_HEADER + "CASC,Jiuquan,2008-11-05,00:15:00,CZ,Ast\xe9rix,Retired,,Success\r\n").encode("latin-1"),
            ImportFormat.SPACE_MISSIONS,
            UTF8_CP1252,
        ),
    ],
)
def test_a_byte_order_mark_is_no_part_of_the_header(tmp_path, content, file_format, encoding):
    path = write(tmp_path, "bom.csv", codecs.BOM_UTF8 + content)

    launch_file = open_launch_file(path)

    assert (launch_file.format, launch_file.encoding) == (file_format, encoding)


def test_a_forced_format_names_every_column_the_file_lacks(tmp_path):
    path = write(tmp_path, "kaggle.csv", HEADER + GOOD)

    with pytest.raises(LaunchFileError) as error:
        open_launch_file(path, forced_format=ImportFormat.SPACE_MISSIONS)

    assert str(error.value) == (
        f"{path}:1: missing column 'Company', 'Time', 'Rocket', 'Mission', 'RocketStatus', 'MissionStatus' "
        "for the Maven Analytics space_missions.csv format"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "{path}: no such file"),
        (b"", "{path}: the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "{path}:3: not a CSV file (binary content)"),
        (b"\r\n" + (HEADER + GOOD).encode(), "{path}:1: the file has no header row"),
        (
            b"Dear reader\nthis is a letter\n",
            "{path}:1: not a launch CSV file: the header has no comma-separated columns",
        ),
    ],
)
def test_files_that_are_no_launch_csv_are_refused_naming_file_and_line(tmp_path, content, message):
    path = tmp_path / "launches.csv"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(LaunchFileError) as error:
        open_launch_file(path)

    assert str(error.value) == message.format(path=path)


@pytest.mark.parametrize(
    ("tail", "encoding"),
    [
        ("Kourou, Guyane française | Ariane 5 🚀".encode(), UTF8),
        ("Kourou, Guyane française".encode("latin-1"), UTF8_CP1252),
        (b"\xed\xa0\x80", UTF8_CP1252),  # a UTF-16 surrogate, which UTF-8 does not encode
        ("Baïkonour".encode()[:-7] + b"\xc3", UTF8_CP1252),  # a character cut short at the end of the file
    ],
)
def test_the_encoding_is_that_of_every_byte_wherever_the_detection_blocks_split_characters(
    tmp_path, monkeypatch, tail, encoding
):
    content = (HEADER + GOOD).encode() + tail
    expected = UTF8 if content.decode(UTF8, errors="ignore").encode() == content else UTF8_CP1252
    assert expected == encoding  # what Python's own decoder says of the whole file
    for block_bytes in range(1, 9):
        monkeypatch.setattr(formats, "DETECT_BLOCK_BYTES", block_bytes)
        assert open_launch_file(write(tmp_path, "launches.csv", content)).encoding == encoding, block_bytes
