"""Writes for analysis jobs: submitting, running, failing, reconciling with the queue and deleting."""

import hashlib
import json
import logging
import os
import posixpath
import socket
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError
from rq import Callback
from rq.exceptions import NoSuchJobError
from rq.job import Job as QueueJob
from rq.job import JobStatus as QueueJobStatus
from rq.worker import Worker

from core.queues import queue_connection, queue_get
from missions.selectors import data_version

from .artefacts import Artefacts
from .models import Job, JobListVersion, JobStatus
from .registry import ANALYSES
from .selectors import job_find_reusable, job_to_run

logger = logging.getLogger(__name__)

# Longer than a worker takes between taking a job from its queue and recording it started.
DROPPED_AFTER = timedelta(seconds=5)


class JobQueueUnavailable(Exception):
    """The job queue (Redis) could not take the job; the job was marked failed."""


@dataclass(frozen=True)
class JobSubmission:
    """A submitted job and whether it is an earlier finished run answering the same question."""

    job: Job
    reused: bool


def params_key(*, params: dict[str, Any]) -> str:
    """A digest of the canonical JSON of a job's parameters."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def job_create(*, analysis: str, params: dict[str, Any], refresh: bool = False) -> JobSubmission:
    """Answer with the finished run on unchanged data, or save a queued job and enqueue it once committed.

    ``params`` are already validated by the analysis's parameter serializer.
    """
    key = params_key(params=params)
    version = data_version()
    if not refresh:
        finished = job_find_reusable(analysis=analysis, params_key=key, data_version=version)
        if finished is not None:
            return JobSubmission(job=finished, reused=True)
    # The job and the list's version in one commit; the queue hears of the job once that commit is done.
    job = Job(analysis=analysis, params=params, params_key=key, data_version=version)
    JobListVersion.create_row(job)
    transaction.on_commit(lambda: job_enqueue(job=job))
    return JobSubmission(job=job, reused=False)


def job_enqueue(*, job: Job) -> None:
    """Hand a saved job to the workers; if Redis refuses it, fail the job instead of leaving it queued."""
    try:
        # This runs on commit already, so the queue must not defer the enqueue to a commit once more.
        queue = queue_get(settings.ANALYSIS_QUEUE, commit_mode="auto")
        # One pipeline: RQ would otherwise record the queue's name in a round trip of its own before the job's. The
        # embedded queue runs the job as it is enqueued, so its record must be written first, outside a pipeline.
        with queue.connection.pipeline() as pipeline:
            queue.enqueue(
                "analysis.jobs.job_perform",
                str(job.pk),
                job_id=str(job.pk),
                on_failure=Callback("analysis.jobs.job_on_queue_failure"),
                pipeline=pipeline if queue.is_async else None,
            )
            pipeline.execute()
    except RedisError as error:
        job.mark_failed(error=f"The job queue is unavailable: {error}")
        raise JobQueueUnavailable(f"The job queue is unavailable: {error}") from error


def job_run(*, job_id: str) -> None:
    """Run a queued job's analysis and record its outcome; errors are recorded, then raised again.

    A job runs at most once: one that another run started, or that ended (failed by reconciliation, say), is
    left as it is.
    """
    job = job_to_run(job_id=job_id)
    if job is None:
        logger.info("Job %s was deleted before it ran", job_id)
        return
    if not job.mark_started(data_version=job.data_version_now):
        logger.warning("Job %s is %s already; not running it again", job_id, job.status)
        return
    analysis = ANALYSES.get(job.analysis)
    try:
        if analysis is None:
            raise LookupError(f"Unknown analysis {job.analysis!r}.")
        output = analysis.run(**analysis.arguments(params=job.params))
        if isinstance(output, Artefacts):
            artefacts = _artefacts_save(job=job, files=output.files)
            if not job.mark_finished(result=output.summary, artefacts=artefacts):
                _files_delete(names=artefacts.values())
        else:
            job.mark_finished(result=output)
    except Exception as error:
        job.mark_failed(error=f"{type(error).__name__}: {error}", traceback=traceback.format_exc())
        raise


def _artefacts_save(*, job: Job, files: dict[str, bytes]) -> dict[str, str]:
    """Store each file of a job in the default storage; returns format -> stored name."""
    return {
        file_format: default_storage.save(f"analysis/{job.pk}/{job.analysis}.{file_format}", ContentFile(content))
        for file_format, content in files.items()
    }


def job_fail(*, job_id: str, error: str, traceback: str = "") -> None:
    """Mark a job failed unless it already ended (the queue reports failures the runner may have recorded)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is not None and not job.is_done:
        job.mark_failed(error=error, traceback=traceback)


