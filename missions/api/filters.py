"""Query parameters of the launch, rocket and site lists, in the launch filter vocabulary; a bad value answers 400."""

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request
from rest_framework.views import APIView

from core.forms import openapi_parameters
from missions import selectors
from missions.filters import CountriesField, LaunchFilterForm, OrganisationsField, Selection
from missions.models import Launch, LaunchSite, Rocket, RocketStatus


class LaunchFilterBackend(BaseFilterBackend):
    """The launch list's filters: ``LaunchFilterForm`` validates them and ``launches_filtered`` applies them."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Launch], view: APIView) -> QuerySet[Launch]:
        form = LaunchFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors_by_name())
        return selectors.launches_filtered(filters=form.filters(), launches=queryset)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return openapi_parameters(LaunchFilterForm.base_fields.items())


class OrganisationsFilter(filters.Filter):
    """Organisations in the vocabulary's terms (names or ids, several by commas; unknown ones refused)."""

    field_class = OrganisationsField


class CountriesFilter(filters.Filter):
    """Countries in the vocabulary's terms (any case, several by commas; unknown ones refused)."""

    field_class = CountriesField


class RocketFilter(filters.FilterSet):
    """Filters of the rocket list."""

    status = filters.ChoiceFilter(choices=RocketStatus.choices, help_text="Rocket status: active or retired.")
    organisation = OrganisationsFilter(
        method="filter_organisation",
        help_text="Rockets launched by this organisation (name or id; several by commas).",
    )

    class Meta:
        model = Rocket
        fields: list[str] = []

    def filter_organisation(self, qs: QuerySet, name: str, value: Selection) -> QuerySet:
        # A subquery, so that the filter does not multiply the launch counts of the list.
        launches = Launch.objects.filter(organisation_id__in=value.values)
        return qs.filter(pk__in=launches.values("rocket_id"))


class SiteFilter(filters.FilterSet):
    """Filters of the launch site list."""

    country = CountriesFilter(
        method="filter_country",
        help_text="Country, e.g. USA; several separated by commas.",
    )

    class Meta:
        model = LaunchSite
        fields: list[str] = []

    def filter_country(self, qs: QuerySet, name: str, value: Selection) -> QuerySet:
        return qs.filter(country__in=value.values)
