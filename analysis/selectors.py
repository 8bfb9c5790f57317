"""Reads for the analyses and the job API: each analysis is one or a few aggregate queries."""

import math
from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, Round

from missions.models import Launch, MissionStatus, Organisation, Rocket, RocketStatus
from missions.selectors import ALL_LAUNCHES, LaunchFilters, data_version_in_query, launches_filtered

from .aggregates import Median
from .models import Job, JobStatus

# 95% two-sided normal quantile for the Wilson score interval.
WILSON_Z = 1.959963984540054
# The column each grouping of launches reads.
LAUNCH_GROUPS: dict[str, Any] = {
    "organisation": F("organisation__name"),
    "rocket": F("rocket__name"),
    "country": F("pad__country"),
    "year": ExtractYear("launched_at"),
    "outcome": F("mission_status"),
}


class OrganisationRow(TypedDict):
    organisation: str
    launch_count: int


class RocketRow(TypedDict):
    rocket: str
    status: str
    launch_count: int
    first_launch: datetime
    last_launch: datetime


class CostSummary(TypedDict):
    organisation: str
    launch_count: int
    priced_launch_count: int
    total_price: Decimal | None
    mean_price: Decimal | None
    median_price: Decimal | None


class ActiveRocketRow(TypedDict):
    rocket: str
    organisation: str
    launch_count: int


class SuccessRateRow(TypedDict):
    group: str | int
    launch_count: int
    success_count: int
    failure_count: int
    success_rate: float
    wilson_low: float
    wilson_high: float


class YearRow(TypedDict, total=False):
    year: int
    group: str
    launch_count: int


class SpendingRow(TypedDict):
    group: str | int
    launch_count: int
    priced_launch_count: int
    coverage: float
    total_price: Decimal | None
    mean_price: Decimal | None
    median_price: Decimal | None


def organisation_names() -> list[str]:
    """Every organisation's name, alphabetically."""
    return list(Organisation.objects.order_by("name").values_list("name", flat=True))


def organisations() -> list[OrganisationRow]:
    """Every organisation with its number of launches, by name."""
    return list(
        Organisation.objects.values(organisation=F("name")).annotate(launch_count=Count("launches")).order_by("name")
    )


def rockets_by_organisation(*, organisation: str) -> list[RocketRow]:
    """The distinct rockets an organisation launched, with their launch count, first and last launch and status."""
    return list(
        Rocket.objects.filter(launches__organisation__name=organisation)
        .values("status", rocket=F("name"))
        .annotate(
            launch_count=Count("launches"),
            first_launch=Min("launches__launched_at"),
            last_launch=Max("launches__launched_at"),
        )
        .order_by("name")
    )


def _price_aggregates() -> dict[str, Any]:
    """Price totals that count unpriced launches but never add them as zero."""
    return {
        "launch_count": Count("id"),
        "priced_launch_count": Count("price"),
        "total_price": Sum("price"),
        "mean_price": Round(Avg("price"), 2),
        "median_price": Round(Median("price"), 2),
    }


def total_cost_by_organisation(*, organisation: str) -> CostSummary:
    """Total, mean and median launch price of one organisation, with how many of its launches have a price."""
    totals = Launch.objects.filter(organisation__name=organisation).aggregate(**_price_aggregates())
    return {"organisation": organisation, **_money(totals)}  # type: ignore[typeddict-item]


def active_rockets() -> list[ActiveRocketRow]:
    """Each active rocket once per organisation that launched it, with its launch count."""
    return list(
        Rocket.objects.filter(status=RocketStatus.ACTIVE)
        .values(rocket=F("name"), organisation=F("launches__organisation__name"))
        .annotate(launch_count=Count("launches"))
        .order_by("name", "launches__organisation__name")
    )


def launches(*, filters: LaunchFilters = ALL_LAUNCHES) -> QuerySet:
    """The launch records of a selection, oldest first, as flat rows for export."""
    return (
        launches_filtered(filters=filters)
        .order_by("launched_at", "id")
        .values(
            "launched_at",
            "time_precision",
            "mission",
            "mission_status",
            "price",
            organisation_name=F("organisation__name"),
            rocket_name=F("rocket__name"),
            rocket_status=F("rocket__status"),
            location=F("pad__location"),
            country=F("pad__country"),
        )
    )