def job_reconcile(*, job: Job) -> Job:
    """Fail an unfinished job that the queue lost or whose worker died, or queue again one that a worker dropped
    before starting it; returns the job as it now is."""
    if job.is_done:
        return job
    connection = queue_connection(settings.ANALYSIS_QUEUE)
    try:
        try:
            queued: QueueJob | None = QueueJob.fetch(str(job.pk), connection=connection)
        except NoSuchJobError:
            queued = None
        if queued is not None and job.status == JobStatus.QUEUED and _dropped_before_start(queued=queued):
            logger.warning("Job %s left the queue without starting; queueing it again", job.pk)
            job_enqueue(job=job)
            return job
        error = _queue_problem(job=job, queued=queued, connection=connection)
    except (RedisError, JobQueueUnavailable):
        return job  # Without Redis nothing can be known; the job is reconciled once it is back.
    if error:
        job.mark_failed(error=error)
    return job


def jobs_reconcile() -> int:
    """Reconcile every unfinished job with the queue; returns how many were marked failed."""
    failed = 0
    for job in Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.STARTED]).iterator():
        failed += job_reconcile(job=job).status == JobStatus.FAILED
    return failed


def _dropped_before_start(*, queued: QueueJob) -> bool:
    """Whether a job that RQ holds as queued is in no queue: a worker took it and lost Redis before starting it.

    Workers take a job from a queue's list and record it started in one moment, so a queued job that has been
    out of the list for longer than that moment will not run unless it is queued again. Queueing it again is safe:
    a job runs at most once (``Job.mark_started``).
    """
    if queued.get_status(refresh=False) != QueueJobStatus.QUEUED or queued.enqueued_at is None:
        return False
    if timezone.now() - queued.enqueued_at < DROPPED_AFTER:
        return False
    queue = queue_get(queued.origin or settings.ANALYSIS_QUEUE)
    return queue.get_job_position(queued.id) is None


def _queue_problem(*, job: Job, queued: QueueJob | None, connection: Any) -> str:
    """Why an unfinished job will never finish, or "" when it may still."""
    if queued is None:
        # A job saved a moment ago may not be enqueued yet: only an old one is lost.
        lost_after = timedelta(seconds=settings.ANALYSIS_JOB_LOST_AFTER)
        if job.status == JobStatus.STARTED or timezone.now() - job.created_at > lost_after:
            return "The job queue lost this job (Redis was emptied or restarted); submit it again."
        return ""
    status = queued.get_status(refresh=False)  # as fetched a moment ago: no second round trip
    if status in (QueueJobStatus.FAILED, QueueJobStatus.STOPPED, QueueJobStatus.CANCELED):
        result = queued.latest_result()
        reason = result.exc_string.strip().splitlines()[-1] if result and result.exc_string else status.value
        return f"The worker failed the job: {reason}"
    if status == QueueJobStatus.STARTED and queued.worker_name and not _worker_alive(queued.worker_name, connection):
        return f"The worker {queued.worker_name} stopped while running the job; submit it again."
    return ""


def _worker_alive(name: str, connection: Any) -> bool:
    """Whether a worker is registered, heartbeats, and, when it runs on this host, its process still exists."""
    worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + name, connection=connection)
    if worker is None:
        return False
    # Workers heartbeat every few seconds, even mid-job: a silent one is dead, whichever host it ran on.
    silent_for = (timezone.now() - worker.last_heartbeat).total_seconds() if worker.last_heartbeat else 0
    if silent_for > settings.ANALYSIS_WORKER_DEAD_AFTER:
        return False
    if worker.hostname != socket.gethostname() or not worker.pid:
        return True
    try:
        os.kill(worker.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _files_delete(*, names: Iterable[str]) -> None:
    """Delete stored files, then each folder they leave empty (a job's files share one folder)."""
    folders = set()
    for name in names:
        default_storage.delete(name)
        folders.add(posixpath.dirname(name))
    for folder in folders:
        try:
            # Only storages on a file system have folders to leave behind; remove one only when it is empty.
            os.rmdir(default_storage.path(folder))
        except (NotImplementedError, OSError):
            pass


def job_delete(*, job: Job) -> None:
    """Delete a job and its files."""
    _files_delete(names=job.artefacts.values())
    job.delete()
    JobListVersion.bump()


def jobs_clear() -> int:
    """Delete every job and its files; returns how many jobs were deleted."""
    for artefacts in Job.objects.exclude(artefacts={}).values_list("artefacts", flat=True).iterator():
        _files_delete(names=artefacts.values())
    deleted, _ = Job.objects.all().delete()
    JobListVersion.bump()
    return deleted
