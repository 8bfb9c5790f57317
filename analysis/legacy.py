"""The original service's job routes at the root: ``GET /jobs``, ``POST /jobs/<route>``, ``GET /jobs/<id>``,
``DELETE /jobs/clear``, answered by the same jobs as the API."""

from typing import Any
from urllib.parse import unquote

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from . import selectors, services
from .api.serializers import JOB_LIST_COLUMNS, JobListSerializer, JobSerializer, job_list_rows
from .api.views import JobSubmitThrottle, job_submit, job_submitted
from .models import Job

# Original route name -> (analysis, the parameter that the text after "-" fills, or None).
LEGACY_ROUTES: dict[str, tuple[str, str | None]] = {
    "get_rockets_by_org": ("rockets_by_organisation", "organisation"),
    "total_cost_by_org": ("total_cost_by_organisation", "organisation"),
    "map_of_launches": ("launch_site_map", None),
    "list_all_active_rockets": ("active_rockets", None),
    "data": ("launches", None),
    "get_orgs": ("organisations", None),
}
ROUTE_FORMS = [f"{name}-<ORG>" if argument else name for name, (_, argument) in LEGACY_ROUTES.items()]
LIST_LIMIT, MAX_LIST_LIMIT = 100, 1000


def legacy_route_parse(route: str) -> tuple[str, dict[str, Any]]:
    """The analysis and parameters of an original route string such as ``'get_rockets_by_org-RVSN_USSR'``.

    The quotes of the original's curl examples are dropped, ``_`` in the argument stands for a space and the
    argument is everything after the first ``-`` that follows the route name (``get_rockets_by_org-OKB-586``).
    """
    text = unquote(route).strip().strip("'\"").strip()
    name, dash, argument = text.partition("-")
    if name not in LEGACY_ROUTES:
        raise ValidationError({"route": [f"Unknown route {text!r}; valid routes: {', '.join(ROUTE_FORMS)}."]})
    analysis, parameter = LEGACY_ROUTES[name]
    if parameter is None and dash:
        raise ValidationError({"route": [f"The route {name} takes no argument after '-'."]})
    if parameter is not None and not argument.strip():
        raise ValidationError({"route": [f"The route {name} needs an organisation: {name}-<ORG>."]})
    return analysis, ({parameter: argument.replace("_", " ").strip()} if parameter else {})


class LegacyJobListView(APIView):
    """``GET /jobs``: the newest jobs (``?limit=``, 100 by default, at most 1000)."""

    @extend_schema(
        operation_id="legacy_jobs_list",
        summary="The newest jobs (the original service's route)",
        parameters=[
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"1 to {MAX_LIST_LIMIT}, default {LIST_LIMIT}")
        ],
        responses={200: JobListSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("limit", str(LIST_LIMIT))
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIST_LIMIT:
            raise ValidationError({"limit": [f"Must be a whole number from 1 to {MAX_LIST_LIMIT}."]})
        jobs = selectors.jobs().values("id", *JOB_LIST_COLUMNS)[: int(raw)]
        return Response(job_list_rows(jobs, jobs_url=reverse("job-list", request=request)))


class LegacyJobView(APIView):
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
        job = selectors.jobs().filter(pk=_job_id(route)).first()
        if job is None:
            raise NotFound(f"No job with id {route!r}.")
        job = services.job_reconcile(job=job)
        return Response(JobSerializer(job, context={"request": request}).data)

    @extend_schema(
        operation_id="legacy_job_submit",
        summary="Queue one of the original service's job routes, e.g. get_rockets_by_org-SpaceX",
        request=None,
        responses={200: JobSerializer, 202: JobSerializer},
    )
    def post(self, request: Request, route: str) -> Response:
        analysis, params = legacy_route_parse(route)
        job, reused = job_submit(request, {"analysis": analysis, "params": params})
        route = unquote(route).strip("'\"")
        return job_submitted(job, reused=reused, context={"request": request}, route=route)


class LegacyJobClearView(APIView):
    """``DELETE /jobs/clear``: delete every job (staff)."""

    permission_classes = [IsAdminUser]

    @extend_schema(
        operation_id="legacy_jobs_clear",
        summary="Delete every job (staff; the original service's route)",
        responses={200: OpenApiTypes.OBJECT},
    )
    def delete(self, request: Request) -> Response:
        return Response({"deleted": services.jobs_clear()})


def _job_id(text: str) -> str | None:
    """A job id from the path, without the quotes of the original's examples; None when it is no UUID."""
    value = unquote(text).strip().strip("'\"")
    try:
        return str(Job._meta.pk.to_python(value))
    except DjangoValidationError:
        return None
