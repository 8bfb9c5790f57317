"""The tests' oracle: an independent pandas reading of a launch file in the Kaggle mission_launches.csv layout.

Read once per file and shared by every test module, so that all of them check the application against one reading.
"""

from functools import cache
from pathlib import Path

import pandas as pd

from missions.importer.formats import UTF8_CP1252

COLUMNS = ["Organisation", "Location", "Date", "Detail", "Rocket_Status", "Price", "Mission_Status"]


@cache
def launch_rows(path: Path) -> pd.DataFrame:
    """The file's seven named columns as text, exactly as written, without exact duplicate rows."""
    rows = pd.read_csv(path, usecols=COLUMNS, dtype=str, keep_default_na=False)
    return rows.drop_duplicates()[COLUMNS].reset_index(drop=True)


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
