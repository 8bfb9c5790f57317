"""Cleaning launch rows: dates, prices and details as the data README describes them, and the rows rejected."""

from decimal import Decimal

import pandas as pd
import pytest

from missions.importer.cleaning import CANONICAL_COLUMNS, chunk_clean
from missions.importer.formats import RowError
from missions.models import ImportFormat, Launch, Pad
from missions.services import ImportFailed, launches_import
from testsupport.reference import launch_frame

from ..launch_files import GOOD, HEADER, NEW, write

KAGGLE_DATE_REASON = "invalid date (expected e.g. 'Fri Aug 07, 2020 05:12 UTC' or 'Fri Aug 07, 2020'):"


def test_import_parses_dates_prices_and_details_as_the_data_readme_describes(empty_launches, mission_launches_csv):
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


def test_import_parses_dates_prices_and_details_as_pandas_reads_them(empty_launches, launch_file):
    launches_import(source=str(launch_file))
    frame = launch_frame(launch_file)

    stored = Launch.objects.values_list("launched_at", "time_precision", "rocket__name", "mission", "price")
    expected = zip(
        frame["launched_at"].dt.to_pydatetime(),
        frame["Date"].str.endswith(" UTC").map({True: "minute", False: "day"}),
        frame["rocket"],
        frame["mission"],
        frame["price"].map(lambda price: None if pd.isna(price) else Decimal(f"{price:.2f}")),
        strict=True,
    )

    def order(row: tuple) -> tuple:
        return row[0], row[2], row[3]

    assert sorted(stored, key=order) == sorted(expected, key=order)
    # The file holds what this checks: both precisions, prices with a thousands separator, and blank prices.
    assert {row[1] for row in stored} == {"minute", "day"}
    assert frame["Price"].str.contains(",").any() and frame["price"].isna().any()


def test_a_year_outside_the_space_age_is_rejected(empty_launches, tmp_path):
    path = write(tmp_path, "year.csv", HEADER + GOOD.replace("2020", "0000") + NEW)

    with pytest.raises(ImportFailed) as failure:
        launches_import(source=str(path))

    assert failure.value.errors == [f"{path}:2: date: is not between 1900 and 2100: 'Fri Aug 07, 0000 05:12 UTC'"]


def test_a_chunk_comes_out_typed_in_the_canonical_columns_and_its_bad_rows_are_reported_by_line():
    raw = pd.DataFrame(
        {
            "organisation": [" SpaceX ", "CASC", ""],
            "location": ["LC-39A, Kennedy Space Center, Florida, USA", "Site 9401 (SLS-2), Jiuquan, China", "Nowhere"],
            "date": ["Fri Aug 07, 2020 05:12 UTC", "Thu Aug 29, 2019", "Fri Aug 07, 20"],
            "detail": ["Falcon 9 | A | B", "Long March 2D | Yaogan", "Nothing"],
            "rocket_status": ["StatusActive", "StatusRetired", "Unknown"],
            "price": ["5,000.0 ", "", "-5"],
            "mission_status": ["Success", "Failure", "Exploded"],
        },
        index=pd.Index([2, 3, 4]),
    )

    clean, errors = chunk_clean(raw, file_format=ImportFormat.MISSION_LAUNCHES)

    assert clean.columns.tolist() == CANONICAL_COLUMNS
    assert clean.astype(object).where(clean.notna(), None).to_dict("records") == [
        {
            "line": 2,
            "organisation": "SpaceX",
            "location": "LC-39A, Kennedy Space Center, Florida, USA",
            "launched_at": pd.Timestamp("2020-08-07 05:12", tz="UTC"),
            "time_precision": "minute",
            "rocket": "Falcon 9",
            "mission": "A | B",
            "rocket_status": "active",
            "price": 5000.0,
            "mission_status": "Success",
        },
        {
            "line": 3,
            "organisation": "CASC",
            "location": "Site 9401 (SLS-2), Jiuquan, China",
            "launched_at": pd.Timestamp("2019-08-29", tz="UTC"),
            "time_precision": "day",
            "rocket": "Long March 2D",
            "mission": "Yaogan",
            "rocket_status": "retired",
            "price": None,
            "mission_status": "Failure",
        },
    ]
    assert errors == [
        RowError(4, "organisation", "is empty"),
        RowError(4, "detail", "has no ' | ' between rocket and mission"),
        RowError(4, "date", f"{KAGGLE_DATE_REASON} 'Fri Aug 07, 20'"),
        RowError(4, "rocket_status", "unknown rocket status 'Unknown'"),
        RowError(4, "mission_status", "unknown mission status 'Exploded'"),
        RowError(4, "price", "is negative"),
    ]


def test_maven_dates_take_an_optional_time_and_an_invalid_time_is_reported_with_the_date():
    raw = pd.DataFrame(
        {
            "organisation": ["CASC"] * 3,
            "location": ["Site 9401 (SLS-2), Jiuquan, China"] * 3,
            "date": ["2008-11-05", "2008-11-06", "2008-11-07"],
            "time": ["00:15:00", "", "noon"],
            "rocket": ["Long March 2D"] * 3,
            "mission": ["Shiyan-3", "X", "Y"],
            "rocket_status": ["Retired", "Active", "Retired"],
            "price": ["1,160.00", "", ""],
            "mission_status": ["Success"] * 3,
        },
        index=pd.Index([2, 3, 4]),
    )

    clean, errors = chunk_clean(raw, file_format=ImportFormat.SPACE_MISSIONS)

    assert clean[["line", "launched_at", "time_precision"]].to_dict("list") == {
        "line": [2, 3],
        "launched_at": [pd.Timestamp("2008-11-05 00:15", tz="UTC"), pd.Timestamp("2008-11-06", tz="UTC")],
        "time_precision": ["minute", "day"],
    }
    assert clean["price"].fillna(-1).tolist() == [1160.0, -1]
    assert errors == [RowError(4, "date", "invalid date '2008-11-07 noon'")]
