"""Query parameters of the launch, rocket and site lists; a bad value answers 400 naming it."""

from datetime import UTC, date, datetime, time

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from core.filters import ChoiceInFilter, IExactInFilter, IntegerFilter, NameOrIdFilter, StrictBooleanFilter
from missions.models import Launch, LaunchSite, MissionStatus, Rocket, RocketStatus

MAX_PRICE = 10**8  # prices are stored with 10 digits, 2 after the point


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _day_end(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


class LaunchFilter(filters.FilterSet):
    """Filters of the launch list."""

    organisation = NameOrIdFilter(
        field_name="organisation", help_text="Organisation name or id; several separated by commas, e.g. SpaceX,CASC."
    )
    rocket = NameOrIdFilter(field_name="rocket", help_text="Rocket name or id; several separated by commas.")
    site = NameOrIdFilter(
        field_name="pad__site", help_text="Launch site name (e.g. Kennedy Space Center) or id; several by commas."
    )
    pad = NameOrIdFilter(field_name="pad", help_text="Pad name (e.g. LC-39A) or id; several separated by commas.")
    country = IExactInFilter(field_name="pad__country", help_text="Country of the pad, e.g. USA; several by commas.")
    mission_status = ChoiceInFilter(
        field_name="mission_status",
        choices=MissionStatus.choices,
        help_text="Mission outcome: Success, Failure, Partial Failure, Prelaunch Failure; several by commas.",
    )
    rocket_status = filters.ChoiceFilter(
        field_name="rocket__status", choices=RocketStatus.choices, help_text="Rocket status: active or retired."
    )
    launched_after = filters.DateFilter(
        method="filter_launched_after", help_text="Launched on or after this day (YYYY-MM-DD, UTC)."
    )
    launched_before = filters.DateFilter(
        method="filter_launched_before", help_text="Launched on or before this day (YYYY-MM-DD, UTC)."
    )
    year = IntegerFilter(
        field_name="launched_at", lookup_expr="year", min_value=1, max_value=9999, help_text="Calendar year (UTC)."
    )
    year_from = IntegerFilter(
        field_name="launched_at", lookup_expr="year__gte", min_value=1, max_value=9999, help_text="From this year on."
    )
    year_to = IntegerFilter(
        field_name="launched_at", lookup_expr="year__lte", min_value=1, max_value=9999, help_text="Up to this year."
    )
    price_min = filters.NumberFilter(
        field_name="price",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_PRICE,
        max_digits=10,
        decimal_places=2,
        help_text="Price at least this many million USD (launches without a price are left out).",
    )
    price_max = filters.NumberFilter(
        field_name="price",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_PRICE,
        max_digits=10,
        decimal_places=2,
        help_text="Price at most this many million USD (launches without a price are left out).",
    )
    has_price = StrictBooleanFilter(
        field_name="price", lookup_expr="isnull", exclude=True, help_text="true: only priced launches; false: unpriced."
    )

    class Meta:
        model = Launch
        fields: list[str] = []

    def filter_launched_after(self, qs: QuerySet, name: str, value: date) -> QuerySet:
        return qs.filter(launched_at__gte=_day_start(value))

    def filter_launched_before(self, qs: QuerySet, name: str, value: date) -> QuerySet:
        return qs.filter(launched_at__lte=_day_end(value))


class RocketFilter(filters.FilterSet):
    """Filters of the rocket list."""

    status = filters.ChoiceFilter(choices=RocketStatus.choices, help_text="Rocket status: active or retired.")
    organisation = NameOrIdFilter(
        field_name="launches__organisation",
        method="filter_organisation",
        help_text="Rockets launched by this organisation (name or id; several by commas).",
    )

    class Meta:
        model = Rocket
        fields: list[str] = []

    def filter_organisation(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # A subquery, so that the filter does not multiply the launch counts of the list.
        launches = NameOrIdFilter(field_name="organisation").filter(Launch.objects.all(), value)
        return qs.filter(pk__in=launches.values("rocket_id"))


class SiteFilter(filters.FilterSet):
    """Filters of the launch site list."""

    country = IExactInFilter(field_name="country", help_text="Country, e.g. USA; several separated by commas.")

    class Meta:
        model = LaunchSite
        fields: list[str] = []
