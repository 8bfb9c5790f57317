"""RQ entry points: they take a job id and hand over to the services."""

from traceback import format_exception
from typing import Any

from django.db import connections

from .services import job_fail, job_run


def job_perform(job_id: str) -> None:
    """Run the analysis job with this id (called by an RQ worker)."""
    job_run(job_id=job_id)


def job_on_queue_failure(queued: Any, redis: Any, exc_type: Any, exc_value: Any, traceback: Any) -> None:
    """RQ failure callback: a job abandoned by a dead worker or timed out is marked failed."""
    try:
        job_fail(
            job_id=queued.id,
            error=f"The worker failed the job: {exc_type.__name__}: {exc_value}",
            traceback="".join(format_exception(exc_type, exc_value, traceback)),
        )
    finally:
        # This may run in the worker's main process, which forks a work-horse per job: a connection left open
        # there would be shared with the next horse. (Inside a transaction it runs in-process: leave it be.)
        if not connections["default"].in_atomic_block:
            connections.close_all()
