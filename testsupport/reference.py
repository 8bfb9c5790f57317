"""The tests' oracle: an independent pandas reading of a launch file in the Kaggle mission_launches.csv layout.

Read once per file and shared by every test module, so that all of them check the application against one reading.
Names are spelled as the shipped repairs table says (its whole values replaced, then its fragments), as on import.
"""

from functools import cache
from pathlib import Path

import pandas as pd

from missions.importer.formats import UTF8_CP1252
from missions.names.repairs import table_read

COLUMNS = ["Organisation", "Location", "Date", "Detail", "Rocket_Status", "Price", "Mission_Status"]


@cache
def launch_rows(path: Path) -> pd.DataFrame:
    """The file's seven named columns as text, without exact duplicate rows, names repaired as on import."""
    rows = pd.read_csv(path, usecols=COLUMNS, dtype=str, keep_default_na=False)
    rows = rows.drop_duplicates()[COLUMNS].reset_index(drop=True)
    parts = rows["Detail"].str.split(" | ", n=1, regex=False)
    return rows.assign(
        Organisation=repaired(rows["Organisation"], "organisation"),
        Location=repaired(rows["Location"], "location"),
        Detail=parts.str[0] + " | " + repaired(parts.str[1], "mission"),
    )


def repaired(values: pd.Series, column: str) -> pd.Series:
    """Names of one column as the repairs table spells them: its whole values replaced, then its fragments."""
    table = [row for row in table_read() if row["column"] == column]
    values = values.replace({row["original"]: row["repaired"] for row in table if row["kind"] == "value"})
    for row in table:
        if row["kind"] == "fragment":
            values = values.str.replace(row["original"], row["repaired"], regex=False)
    return values


@cache
def launch_frame(path: Path) -> pd.DataFrame:
    """The rows with typed columns added: rocket, mission, price (a number or NaN), launched_at (UTC) and year."""
    frame = launch_rows(path).copy()
    frame[["rocket", "mission"]] = frame["Detail"].str.split(" | ", n=1, regex=False, expand=True)
    frame["price"] = pd.to_numeric(frame["Price"].str.replace(",", "", regex=False), errors="coerce")
    timed = pd.to_datetime(frame["Date"], format="%a %b %d, %Y %H:%M UTC", errors="coerce", utc=True)
    day = pd.to_datetime(frame["Date"], format="%a %b %d, %Y", errors="coerce", utc=True)
    frame["launched_at"] = timed.fillna(day)
    frame["year"] = frame["launched_at"].dt.year
    return frame


@cache
def space_missions_frame(path: Path) -> pd.DataFrame:
    """Maven's space_missions.csv, decoded line by line as UTF-8 or cp1252, without exact duplicates; price a number."""
    frame = pd.read_csv(path, encoding=UTF8_CP1252, dtype=str, keep_default_na=False).drop_duplicates()
    return frame.assign(price=pd.to_numeric(frame["Price"].str.replace(",", "", regex=False), errors="coerce"))


def file_rows(path: Path) -> int:
    """How many rows the file holds, its duplicates included."""
    return len(pd.read_csv(path, usecols=["Organisation"], dtype=str))


def as_records(rows: pd.DataFrame) -> list[tuple[str, ...]]:
    """Rows of the seven named columns as sorted tuples, for comparing whole tables regardless of order."""
    return sorted(map(tuple, rows[COLUMNS].itertuples(index=False)))
