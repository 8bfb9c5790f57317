"""Analysis jobs: one row per requested analysis, its parameters, its state and its outcome."""

import uuid
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from core.models import VersionCounter


class ResultEncoder(DjangoJSONEncoder):
    """JSON of results: decimals (prices to the cent) as numbers, as the API shows prices; dates in ISO 8601."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


class JobStatus(models.TextChoices):
    """Where a job is in its life: queued, then started, then finished or failed."""

    QUEUED = "queued", "Queued"
    STARTED = "started", "Started"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """One run of an analysis with its parameters, on one version of the launch data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    analysis = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True)
    # The canonical JSON of params: identical requests on unchanged data find the finished job through it.
    params_key = models.CharField(max_length=64, editable=False)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    result = models.JSONField(null=True, blank=True, encoder=ResultEncoder)
    # PostgreSQL's jsonb keeps no key order: the column order of a tabular result is kept beside it.
    columns = models.JSONField(default=list, blank=True)
    artefacts = models.JSONField(
        default=dict, blank=True, help_text="File artefacts: format -> path in the default storage."
    )
    error = models.TextField(blank=True)
    # Where the error arose: shown to staff only, since it names the server's files.
    traceback = models.TextField(blank=True)
    data_version = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="job_created_idx"),
            models.Index(fields=["status", "-created_at"], name="job_status_created_idx"),
            models.Index(fields=["analysis", "-created_at"], name="job_analysis_created_idx"),
            models.Index(fields=["analysis", "params_key", "data_version", "status"], name="job_reuse_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.analysis} {self.id} ({self.status})"

    @property
    def is_done(self) -> bool:
        """Whether the job has ended, well or badly."""
        return self.status in (JobStatus.FINISHED, JobStatus.FAILED)

    def _move(self, *, allowed: tuple[str, ...], **values: Any) -> bool:
        """Save a change of status only if the job is still in an allowed one; returns whether it moved.

        One conditional UPDATE: a job that ended stays ended, and a job starts at most once, whatever races.
        """
        # The job and the list's version in one transaction: one commit (and one WAL flush) instead of two.
        moved = JobListVersion.update_rows(Job.objects.filter(pk=self.pk, status__in=allowed), **values)
        if not moved:
            self.refresh_from_db()
            return False
        for name, value in values.items():
            setattr(self, name, value)
        return True

    def mark_started(self, *, data_version: int) -> bool:
        """Record that a worker picked the queued job up, and the version of the data it reads."""
        return self._move(
            allowed=(JobStatus.QUEUED,),
            status=JobStatus.STARTED,
            started_at=timezone.now(),
            data_version=data_version,
        )

    def mark_finished(self, *, result: Any = None, artefacts: dict[str, str] | None = None) -> bool:
        """Record the outcome of a successful run, unless the job ended meanwhile."""
        rows = result if isinstance(result, list) else [result]
        return self._move(
            allowed=(JobStatus.QUEUED, JobStatus.STARTED),
            status=JobStatus.FINISHED,
            result=result,
            columns=list(dict.fromkeys(key for row in rows if isinstance(row, dict) for key in row)),
            artefacts=artefacts or {},
            finished_at=timezone.now(),
        )

    @property
    def ordered_result(self) -> Any:
        """The result with each row's keys in the order the analysis gave them."""
        if isinstance(self.result, dict):
            return {column: self.result[column] for column in self.columns if column in self.result}
        if isinstance(self.result, list):
            return [{column: row[column] for column in self.columns if column in row} for row in self.result]
        return self.result

    def mark_failed(self, *, error: str, traceback: str = "") -> bool:
        """Record why the run failed, and where when known, unless the job ended meanwhile; no result is kept."""
        return self._move(
            allowed=(JobStatus.QUEUED, JobStatus.STARTED),
            status=JobStatus.FAILED,
            result=None,
            error=error,
            traceback=traceback,
            finished_at=timezone.now(),
        )


class JobListVersion(VersionCounter):
    """Moves on whenever a job is created, changes status or is deleted: the job list is cached by it."""
