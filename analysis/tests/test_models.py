"""A job changes state only through its own methods."""

import pytest

from analysis.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def test_a_new_job_is_queued_with_no_times_set():
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")

    assert (job.status, job.started_at, job.finished_at, job.is_done) == (JobStatus.QUEUED, None, None, False)


def test_mark_started_records_the_time_and_data_version():
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")

    job.mark_started(data_version=7)

    job.refresh_from_db()
    assert (job.status, job.data_version, job.started_at is not None) == (JobStatus.STARTED, 7, True)


def test_mark_finished_keeps_the_result_with_prices_as_numbers():
    from decimal import Decimal

    job = Job.objects.create(analysis="organisations", params={}, params_key="k")

    job.mark_finished(result={"total_price": Decimal("5444.00")})

    job.refresh_from_db()
    assert (job.status, job.result, job.is_done) == (JobStatus.FINISHED, {"total_price": 5444.0}, True)


def test_mark_failed_records_the_error_and_drops_any_result():
    job = Job.objects.create(analysis="organisations", params={}, params_key="k", result=[1])

    job.mark_failed(error="KeyError: 'x'")

    job.refresh_from_db()
    assert (job.status, job.error, job.result, job.finished_at is not None) == (
        JobStatus.FAILED,
        "KeyError: 'x'",
        None,
        True,
    )


def test_a_finished_job_stays_finished():
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    job.mark_finished(result=[{"organisation": "SpaceX", "launch_count": 3}])
    stale = Job.objects.get(pk=job.pk)

    assert stale.mark_failed(error="The worker stopped") is False

    job.refresh_from_db()
    assert (job.status, job.error, job.result) == (
        JobStatus.FINISHED,
        "",
        [{"organisation": "SpaceX", "launch_count": 3}],
    )


def test_a_failed_job_stays_failed_when_a_late_run_finishes():
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    late_run = Job.objects.get(pk=job.pk)
    job.mark_failed(error="The worker stopped")

    assert late_run.mark_finished(result=[]) is False

    job.refresh_from_db()
    assert (job.status, job.error, job.result) == (JobStatus.FAILED, "The worker stopped", None)
    assert late_run.status == JobStatus.FAILED


def test_a_job_starts_once():
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    second = Job.objects.get(pk=job.pk)

    assert job.mark_started(data_version=1) is True
    assert second.mark_started(data_version=2) is False

    job.refresh_from_db()
    assert (job.status, job.data_version) == (JobStatus.STARTED, 1)
