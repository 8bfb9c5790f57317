"""Reads of the launch records: querysets for the API lists and aggregates the database computes."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, F, FloatField, Max, Min, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast, Coalesce, ExtractYear, NullIf

from .models import (
    DataVersion,
    ImportRun,
    Launch,
    LaunchSite,
    MissionStatus,
    Organisation,
    Pad,
    Rocket,
    RocketStatus,
    TimePrecision,
)

# The column names of the original Kaggle file and of the original service's /data records.
ORIGINAL_COLUMNS = ["Organisation", "Location", "Date", "Detail", "Rocket_Status", "Price", "Mission_Status"]
ORIGINAL_ROCKET_STATUS = {RocketStatus.ACTIVE: "StatusActive", RocketStatus.RETIRED: "StatusRetired"}
ORIGINAL_DATE_FORMAT = {TimePrecision.MINUTE: "%a %b %d, %Y %H:%M UTC", TimePrecision.DAY: "%a %b %d, %Y"}


class OriginalLaunch(TypedDict):
    """One launch in the original dataset's columns and spellings."""

    Organisation: str
    Location: str
    Date: str
    Detail: str
    Rocket_Status: str
    Price: str
    Mission_Status: str


class YearCount(TypedDict):
    """Launches and successes in one calendar year."""

    year: int
    launches: int
    successes: int


def data_version() -> int:
    """The current launch data version (see ``DataVersion``): answers and analyses are reused only within one."""
    return DataVersion.current()


def data_version_in_query() -> Coalesce:
    """The current launch data version as an expression: read with another query, not in a round trip of its own."""
    return DataVersion.current_in_query()


@dataclass(frozen=True)
class LaunchFilters:
    """A selection of launches (see ``missions.filters``): each part narrows it, and an empty part selects all."""

    organisations: tuple[int, ...] = ()
    rockets: tuple[int, ...] = ()
    sites: tuple[int, ...] = ()
    pads: tuple[int, ...] = ()
    countries: tuple[str, ...] = ()
    mission_statuses: tuple[str, ...] = ()
    rocket_status: str = ""
    launched_after: date | None = None
    launched_before: date | None = None
    year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    has_price: bool | None = None
    search: str = ""


ALL_LAUNCHES = LaunchFilters()


def launches_filtered(*, filters: LaunchFilters = ALL_LAUNCHES, launches: QuerySet[Launch] | None = None) -> QuerySet:
    """The launches (all of them by default) that a selection describes."""
    launches = Launch.objects.all() if launches is None else launches
    exact = {
        "organisation_id__in": filters.organisations,
        "rocket_id__in": filters.rockets,
        "pad__site_id__in": filters.sites,
        "pad_id__in": filters.pads,
        "pad__country__in": filters.countries,
        "mission_status__in": filters.mission_statuses,
        "rocket__status": filters.rocket_status,
        "launched_at__gte": filters.launched_after and datetime.combine(filters.launched_after, time.min, tzinfo=UTC),
        "launched_at__lte": filters.launched_before and datetime.combine(filters.launched_before, time.max, tzinfo=UTC),
        "launched_at__year": filters.year,
        "launched_at__year__gte": filters.year_from,
        "launched_at__year__lte": filters.year_to,
        "price__gte": filters.price_min,
        "price__lte": filters.price_max,
    }
    launches = launches.filter(**{lookup: value for lookup, value in exact.items() if value not in (None, "", ())})
    if filters.has_price is not None:
        launches = launches.filter(price__isnull=not filters.has_price)
    for word in filters.search.split():
        launches = launches.filter(_search_word(word))
    return launches


def _search_word(word: str) -> Q:
    """Launches whose mission, rocket, organisation or location holds a word (any case).

    The names are looked up in their own small tables and matched by id, so a word costs no join per launch.
    """
    return (
        Q(mission__icontains=word)
        | Q(organisation_id__in=Organisation.objects.filter(name__icontains=word).values("pk"))
        | Q(rocket_id__in=Rocket.objects.filter(name__icontains=word).values("pk"))
        | Q(pad_id__in=Pad.objects.filter(location__icontains=word).values("pk"))
    )


def launch_list() -> QuerySet[Launch]:
    """Every launch, newest first, in one direction so that the (launched_at, id) index serves it backwards."""
    return Launch.objects.order_by("-launched_at", "-id")


def launch_rows(launches: QuerySet[Launch]) -> QuerySet:
    """Launches as rows (dicts) with the names of their organisation, rocket, pad and site.

    One query with the joins; rows rather than model instances, since building four objects per launch would cost
    more than the query itself.
    """
    return launches.values(
        "id",
        "launched_at",
        "time_precision",
        "organisation_id",
        "rocket_id",
        "mission",
        "mission_status",
        "price",
        "pad_id",
        "from_file",
        "ll2_id",
        organisation_name=F("organisation__name"),
        rocket_name=F("rocket__name"),
        rocket_status=F("rocket__status"),
        location=F("pad__location"),
        pad_name=F("pad__name"),
        site_id=F("pad__site_id"),
        site_name=F("pad__site__name"),
        country=F("pad__country"),
    )


