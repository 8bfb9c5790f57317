"""The analysis catalogue and the job API: submit, list, inspect, fetch results, delete."""

import json
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from analysis import selectors, services
from analysis.charts import CHART_FORMATS, JOB_CHARTS, chart_render, job_chart
from analysis.maps.html import MAP_POLICY
from analysis.models import Job, JobListVersion, JobStatus, ResultEncoder
from analysis.registry import ANALYSES, analysis_parameters
from core.caching import answer_cached
from core.errors import ErrorSerializer
from core.middleware import content_security_policy
from core.pagination import StrictPageSize
from core.renderers import csv_lines
from core.throttling import UserRateThrottle

from .serializers import (
    JOB_LIST_COLUMNS,
    AnalysisSerializer,
    JobCreateSerializer,
    JobListSerializer,
    JobsClearedSerializer,
    JobSerializer,
    job_list_rows,
)

# Every format a result may come in, and the body of each media type.
RESULT_FORMATS = sorted({name for analysis in ANALYSES.values() for name in analysis.formats})
RESULT_FORMAT_HELP = "One of the analysis's formats (its result_urls list them); the first by default."
RESULT_SCHEMAS = {
    "application/json": OpenApiTypes.ANY,
    "text/csv": OpenApiTypes.STR,
    "text/html": OpenApiTypes.STR,
    "image/png": OpenApiTypes.BINARY,
    "application/geo+json": OpenApiTypes.OBJECT,
}

# The values each filter of the job list accepts.
LIST_FILTERS = {"status": list(JobStatus.values), "analysis": list(ANALYSES)}

TRUE_VALUES, FALSE_VALUES = {"true", "1", "yes"}, {"false", "0", "no", ""}


class QueueUnavailable(APIException):
    """503: Redis cannot take jobs right now."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The job queue is unavailable; the job was not queued. Try again later."
    default_code = "queue_unavailable"


class ResultNotReady(APIException):
    """409: the job has no result (yet, or because it failed)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "result_not_ready"


class JobSubmitThrottle(UserRateThrottle):
    """Limits job submissions per user (or IP) to REST_FRAMEWORK's "job_submit" rate (API_THROTTLE_JOB_SUBMIT)."""

    scope = "job_submit"


class AnyFormatNegotiation(DefaultContentNegotiation):
    """Leave ``?format=`` to the view: a result's formats (csv, geojson, png...) are not API renderers."""

    def select_renderer(self, request: Request, renderers: list, format_suffix: str | None = None) -> tuple:
        return renderers[0], renderers[0].media_type


def query_bool(request: Request, name: str) -> bool:
    """A true/false query parameter; anything else is a 400 naming it."""
    raw = request.query_params.get(name, "").strip().lower()
    if raw not in TRUE_VALUES | FALSE_VALUES:
        raise ValidationError({name: ["Must be true or false."]})
    return raw in TRUE_VALUES


def job_submit(request: Request, data: Any) -> tuple[Job, bool]:
    """Validate a job request and submit it; the Redis-down case answers 503."""
    serializer = JobCreateSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    try:
        submission = services.job_create(**serializer.validated_data, refresh=query_bool(request, "refresh"))
    except services.JobQueueUnavailable as error:
        raise QueueUnavailable() from error
    return submission.job, submission.reused


def job_submitted(job: Job, *, reused: bool, context: dict[str, Any], **extra: Any) -> Response:
    """The answer to a submission: 202 with the job and its address, or 200 with an earlier finished run."""
    body = JobSerializer(job, context=context).data
    return Response(
        {**body, **extra},
        status=status.HTTP_200_OK if reused else status.HTTP_202_ACCEPTED,
        headers={"Location": str(body["url"])},  # a plain str: WSGI servers refuse str subclasses
    )


class AnalysisViewSet(viewsets.ViewSet):
    """The analyses a job can run, with their parameters."""

    lookup_field = "name"
    lookup_value_regex = "[a-z_]+"
    serializer_class = AnalysisSerializer

    def list(self, request: Request) -> Response:
        return Response(
            AnalysisSerializer([self._describe(analysis) for analysis in ANALYSES.values()], many=True).data
        )

    def retrieve(self, request: Request, name: str) -> Response:
        if name not in ANALYSES:
            raise NotFound(f"Unknown analysis {name!r}.")
        return Response(AnalysisSerializer(self._describe(ANALYSES[name])).data)

    @staticmethod
    def _describe(analysis: Any) -> dict[str, Any]:
        return {
            "name": analysis.name,
            "description": analysis.description,
            "formats": list(analysis.formats),
            "params": analysis_parameters(analysis),
        }