def wilson_interval(*, successes: int, trials: int) -> tuple[float, float]:
    """The 95% Wilson score interval of a success proportion."""
    if trials == 0:
        return 0.0, 0.0
    p = successes / trials
    z2 = WILSON_Z * WILSON_Z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    margin = WILSON_Z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def success_rates(
    *, group_by: str = "organisation", partial_failures_as_failures: bool = True, filters: LaunchFilters = ALL_LAUNCHES
) -> list[SuccessRateRow]:
    """Success rate per organisation, rocket, country or year (of all launches or a selection), with its 95% Wilson
    interval."""
    succeeded = [MissionStatus.SUCCESS]
    if not partial_failures_as_failures:
        succeeded.append(MissionStatus.PARTIAL_FAILURE)
    groups = (
        launches_filtered(filters=filters)
        .values(group=LAUNCH_GROUPS[group_by])
        .annotate(launch_count=Count("id"), success_count=Count("id", filter=Q(mission_status__in=succeeded)))
        .order_by("group")
    )
    rows: list[SuccessRateRow] = []
    # One pass over the groups (not the launches): the interval needs a square root per group.
    for group in groups:
        low, high = wilson_interval(successes=group["success_count"], trials=group["launch_count"])
        rows.append(
            {
                "group": group["group"],
                "launch_count": group["launch_count"],
                "success_count": group["success_count"],
                "failure_count": group["launch_count"] - group["success_count"],
                "success_rate": round(group["success_count"] / group["launch_count"], 6),
                "wilson_low": round(low, 6),
                "wilson_high": round(high, 6),
            }
        )
    return rows


def launches_per_year(*, split_by: str | None = None, filters: LaunchFilters = ALL_LAUNCHES) -> list[YearRow]:
    """Number of launches (of all or of a selection) per year, optionally split by organisation, country or outcome."""
    columns: dict[str, Any] = {"year": LAUNCH_GROUPS["year"]}
    if split_by:
        columns["group"] = LAUNCH_GROUPS[split_by]
    return list(
        launches_filtered(filters=filters).values(**columns).annotate(launch_count=Count("id")).order_by(*columns)
    )


def spending(*, group_by: str = "organisation", filters: LaunchFilters = ALL_LAUNCHES) -> list[SpendingRow]:
    """Total, mean and median price per organisation, country or year (of all launches or a selection), with the
    share of launches priced."""
    groups = (
        launches_filtered(filters=filters)
        .values(group=LAUNCH_GROUPS[group_by])
        .annotate(**_price_aggregates())
        .order_by("group")
    )
    return [
        {
            "group": group["group"],
            "coverage": round(group["priced_launch_count"] / group["launch_count"], 6),
            **_money(group),
        }
        for group in groups
    ]


def _money(row: dict[str, Any]) -> dict[str, Any]:
    """Counts and prices of an aggregate row, the prices as decimals to the cent."""
    cent = Decimal("0.01")
    return {
        "launch_count": row["launch_count"],
        "priced_launch_count": row["priced_launch_count"],
        **{
            key: None if row[key] is None else Decimal(row[key]).quantize(cent)
            for key in ("total_price", "mean_price", "median_price")
        },
    }


def jobs(*, status: str | None = None, analysis: str | None = None) -> QuerySet[Job]:
    """Jobs newest first, optionally of one status and one analysis."""
    found = Job.objects.order_by("-created_at", "-id")
    if status:
        found = found.filter(status=status)
    if analysis:
        found = found.filter(analysis=analysis)
    return found


def job_to_run(*, job_id: str) -> Job | None:
    """The job with this id, if any, with the launch data's current version as ``data_version_now``, in one query."""
    return Job.objects.filter(pk=job_id).annotate(data_version_now=data_version_in_query()).first()


def job_find_reusable(*, analysis: str, params_key: str, data_version: int) -> Job | None:
    """The newest finished run of the same analysis and parameters on the same data, if any."""
    return (
        Job.objects.filter(
            analysis=analysis, params_key=params_key, data_version=data_version, status=JobStatus.FINISHED
        )
        .order_by("-created_at")
        .first()
    )