class LaunchPages:
    """What a paginator pages: it counts the filtered launches without the joins that only the rows need, and
    turns the slice of one page into rows."""

    def __init__(self, launches: QuerySet[Launch]) -> None:
        self.launches = launches

    @property
    def ordered(self) -> bool:
        """Whether the launches have an order (the paginator warns about unordered pages)."""
        return self.launches.ordered

    def count(self) -> int:
        """How many launches match."""
        return self.launches.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return list(launch_rows(self.launches[page]))


def launch_original_rows(*, launches: QuerySet[Launch] | None = None) -> Iterator[OriginalLaunch]:
    """Stream launches (all of them by default) as the original dataset's rows, reading the database in chunks."""
    launches = launch_list() if launches is None else launches
    rows = launches.values_list(
        "organisation__name",
        "pad__location",
        "launched_at",
        "time_precision",
        "rocket__name",
        "mission",
        "rocket__status",
        "price",
        "mission_status",
    )
    for organisation, location, launched_at, precision, rocket, mission, rocket_status, price, status in rows.iterator(
        chunk_size=5000
    ):
        yield {
            "Organisation": organisation,
            "Location": location,
            "Date": _original_date(launched_at, precision),
            "Detail": f"{rocket} | {mission}",
            "Rocket_Status": ORIGINAL_ROCKET_STATUS[rocket_status],
            "Price": _original_price(price),
            "Mission_Status": status,
        }


def _original_date(launched_at: datetime, precision: str) -> str:
    """'Fri Aug 07, 2020 05:12 UTC', or 'Thu Aug 29, 2019' when only the day is known."""
    return launched_at.strftime(ORIGINAL_DATE_FORMAT[precision])


def _original_price(price: Decimal | None) -> str:
    """The price as the file writes it: '50.0', '29.75', '1,160.0', or empty when unknown."""
    return "" if price is None else format(float(price), ",")


def _outcome_counts(prefix: str) -> dict[str, Count]:
    """Launch counts per outcome through the relation ``prefix`` (e.g. "launches")."""
    status = f"{prefix}__mission_status"
    return {
        "launch_count": Count(prefix),
        "successes": Count(prefix, filter=Q(**{status: MissionStatus.SUCCESS})),
        "failures": Count(prefix, filter=Q(**{status: MissionStatus.FAILURE})),
        "partial_failures": Count(prefix, filter=Q(**{status: MissionStatus.PARTIAL_FAILURE})),
        "prelaunch_failures": Count(prefix, filter=Q(**{status: MissionStatus.PRELAUNCH_FAILURE})),
    }


def _success_rate() -> Cast:
    """Successes over launches, computed by the database (null when there are no launches)."""
    return Cast(F("successes"), FloatField()) / NullIf(Cast(F("launch_count"), FloatField()), 0.0)


def organisation_list() -> QuerySet[Organisation]:
    """Organisations with their launch outcomes, first and last launch and prices, all in the list's one query."""
    return (
        Organisation.objects.annotate(
            **_outcome_counts("launches"),
            first_launch=Min("launches__launched_at"),
            last_launch=Max("launches__launched_at"),
            total_price=Sum("launches__price"),
            priced_launches=Count("launches__price"),
        )
        .annotate(success_rate=_success_rate())
        .order_by("name")
    )


def organisation_launches_per_year(*, organisation: Organisation) -> list[YearCount]:
    """Launches and successes of one organisation per calendar year, oldest first."""
    return list(
        Launch.objects.filter(organisation=organisation)
        .annotate(year=ExtractYear("launched_at"))
        .values("year")
        .annotate(launches=Count("id"), successes=Count("id", filter=Q(mission_status=MissionStatus.SUCCESS)))
        .order_by("year")
    )


def rocket_list() -> QuerySet[Rocket]:
    """Rockets with their launch count, success rate and first and last launch."""
    return (
        Rocket.objects.annotate(
            launch_count=Count("launches"),
            successes=Count("launches", filter=Q(launches__mission_status=MissionStatus.SUCCESS)),
            first_launch=Min("launches__launched_at"),
            last_launch=Max("launches__launched_at"),
        )
        .annotate(success_rate=_success_rate())
        .order_by("name")
    )


def rocket_organisations(*, rockets: Iterable[Rocket]) -> dict[int, list[str]]:
    """The organisations that launched each of the given rockets, by rocket id, in one query."""
    pairs = (
        Launch.objects.filter(rocket__in=[rocket.pk for rocket in rockets])
        .values_list("rocket_id", "organisation__name")
        .distinct()
        .order_by("rocket_id", "organisation__name")
    )
    names: dict[int, list[str]] = {}
    for rocket_id, organisation in pairs:
        names.setdefault(rocket_id, []).append(organisation)
    return names


def site_list() -> QuerySet[LaunchSite]:
    """Launch sites with their launch count and their pads (each with its own launch count)."""
    pads = Pad.objects.annotate(launch_count=Count("launches")).order_by("location")
    return (
        LaunchSite.objects.annotate(launch_count=Count("pads__launches"))
        .prefetch_related(Prefetch("pads", queryset=pads))
        .order_by("name", "country")
    )


def import_run_list() -> QuerySet[ImportRun]:
    """Import runs, newest first."""
    return ImportRun.objects.order_by("-started_at", "-id")