class JobPagination(StrictPageSize, CursorPagination):
    """Newest first with a cursor: no count query, steady speed however many jobs are stored."""

    ordering = ("-created_at", "-id")
    page_size = 50


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Analysis jobs: anyone submits (throttled) and reads; staff delete."""

    pagination_class = JobPagination

    def get_queryset(self) -> QuerySet[Job]:
        return selectors.jobs()

    @extend_schema(
        # An empty value is no filter, as a submitted form sends it.
        parameters=[OpenApiParameter(name, enum=["", *values]) for name, values in LIST_FILTERS.items()],
    )
    def list(self, request: Request) -> HttpResponse:
        """Jobs newest first, without their results; ``?status=`` and ``?analysis=`` filter them."""
        # Checked by hand rather than by a FilterSet, whose per-request set-up costs more than this whole query.
        filters = {name: request.query_params.get(name) or None for name in LIST_FILTERS}
        for name, value in filters.items():
            if value is not None and value not in LIST_FILTERS[name]:
                raise ValidationError({name: [f"Choose one of {', '.join(LIST_FILTERS[name])}."]})

        def answer() -> Response:
            page = self.paginate_queryset(selectors.jobs(**filters).values("id", *JOB_LIST_COLUMNS))
            return self.get_paginated_response(job_list_rows(page, jobs_url=reverse("job-list", request=request)))

        return answer_cached(view=self, request=request, counter=JobListVersion, answer=answer)

    def get_serializer_class(self) -> type:
        # The browsable API's form offers what a request gives: the analysis and its parameters.
        return {"list": JobListSerializer, "create": JobCreateSerializer}.get(self.action, JobSerializer)

    def get_permissions(self) -> list:
        if self.action == "create":
            return [AllowAny()]
        if self.action == "clear":
            return [IsAdminUser()]
        return super().get_permissions()

    def get_throttles(self) -> list:
        throttles = super().get_throttles()
        return [*throttles, JobSubmitThrottle()] if self.action == "create" else throttles

    @extend_schema(request=JobCreateSerializer, responses={202: JobSerializer, 200: JobSerializer})
    def create(self, request: Request) -> Response:
        """Submit a job: 202 with its address, or 200 with an earlier finished run on unchanged data."""
        job, reused = job_submit(request, request.data)
        return job_submitted(job, reused=reused, context=self.get_serializer_context())

    def get_object(self) -> Job:
        return services.job_reconcile(job=super().get_object())

    def perform_destroy(self, instance: Job) -> None:
        services.job_delete(job=instance)

    @extend_schema(responses={200: JobsClearedSerializer})
    @action(detail=False, methods=["delete"])
    def clear(self, request: Request) -> Response:
        """Delete every job and its files (staff)."""
        return Response({"deleted": services.jobs_clear()})

    @extend_schema(
        parameters=[OpenApiParameter("format", enum=["", *RESULT_FORMATS], description=RESULT_FORMAT_HELP)],
        responses={
            **{(200, media_type): schema for media_type, schema in RESULT_SCHEMAS.items()},
            409: OpenApiResponse(ErrorSerializer, description="The job has not finished, or it failed."),
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=AnyFormatNegotiation)
    def result(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The result in one of the analysis's formats: JSON or CSV rows, or the file it produced."""
        job = self.get_object()
        analysis = ANALYSES.get(job.analysis)
        if job.status == JobStatus.FAILED:
            raise ResultNotReady(f"The job failed: {job.error}")
        if job.status != JobStatus.FINISHED or analysis is None:
            raise ResultNotReady(f"The job is {job.status}; its result is not ready yet.")
        file_format = request.query_params.get("format") or next(iter(analysis.formats))
        # A tabular result is also served as its chart: PNG, SVG or the Vega-Lite spec.
        formats = {**analysis.formats, **(CHART_FORMATS if analysis.name in JOB_CHARTS else {})}
        if file_format not in formats:
            raise ValidationError({"format": [f"Choose one of {', '.join(formats)}."]})
        if file_format not in analysis.formats:
            chart = job_chart(analysis=job.analysis, result=job.ordered_result, params=job.params)
            response = HttpResponse(
                chart_render(chart.spec, file_format=file_format), content_type=formats[file_format]
            )
            extension = "vl.json" if file_format == "vega-lite" else file_format
            response["Content-Disposition"] = f'inline; filename="{job.analysis}-{job.pk}.{extension}"'
            return response
        media_type = analysis.formats[file_format]
        filename = f"{job.analysis}-{job.pk}.{file_format}"
        if analysis.files is not None:
            try:
                stored = default_storage.open(job.artefacts[file_format])
            except FileNotFoundError:  # removed from the storage behind the job's back
                raise NotFound("The job's file is gone; submit the job again with ?refresh=true.") from None
            response = FileResponse(stored, content_type=media_type, filename=filename)
            if media_type.startswith("text/html"):  # a map page, opened in the browser from this origin
                response["Content-Security-Policy"] = content_security_policy(MAP_POLICY)
            return response
        if file_format == "csv":
            response = HttpResponse(rows_to_csv(job), content_type=f"{media_type}; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return HttpResponse(json.dumps(job.ordered_result, cls=ResultEncoder), content_type=media_type)


def rows_to_csv(job: Job) -> str:
    """A job's tabular result (a list of rows, or one row) as CSV with a header line."""
    rows = job.result if isinstance(job.result, list) else [job.result]
    return "".join(csv_lines(rows, columns=job.columns, line_end="\n"))
