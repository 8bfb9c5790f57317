"""Every analysis on the real mission_launches.csv equals an independent pandas computation, exactly."""

import io
import json
import math
from decimal import ROUND_HALF_UP, Decimal
from statistics import NormalDist

import pandas as pd
import pytest

from analysis import selectors
from analysis.exports import launches_export
from missions.filters import LaunchFilterForm
from missions.models import Pad
from missions.selectors import ALL_LAUNCHES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data", "postgres")]

CENT = Decimal("0.01")
Z95 = NormalDist().inv_cdf(0.975)


@pytest.fixture(scope="module")
def raw(mission_launches_csv) -> pd.DataFrame:
    """The file as pandas reads it, the one exact duplicate row dropped, with rocket, mission, time and year."""
    frame = pd.read_csv(mission_launches_csv, thousands=",")
    frame = frame.drop(columns=["Unnamed: 0.1", "Unnamed: 0"]).drop_duplicates().reset_index(drop=True)
    frame[["rocket", "mission"]] = frame["Detail"].str.split(" | ", n=1, regex=False, expand=True)
    frame["launched_at"] = pd.to_datetime(frame["Date"].str.removesuffix(" UTC"), format="mixed", utc=True)
    frame["year"] = frame["launched_at"].dt.year
    return frame


@pytest.fixture
def frame(raw: pd.DataFrame) -> pd.DataFrame:
    """The launches with the country that the import gave each Location string."""
    countries = dict(Pad.objects.values_list("location", "country"))
    return raw.assign(country=raw["Location"].map(countries))


def money(value: float) -> Decimal:
    """A pandas sum of prices in cents, as a decimal."""
    return Decimal(f"{value:.2f}")


