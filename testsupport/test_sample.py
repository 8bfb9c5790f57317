"""The generated sample launch file is written as the Kaggle file is, with its quirks, so tests on it mean something."""

import pandas as pd

from testsupport.reference import file_rows, launch_frame


def test_the_sample_is_written_as_the_kaggle_file_is(sample_launches_csv):
    data = sample_launches_csv.read_bytes()

    assert data.startswith(b",Unnamed: 0,Organisation,Location,Date,Detail,Rocket_Status,Price,Mission_Status\r\n")
    assert data.count(b"\n") == data.count(b"\r\n") == file_rows(sample_launches_csv)  # CRLF, none after the last row
    assert not data.endswith(b"\n")
    data.decode("utf-8")


def test_the_sample_holds_the_quirks_of_the_real_file(sample_launches_csv):
    frame = launch_frame(sample_launches_csv)
    location_parts = frame["Location"].str.count(", ") + 1

    assert 200 <= len(frame) == file_rows(sample_launches_csv) - 1  # one exact duplicate row
    assert frame["launched_at"].is_monotonic_decreasing  # newest first
    assert (~frame["Date"].str.endswith(" UTC")).any()  # date-only rows
    assert {"1,160.0", "5,000.0", ""} <= set(frame["Price"])  # thousands separators and blank prices
    assert set(frame["Mission_Status"]) == {"Success", "Failure", "Partial Failure", "Prelaunch Failure"}
    assert set(frame["Rocket_Status"]) == {"StatusActive", "StatusRetired"}
    assert set(location_parts) == {2, 3, 4}
    assert frame["Location"].str.endswith((", Pacific Ocean", ", Barents Sea", ", New Mexico", ", Yellow Sea")).any()
    assert frame["Organisation"].str.contains("-").any()
    details = pd.read_csv(sample_launches_csv, dtype=str)["Detail"]  # as written: the oracle repairs the names
    for quirk in ("\x81", "??", "n\u2020\xad", " & ", "/", ","):
        assert details.str.contains(quirk, regex=False).any(), quirk
    assert not pd.isna(frame["launched_at"]).any()
