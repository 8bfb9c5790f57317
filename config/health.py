"""Health endpoints shaped for container probes: ``/healthz`` (liveness) and ``/readyz`` (readiness)."""

import logging
from collections.abc import Callable

import django_rq
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.database import statement_deadline

OK = "ok"
logger = logging.getLogger(__name__)


def database_check() -> str:
    """Run a trivial query on the default database."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return OK


def migrations_check() -> str:
    """Report migrations that exist in the code but are not applied to the database."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        pending = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan)
        return f"{len(plan)} unapplied: {pending}"
    return OK


def redis_check() -> str:
    """Ping the Redis server that the job queues use."""
    connection = django_rq.get_connection("default")
    try:
        connection.ping()
    finally:
        connection.close()
    return OK


READINESS_CHECKS: dict[str, Callable[[], str]] = {
    "database": database_check,
    "migrations": migrations_check,
    "redis": redis_check,
}
# Checks that read the database, run only when the database check (ahead of them) passed.
NEEDS_DATABASE = {"migrations"}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers; touches nothing else, so a database outage does not restart the pods."""
    return JsonResponse({"status": OK})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database and Redis reachable and every migration applied; 503 naming what is not.

    Each database statement gets READYZ_TIMEOUT seconds, inside the probe's own timeout, so that a frozen database
    is reported as not ready rather than holding the probe (and a server thread) until the kubelet gives up.
    """
    checks = {}
    for name, check in READINESS_CHECKS.items():
        if name in NEEDS_DATABASE and checks["database"] != OK:
            # A second attempt at an unreachable database would wait out a second connect timeout, past the probe's.
            checks[name] = "not checked: database unavailable"
            continue
        try:
            with statement_deadline(settings.READYZ_TIMEOUT):
                checks[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure of a dependency means "not ready", reported by name
            # The endpoint is public: the response names the failure, the log keeps the details.
            logger.warning("readiness check %s failed", name, exc_info=True)
            checks[name] = f"failed: {type(error).__name__}"
    ready = all(result == OK for result in checks.values())
    return JsonResponse({"status": OK if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


class HealthCheckMiddleware:
    """Answer the probes ahead of host validation and the HTTPS redirect.

    Kubelets and container health checks call a pod by its IP over plain HTTP, a Host that ALLOWED_HOSTS rightly
    refuses and a scheme that SECURE_SSL_REDIRECT would bounce, so these two paths are served first in the chain.
    """

    routes: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": healthz, "/readyz": readyz}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.routes.get(request.path_info)
        return view(request) if view is not None else self.get_response(request)
