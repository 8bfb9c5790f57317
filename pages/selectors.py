"""Reads of the pages: headline figures and provenance; everything else comes from the missions and analysis
selectors and is drawn by ``analysis.charts``."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum

from analysis.selectors import wilson_interval
from missions.models import ImportRun, ImportStatus, Launch, MissionStatus, Organisation
from missions.selectors import ALL_LAUNCHES, LaunchFilters, launches_filtered


@dataclass(frozen=True)
class Figures:
    """Headline figures of a selection of launches."""

    launches: int
    successes: int
    success_rate: float | None
    success_low: float
    success_high: float
    organisations: int
    countries: int
    first_launch: datetime | None
    last_launch: datetime | None
    first_year: int | None
    last_year: int | None
    priced_launches: int
    total_price: Decimal | None

    @property
    def coverage(self) -> float | None:
        """The share of launches with a price."""
        return self.priced_launches / self.launches if self.launches else None

    @property
    def years(self) -> int:
        """Calendar years from the first launch's to the last one's, both included."""
        return self.last_year - self.first_year + 1 if self.first_year is not None else 0


def launch_figures(*, filters: LaunchFilters = ALL_LAUNCHES) -> Figures:
    """Counts, success rate with its 95% interval, dates and prices of a selection, in one aggregate query."""
    totals = launches_filtered(filters=filters).aggregate(
        launches=Count("id"),
        successes=Count("id", filter=Q(mission_status=MissionStatus.SUCCESS)),
        organisations=Count("organisation", distinct=True),
        countries=Count("pad__country", distinct=True),
        first_launch=Min("launched_at"),
        last_launch=Max("launched_at"),
        priced_launches=Count("price"),
        total_price=Sum("price"),
    )
    low, high = wilson_interval(successes=totals["successes"], trials=totals["launches"])
    return Figures(
        **totals,
        success_rate=totals["successes"] / totals["launches"] if totals["launches"] else None,
        success_low=low,
        success_high=high,
        first_year=totals["first_launch"].year if totals["first_launch"] else None,
        last_year=totals["last_launch"].year if totals["last_launch"] else None,
    )


def latest_import() -> ImportRun | None:
    """The last import that changed or confirmed the data."""
    return ImportRun.objects.filter(status=ImportStatus.SUCCEEDED).order_by("-started_at", "-id").first()


def busiest_names(*, rows: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """The ``count`` rows with the most launches, most first (ties by name)."""
    return sorted(rows, key=lambda row: (-row["launch_count"], str(row["group"])))[:count]


def organisation_rockets(*, organisation: Organisation) -> list[dict[str, Any]]:
    """The rockets an organisation launched, with its launches and successes of each, busiest first."""
    return list(
        Launch.objects.filter(organisation=organisation)
        .values("rocket_id", "rocket__name", "rocket__status")
        .annotate(
            launch_count=Count("id"),
            successes=Count("id", filter=Q(mission_status=MissionStatus.SUCCESS)),
            first_launch=Min("launched_at"),
            last_launch=Max("launched_at"),
        )
        .order_by("-launch_count", "rocket__name")
    )


def selection_sites(*, filters: LaunchFilters) -> list[dict[str, Any]]:
    """The launch sites of a selection with its launches from each, busiest first."""
    return list(
        launches_filtered(filters=filters)
        .values("pad__site_id", "pad__site__name", "pad__site__country")
        .annotate(launch_count=Count("id"), successes=Count("id", filter=Q(mission_status=MissionStatus.SUCCESS)))
        .order_by("-launch_count", "pad__site__name")
    )


def selection_organisations(*, filters: LaunchFilters) -> list[dict[str, Any]]:
    """The organisations of a selection with their launches in it, busiest first."""
    return list(
        launches_filtered(filters=filters)
        .values("organisation_id", "organisation__name")
        .annotate(launch_count=Count("id"), successes=Count("id", filter=Q(mission_status=MissionStatus.SUCCESS)))
        .order_by("-launch_count", "organisation__name")
    )
