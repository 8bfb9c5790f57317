"""An independent reading of mission_launches.csv with pandas, the oracle for the API's numbers."""

from functools import cache
from pathlib import Path

import pandas as pd

COLUMNS = ["Organisation", "Location", "Date", "Detail", "Rocket_Status", "Price", "Mission_Status"]


@cache
def kaggle_rows(path: Path) -> pd.DataFrame:
    """The file's seven named columns as text, without the one exact duplicate row."""
    return pd.read_csv(path, usecols=COLUMNS, dtype=str, keep_default_na=False).drop_duplicates()[COLUMNS]


@cache
def kaggle_frame(path: Path) -> pd.DataFrame:
    """The launches with typed columns: time, year, rocket, mission and price as a number."""
    rows = kaggle_rows(path)
    frame = pd.DataFrame(
        {
            "organisation": rows["Organisation"],
            "location": rows["Location"],
            "rocket": rows["Detail"].str.split(" | ", n=1, regex=False).str[0],
            "mission": rows["Detail"].str.split(" | ", n=1, regex=False).str[1],
            "rocket_status": rows["Rocket_Status"],
            "price": pd.to_numeric(rows["Price"].str.replace(",", ""), errors="coerce"),
            "mission_status": rows["Mission_Status"],
        }
    )
    timed = pd.to_datetime(rows["Date"], format="%a %b %d, %Y %H:%M UTC", errors="coerce", utc=True)
    day = pd.to_datetime(rows["Date"], format="%a %b %d, %Y", errors="coerce", utc=True)
    frame["launched_at"] = timed.fillna(day)
    frame["year"] = frame["launched_at"].dt.year
    return frame.reset_index(drop=True)


def as_records(rows: pd.DataFrame) -> list[tuple[str, ...]]:
    """Rows as sorted tuples, for comparing whole tables regardless of order."""
    return sorted(map(tuple, rows[COLUMNS].itertuples(index=False)))
