"""Every analysis equals a pandas computation on the imported file, exactly; on the real file, its published figures."""

import io
import json
import math
from decimal import ROUND_HALF_UP, Decimal
from statistics import NormalDist

import pandas as pd
import pytest

from analysis import selectors
from analysis.exports import launches_export
from conftest import real_file_only
from missions.filters import LaunchFilterForm
from missions.models import Pad
from missions.selectors import ALL_LAUNCHES
from testsupport.reference import launch_frame

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("launch_data")]

CENT = Decimal("0.01")
Z95 = NormalDist().inv_cdf(0.975)


@pytest.fixture
def frame(launch_data) -> pd.DataFrame:
    """The imported file's launches read by pandas, with the country that the import gave each Location string."""
    countries = dict(Pad.objects.values_list("location", "country"))
    launches = launch_frame(launch_data)
    return launches.assign(country=launches["Location"].map(countries))


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


def spacex_since_2018() -> dict:
    """The export arguments of SpaceX's launches since 2018, as a job gets them."""
    form = LaunchFilterForm({"organisation": "spacex", "year_from": 2018})
    assert form.is_valid()
    return form.arguments()


def by_key(rows: list[dict], *keys: str) -> dict:
    """Rows keyed by their group columns."""
    return {tuple(row[key] for key in keys): row for row in rows}


def test_organisations_lists_each_with_its_launch_count(frame):
    expected = [
        {"organisation": name, "launch_count": count} for name, count in frame.groupby("Organisation").size().items()
    ]

    rows = selectors.organisations()

    assert sorted(rows, key=lambda row: row["organisation"]) == expected


@real_file_only
def test_organisations_of_the_real_file_are_56():
    rows = selectors.organisations()

    assert len(rows) == 56
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


@real_file_only
def test_rockets_by_organisation_of_spacex():
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
        expected = {"organisation": organisation, **price_summary(launches["price"])}

        assert selectors.total_cost_by_organisation(organisation=organisation) == expected, organisation


@real_file_only
def test_total_cost_of_spacex():
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


@real_file_only
def test_active_rockets_of_the_real_file_count_its_active_launches_once():
    assert sum(row["launch_count"] for row in selectors.active_rockets()) == 789  # 790 rows, one the duplicate


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


@real_file_only
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


@real_file_only
def test_launches_per_year_matches_the_published_counts():
    rows = {row["year"]: row["launch_count"] for row in selectors.launches_per_year()}

    assert (rows[1957], rows[1971], rows[2018], rows[2020]) == (3, 119, 117, 63)
    assert sum(rows.values()) == 4323


@pytest.mark.parametrize("group_by", ["organisation", "country", "year"])
def test_spending_with_coverage(frame, group_by):
    column = {"organisation": "Organisation", "country": "country", "year": "year"}[group_by]
    expected = []
    for group, launches in frame.groupby(column):
        summary = price_summary(launches["price"])
        coverage = round(summary["priced_launch_count"] / summary["launch_count"], 6)
        expected.append({"group": group, "coverage": coverage, **summary})

    rows = selectors.spending(group_by=group_by)

    assert sorted(rows, key=lambda row: row["group"]) == expected


def test_launch_export_holds_the_filtered_rows_in_csv_and_json(frame):
    expected = frame[(frame["Organisation"] == "SpaceX") & (frame["year"] >= 2018)].sort_values("launched_at")

    artefacts = launches_export(**spacex_since_2018())

    exported = pd.read_csv(io.BytesIO(artefacts.files["csv"]))
    as_json = json.loads(artefacts.files["json"])
    assert artefacts.summary == {
        "launch_count": len(expected),
        "filters": {"organisation": "SpaceX", "year_from": 2018},
    }
    assert len(exported) == len(as_json) == len(expected) > 0
    assert exported["mission"].tolist() == [row["mission"] for row in as_json] == expected["mission"].tolist()
    assert money(exported["price"].sum()) == money(expected["price"].sum())
    last = expected.iloc[-1]
    assert (as_json[-1]["location"], as_json[-1]["rocket"], as_json[-1]["mission_status"]) == (
        last["Location"],
        last["rocket"],
        last["Mission_Status"],
    )


@real_file_only
def test_launch_export_of_the_real_file_ends_with_its_last_launch():
    artefacts = launches_export(**spacex_since_2018())

    as_json = json.loads(artefacts.files["json"])
    assert artefacts.summary["launch_count"] == len(as_json) == 48
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


def test_launch_export_of_everything_holds_every_launch(frame):
    artefacts = launches_export(filters=ALL_LAUNCHES, params={})

    assert artefacts.summary["launch_count"] == len(frame)
    assert len(json.loads(artefacts.files["json"])) == len(frame)
