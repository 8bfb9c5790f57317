"""The original service's routes at the root path: ``/data``, ``/help`` and the ``/jobs`` routes.

They answer from the same launch data and the same jobs as the REST API, in the original service's shapes.
"""

from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from analysis import selectors as job_selectors
from analysis import services as job_services
from analysis.api.serializers import (
    JOB_LIST_COLUMNS,
    JobListSerializer,
    JobsClearedSerializer,
    JobSerializer,
    job_list_rows,
)
from analysis.api.views import JobSubmitThrottle, job_submit, job_submitted
from analysis.models import JobListVersion
from core.caching import answer_cached
from core.errors import ErrorSerializer
from core.front_cache import answer_reusable
from core.pagination import positive_int
from core.renderers import PlainTextRenderer, json_array
from missions import selectors
from missions.services import ImportFailed, launches_clear, launches_import

from .help import help_text
from .jobs import job_id_parse, route_parse
from .serializers import ClearSummarySerializer, ImportSummarySerializer, OriginalLaunchSerializer

LIST_LIMIT, MAX_LIST_LIMIT = 100, 1000


class ImportFailedError(APIException):
    """The configured dataset could not be imported; nothing changed."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "import_failed"


class DataView(APIView):
    """The original service's /data: GET every launch, POST to import the dataset, DELETE to clear (staff)."""

    @extend_schema(
        summary="Every launch in the original dataset's field names, streamed as one JSON array",
        responses={200: OriginalLaunchSerializer(many=True)},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        """Every launch in the original dataset's field names, streamed as a JSON array."""
        return StreamingHttpResponse(json_array(selectors.launch_original_rows()), content_type="application/json")

    @extend_schema(
        summary="Import the configured dataset (staff)",
        request=None,
        responses={200: ImportSummarySerializer, 401: ErrorSerializer, 403: ErrorSerializer, 422: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        """Import the configured dataset (LAUNCH_DATA_URL) like `import_launches` does (staff)."""
        try:
            summary = launches_import(source=settings.LAUNCH_DATA_URL)
        except ImportFailed as error:
            raise ImportFailedError({"detail": str(error), "errors": {"data": error.errors[:100]}}) from error
        body = {
            "message": "Successfully loaded in the dictionary.",
            "run": summary.run.pk,
            "rows": summary.rows,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "duplicates": summary.run.duplicates,
            "rejected": summary.run.rejected,
        }
        return Response(ImportSummarySerializer(body).data)

    @extend_schema(
        summary="Delete every launch (staff)",
        responses={200: ClearSummarySerializer, 401: ErrorSerializer, 403: ErrorSerializer},
    )
    def delete(self, request: Request) -> Response:
        """Delete every launch and what only the launches used (staff)."""
        deleted = launches_clear()
        return Response(ClearSummarySerializer({"message": "Deleted all launch data.", "deleted": deleted}).data)


class HelpView(APIView):
    """The original service's /help: every route of this service as plain text, read from the URL configuration."""

    permission_classes = [AllowAny]
    renderer_classes = [PlainTextRenderer]

    @extend_schema(summary="Every route as plain text", responses={(200, "text/plain"): OpenApiTypes.STR})
    def get(self, request: Request) -> HttpResponse:
        """Every route of this service, as plain text."""
        # The routes are those of the running code: each process may answer again in front of Django.
        answer_reusable(request=request, view=self, counter=None)
        return HttpResponse(help_text(), content_type="text/plain; charset=utf-8")

    @extend_schema(summary="Every route as plain text", request=None, responses={(200, "text/plain"): OpenApiTypes.STR})
    def post(self, request: Request) -> HttpResponse:
        """Every route of this service, as plain text (the original README calls it with POST)."""
        return self.get(request)


class JobListView(APIView):
    """``GET /jobs``: the newest jobs (``?limit=``, 100 by default, at most 1000)."""

    @extend_schema(
        operation_id="legacy_jobs_list",
        summary="The newest jobs (the original service's route)",
        parameters=[
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIST_LIMIT},
                description=f"1 to {MAX_LIST_LIMIT}, default {LIST_LIMIT}",
            )
        ],
        responses={200: JobListSerializer(many=True)},
    )
    def get(self, request: Request) -> HttpResponse:
        limit = positive_int("limit", request.query_params.get("limit", str(LIST_LIMIT)), maximum=MAX_LIST_LIMIT)

        def answer() -> Response:
            jobs = job_selectors.jobs().values("id", *JOB_LIST_COLUMNS)[:limit]
            return Response(job_list_rows(jobs, jobs_url=reverse("job-list", request=request)))

        # Cached like the API's job list, by the version that every new, moved or deleted job moves on.
        return answer_cached(view=self, request=request, counter=JobListVersion, answer=answer)


class JobView(APIView):
    """``POST /jobs/<route>`` submits the original route's analysis; ``GET /jobs/<id>`` shows a job."""

    def get_permissions(self) -> list:
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    def get_throttles(self) -> list:
        throttles = super().get_throttles()
        return [*throttles, JobSubmitThrottle()] if self.request.method == "POST" else throttles

    @extend_schema(
        operation_id="legacy_job_retrieve",
        summary="A job's status and result (the original service's route; {route} is the job id)",
        responses={200: JobSerializer},
    )
    def get(self, request: Request, route: str) -> Response:
        job = job_selectors.jobs().filter(pk=job_id_parse(route)).first()
        if job is None:
            raise NotFound(f"No job with id {route!r}.")
        job = job_services.job_reconcile(job=job)
        return Response(JobSerializer(job, context={"request": request}).data)

    @extend_schema(
        operation_id="legacy_job_submit",
        summary="Queue one of the original service's job routes, e.g. get_rockets_by_org-SpaceX",
        request=None,
        responses={200: JobSerializer, 202: JobSerializer},
    )
    def post(self, request: Request, route: str) -> Response:
        analysis, params = route_parse(route)
        job, reused = job_submit(request, {"analysis": analysis, "params": params})
        route = unquote(route).strip("'\"")
        return job_submitted(job, reused=reused, context={"request": request}, route=route)


class JobClearView(APIView):
    """``DELETE /jobs/clear``: delete every job (staff)."""

    permission_classes = [IsAdminUser]

    @extend_schema(
        operation_id="legacy_jobs_clear",
        summary="Delete every job (staff; the original service's route)",
        responses={200: JobsClearedSerializer},
    )
    def delete(self, request: Request) -> Response:
        return Response({"deleted": job_services.jobs_clear()})
