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
