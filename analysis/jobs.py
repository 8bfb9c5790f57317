"""RQ entry points: they take a job id and hand over to the services."""

from traceback import format_exception
from typing import Any

from .services import job_fail, job_run


def job_perform(job_id: str) -> None:
    """Run the analysis job with this id (called by an RQ worker)."""
    job_run(job_id=job_id)


def job_on_queue_failure(queued: Any, redis: Any, exc_type: Any, exc_value: Any, traceback: Any) -> None:
    """RQ failure callback: a job abandoned by a dead worker or timed out is marked failed."""
    job_fail(
        job_id=queued.id,
        error=f"The worker failed the job: {exc_type.__name__}: {exc_value}",
        traceback="".join(format_exception(exc_type, exc_value, traceback)),
    )