def half_up(value: Decimal) -> Decimal:
    """Round to the cent, halves away from zero (as the database rounds numerics)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def price_summary(prices: pd.Series) -> dict:
    """Counts, total, mean and median of a group's prices, unpriced launches counted but not summed."""
    priced = prices.dropna()
    if priced.empty:
        return {
            "launch_count": len(prices),
            "priced_launch_count": 0,
            "total_price": None,
            "mean_price": None,
            "median_price": None,
        }
    total = money(priced.sum())
    return {
        "launch_count": len(prices),
        "priced_launch_count": len(priced),
        "total_price": total,
        "mean_price": half_up(total / len(priced)),
        "median_price": half_up(Decimal(f"{priced.median():.3f}")),
    }


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The Wilson score interval written from its textbook form."""
    phat = successes / n
    spread = Z95 * math.sqrt(phat * (1 - phat) / n + Z95**2 / (4 * n**2))
    low = (phat + Z95**2 / (2 * n) - spread) / (1 + Z95**2 / n)
    high = (phat + Z95**2 / (2 * n) + spread) / (1 + Z95**2 / n)
    return round(max(low, 0.0), 6), round(min(high, 1.0), 6)


def by_key(rows: list[dict], *keys: str) -> dict:
    """Rows keyed by their group columns."""
    return {tuple(row[key] for key in keys): row for row in rows}


def test_organisations_lists_all_56_with_their_launch_counts(frame):
    expected = [
        {"organisation": name, "launch_count": count} for name, count in frame.groupby("Organisation").size().items()
    ]

    rows = selectors.organisations()

    assert len(rows) == 56
    assert sorted(rows, key=lambda row: row["organisation"]) == expected
    assert by_key(rows, "organisation")[("SpaceX",)] == {"organisation": "SpaceX", "launch_count": 100}


def test_rockets_by_organisation_lists_each_rocket_once_with_first_and_last_launch(frame):
    for organisation, launches in frame.groupby("Organisation"):
        grouped = launches.groupby("rocket").agg(
            launch_count=("rocket", "size"),
            first=("launched_at", "min"),
            last=("launched_at", "max"),
            status=("Rocket_Status", "first"),
        )
        expected = [
            {
                "rocket": rocket,
                "status": "active" if row.status == "StatusActive" else "retired",
                "launch_count": row.launch_count,
                "first_launch": row.first.to_pydatetime(),
                "last_launch": row.last.to_pydatetime(),
            }
            for rocket, row in grouped.iterrows()
        ]

        rows = selectors.rockets_by_organisation(organisation=organisation)

        assert sorted(rows, key=lambda row: row["rocket"]) == expected, organisation


def test_rockets_by_organisation_of_spacex(frame):
    rows = by_key(selectors.rockets_by_organisation(organisation="SpaceX"), "rocket")

    assert sorted(rows) == [
        ("Falcon 1",),
        ("Falcon 9 Block 3",),
        ("Falcon 9 Block 4",),
        ("Falcon 9 Block 5",),
        ("Falcon 9 v1.0",),
        ("Falcon 9 v1.1",),
        ("Falcon Heavy",),
        ("Starship Prototype",),
    ]
    assert rows[("Falcon 1",)]["launch_count"] == 5


def test_total_cost_by_organisation_counts_unpriced_launches_without_summing_them(frame):
    for organisation, launches in frame.groupby("Organisation"):
        expected = {"organisation": organisation, **price_summary(launches["Price"])}

        assert selectors.total_cost_by_organisation(organisation=organisation) == expected, organisation


def test_total_cost_of_spacex(frame):
    assert selectors.total_cost_by_organisation(organisation="SpaceX") == {
        "organisation": "SpaceX",
        "launch_count": 100,
        "priced_launch_count": 99,
        "total_price": Decimal("5444.00"),
        "mean_price": Decimal("54.99"),
        "median_price": Decimal("56.50"),
    }


def test_active_rockets_lists_each_rocket_and_organisation_once(frame):
    active = frame[frame["Rocket_Status"] == "StatusActive"]
    expected = [
        {"rocket": rocket, "organisation": organisation, "launch_count": count}
        for (rocket, organisation), count in active.groupby(["rocket", "Organisation"]).size().items()
    ]

    rows = selectors.active_rockets()

    assert sorted(rows, key=lambda row: (row["rocket"], row["organisation"])) == expected
    assert sum(row["launch_count"] for row in rows) == 789  # 790 active rows, one of them the duplicate


@pytest.mark.parametrize("group_by", ["organisation", "rocket", "country", "year"])
@pytest.mark.parametrize("partial_failures_as_failures", [True, False])
def test_success_rates_with_wilson_intervals(frame, group_by, partial_failures_as_failures):
    column = {"organisation": "Organisation", "rocket": "rocket", "country": "country", "year": "year"}[group_by]
    succeeded = {"Success"} if partial_failures_as_failures else {"Success", "Partial Failure"}
    expected = []
    for group, launches in frame.groupby(column):
        n, successes = len(launches), int(launches["Mission_Status"].isin(succeeded).sum())
        low, high = wilson(successes, n)
        expected.append(
            {
                "group": group,
                "launch_count": n,
                "success_count": successes,
                "failure_count": n - successes,
                "success_rate": round(successes / n, 6),
                "wilson_low": low,
                "wilson_high": high,
            }
        )

    rows = selectors.success_rates(group_by=group_by, partial_failures_as_failures=partial_failures_as_failures)

    assert sorted(rows, key=lambda row: row["group"]) == expected


def test_success_rate_of_spacex_counts_partial_failures_as_chosen():
    strict = by_key(selectors.success_rates(group_by="organisation"), "group")[("SpaceX",)]
    lenient = by_key(selectors.success_rates(partial_failures_as_failures=False), "group")[("SpaceX",)]

    assert (strict["launch_count"], strict["success_count"], strict["success_rate"]) == (100, 94, 0.94)
    assert (lenient["success_count"], lenient["failure_count"]) == (95, 5)


@pytest.mark.parametrize("split_by", [None, "organisation", "country", "outcome"])
def test_launches_per_year(frame, split_by):
    if split_by:
        column = {"organisation": "Organisation", "country": "country", "outcome": "Mission_Status"}[split_by]
        counts = frame.groupby(["year", column]).size().items()
        expected = [{"year": year, "group": group, "launch_count": count} for (year, group), count in counts]
    else:
        expected = [{"year": year, "launch_count": count} for year, count in frame.groupby("year").size().items()]

    rows = selectors.launches_per_year(split_by=split_by)

    assert sorted(rows, key=lambda row: (row["year"], row.get("group", ""))) == expected


def test_launches_per_year_matches_the_published_counts():
    rows = {row["year"]: row["launch_count"] for row in selectors.launches_per_year()}

    assert (rows[1957], rows[1971], rows[2018], rows[2020]) == (3, 119, 117, 63)
    assert sum(rows.values()) == 4323


@pytest.mark.parametrize("group_by", ["organisation", "country", "year"])
def test_spending_with_coverage(frame, group_by):
    column = {"organisation": "Organisation", "country": "country", "year": "year"}[group_by]
    expected = []
    for group, launches in frame.groupby(column):
        summary = price_summary(launches["Price"])
        coverage = round(summary["priced_launch_count"] / summary["launch_count"], 6)
        expected.append({"group": group, "coverage": coverage, **summary})

    rows = selectors.spending(group_by=group_by)

    assert sorted(rows, key=lambda row: row["group"]) == expected


def test_launch_export_holds_the_filtered_rows_in_csv_and_json(frame):
    expected = frame[(frame["Organisation"] == "SpaceX") & (frame["year"] >= 2018)].sort_values("launched_at")

    form = LaunchFilterForm({"organisation": "spacex", "year_from": 2018})
    assert form.is_valid()
    artefacts = launches_export(**form.arguments())

    exported = pd.read_csv(io.BytesIO(artefacts.files["csv"]))
    as_json = json.loads(artefacts.files["json"])
    assert artefacts.summary == {"launch_count": 48, "filters": {"organisation": "SpaceX", "year_from": 2018}}
    assert len(exported) == len(as_json) == len(expected) == 48
    assert exported["mission"].tolist() == [row["mission"] for row in as_json] == expected["mission"].tolist()
    assert money(exported["price"].sum()) == money(expected["Price"].sum())
    assert as_json[-1] == {
        "launched_at": "2020-08-07T05:12:00+00:00",
        "time_precision": "minute",
        "organisation": "SpaceX",
        "location": "LC-39A, Kennedy Space Center, Florida, USA",
        "country": "USA",
        "rocket": "Falcon 9 Block 5",
        "rocket_status": "active",
        "mission": "Starlink V1 L9 & BlackSky",
        "mission_status": "Success",
        "price": 50.0,
    }


def test_launch_export_of_everything_holds_every_launch():
    artefacts = launches_export(filters=ALL_LAUNCHES, params={})

    assert artefacts.summary["launch_count"] == 4323
    assert len(json.loads(artefacts.files["json"])) == 4323
