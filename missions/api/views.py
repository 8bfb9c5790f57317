"""API views: read-only viewsets over the launch records, and the original service's /data and /help routes."""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import IsAdminUser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.caching import VersionCacheMixin
from core.errors import ErrorSerializer
from core.filters import StrictOrderingFilter, StrictSearchFilter
from core.renderers import CSVRenderer, GeoJSONRenderer, csv_lines
from missions import selectors
from missions.models import DataVersion, Launch, Organisation

from .filters import LaunchFilterBackend, RocketFilter, SiteFilter
from .serializers import (
    ImportRunSerializer,
    LaunchSerializer,
    OrganisationDetailSerializer,
    OrganisationSerializer,
    RocketSerializer,
    SiteSerializer,
)

BAD_REQUEST = OpenApiResponse(ErrorSerializer, description="A query parameter is invalid; errors names it.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object, or a page past the last one.")
LIST_ERRORS = {400: BAD_REQUEST, 404: NOT_FOUND}
DETAIL_ERRORS = {404: NOT_FOUND}


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail with the strict search and ordering filters shared by every list."""

    filter_backends = [DjangoFilterBackend, StrictSearchFilter, StrictOrderingFilter]


class DataVersionCacheMixin(VersionCacheMixin):
    """Answers cached by the launch data version, which every write to the launch data moves on."""

    cache_counter = DataVersion


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                enum=["json", "csv"],
                description="csv streams every launch that matches the filters (not one page) in the original columns.",
            )
        ],
        responses={200: LaunchSerializer(many=True), **LIST_ERRORS},
    )
)
@extend_schema_view(retrieve=extend_schema(responses={200: LaunchSerializer, **DETAIL_ERRORS}))
class LaunchViewSet(DataVersionCacheMixin, ReadOnlyViewSet):
    """Launches: a filtered, searched, ordered and paged list, or one launch by id."""

    serializer_class = LaunchSerializer
    filter_backends = [LaunchFilterBackend, StrictOrderingFilter]
    ordering_fields = {"launched_at": "launched_at", "price": "price", "organisation": "organisation__name"}

    def get_queryset(self) -> QuerySet[Launch]:
        launches = selectors.launch_list()
        return launches if self.action == "list" else selectors.launch_rows(launches)

    def get_renderers(self) -> list[BaseRenderer]:
        renderers = super().get_renderers()
        # Not on one launch; a method the list does not take is refused with 405 whatever the format.
        return renderers if self.action == "retrieve" else [*renderers, CSVRenderer()]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response | StreamingHttpResponse:
        """Launches, filtered, searched, ordered and paged; ?format=csv streams all of them as CSV."""
        if request.accepted_renderer.format == CSVRenderer.format:
            launches = self.filter_queryset(self.get_queryset())
            response = StreamingHttpResponse(
                csv_lines(selectors.launch_original_rows(launches=launches), columns=selectors.ORIGINAL_COLUMNS),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="launches.csv"'
            return response
        return super().list(request, *args, **kwargs)

    def paginate_queryset(self, queryset: QuerySet[Launch]) -> Sequence[dict[str, Any]] | None:
        """One page of launches as rows, counted without the joins that only the rows need."""
        return super().paginate_queryset(selectors.LaunchPages(queryset))


@extend_schema_view(list=extend_schema(responses={200: OrganisationSerializer(many=True), **LIST_ERRORS}))
@extend_schema_view(retrieve=extend_schema(responses={200: OrganisationDetailSerializer, **DETAIL_ERRORS}))
class OrganisationViewSet(DataVersionCacheMixin, ReadOnlyViewSet):
    """Organisations with their launch outcomes, success rate, first and last launch and prices."""

    serializer_class = OrganisationSerializer
    search_fields = ["name"]
    ordering_fields = {
        "name": "name",
        "launches": "launch_count",
        "success_rate": "success_rate",
        "first_launch": "first_launch",
        "last_launch": "last_launch",
        "total_price": "total_price",
    }

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisation_list()

    def get_serializer_class(self) -> type[OrganisationSerializer]:
        return OrganisationDetailSerializer if self.action == "retrieve" else OrganisationSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        """One organisation with its launches per year."""
        return super().retrieve(request, *args, **kwargs)

    def get_object(self) -> Organisation:
        """The organisation, with its launches per year for the detail serializer."""
        organisation = super().get_object()
        organisation.launches_per_year = selectors.organisation_launches_per_year(organisation=organisation)
        return organisation


@extend_schema_view(list=extend_schema(responses={200: RocketSerializer(many=True), **LIST_ERRORS}))
@extend_schema_view(retrieve=extend_schema(responses={200: RocketSerializer, **DETAIL_ERRORS}))
class RocketViewSet(DataVersionCacheMixin, ReadOnlyViewSet):
    """Rockets with the organisations that launched them, status, launches, success rate, first and last launch."""

    serializer_class = RocketSerializer
    filterset_class = RocketFilter
    search_fields = ["name"]
    ordering_fields = {
        "name": "name",
        "launches": "launch_count",
        "success_rate": "success_rate",
        "first_launch": "first_launch",
        "last_launch": "last_launch",
    }

    def get_queryset(self) -> QuerySet:
        return selectors.rocket_list()

    def get_serializer(self, *args: Any, **kwargs: Any) -> RocketSerializer:
        rockets = args[0] if args else []
        rockets = rockets if kwargs.get("many") else [rockets] if args else []
        context = self.get_serializer_context()
        context["rocket_organisations"] = selectors.rocket_organisations(rockets=rockets) if rockets else {}
        return super().get_serializer(*args, context=context, **kwargs)


# ?format=geojson: the sites as a FeatureCollection, or one site as a Feature.
GEOJSON = OpenApiResponse(OpenApiTypes.OBJECT, description="GeoJSON: a FeatureCollection, or one Feature.")


@extend_schema_view(
    list=extend_schema(
        responses={
            (200, "application/json"): SiteSerializer(many=True),
            (200, "application/geo+json"): GEOJSON,
            **LIST_ERRORS,
        }
    )
)
@extend_schema_view(
    retrieve=extend_schema(
        responses={(200, "application/json"): SiteSerializer, (200, "application/geo+json"): GEOJSON, **DETAIL_ERRORS}
    )
)
class SiteViewSet(DataVersionCacheMixin, ReadOnlyViewSet):
    """Launch sites with their country, coordinates when known, launch count and pads."""

    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    search_fields = ["name", "country"]
    ordering_fields = {"name": "name", "country": "country", "launches": "launch_count"}

    def get_queryset(self) -> QuerySet:
        return selectors.site_list()

    def get_renderers(self) -> list[BaseRenderer]:
        return [*super().get_renderers(), GeoJSONRenderer()]


class ImportRunViewSet(ReadOnlyViewSet):
    """The history of imports, newest first (staff only)."""

    serializer_class = ImportRunSerializer
    permission_classes = [IsAdminUser]
    ordering_fields = {"started_at": "started_at"}

    def get_queryset(self) -> QuerySet:
        return selectors.import_run_list()
