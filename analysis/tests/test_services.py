"""Submitting, running, reusing, reconciling and deleting jobs."""

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rq.job import Job as QueueJob

from analysis import services
from analysis.models import Job, JobStatus
from analysis.registry import ANALYSES
from core.forms import InvalidParams
from missions.models import DataVersion

pytestmark = pytest.mark.django_db


def test_job_create_enqueues_only_after_the_row_is_committed(
    few_launches, analysis_queue, needs_redis, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = services.job_create(analysis="organisations", params={})
        assert analysis_queue.job_ids == []
    for callback in callbacks:
        callback()

    assert submission.reused is False
    assert submission.job.status == JobStatus.QUEUED
    assert analysis_queue.job_ids == [str(submission.job.pk)]


def test_a_queued_job_runs_to_its_result(few_launches, analysis_queue, django_capture_on_commit_callbacks, work):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_create(analysis="organisations", params={}).job

    work(analysis_queue)

    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED
    assert job.result == [
        {"organisation": "OKB-586", "launch_count": 1},
        {"organisation": "SpaceX", "launch_count": 3},
        {"organisation": "i-Space", "launch_count": 1},
    ]
    assert job.started_at <= job.finished_at


@pytest.fixture
def finished_spending_job(few_launches) -> Job:
    """A finished job of spending per year, computed on the current data."""
    params = {"group_by": "year"}
    job = Job.objects.create(
        analysis="spending",
        params=params,
        params_key=services.params_key(params=params),
        data_version=services.data_version(),
    )
    job.mark_finished(result=[])
    return job


def test_the_same_analysis_on_unchanged_data_answers_the_finished_job(finished_spending_job):
    first = finished_spending_job

    again = services.job_create(analysis="spending", params={"group_by": "year"})

    assert (again.reused, again.job.pk) == (True, first.pk)


def test_refresh_or_changed_data_runs_the_analysis_again(finished_spending_job):
    first = finished_spending_job
    params = {"group_by": "year"}

    refreshed = services.job_create(analysis="spending", params=params, refresh=True)
    DataVersion.bump()
    after_import = services.job_create(analysis="spending", params=params)

    assert refreshed.reused is False and refreshed.job.pk != first.pk
    assert after_import.reused is False and after_import.job.pk not in {first.pk, refreshed.job.pk}


def test_a_failing_analysis_marks_its_job_failed_with_its_traceback_and_raises(few_launches, monkeypatch):
    broken = dataclasses.replace(ANALYSES["organisations"], run=lambda: 1 / 0)  # fails as a broken analysis would
    monkeypatch.setitem(ANALYSES, "organisations", broken)
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")

    with pytest.raises(ZeroDivisionError):
        services.job_run(job_id=str(job.pk))

    job.refresh_from_db()
    assert (job.status, job.error, job.result) == (JobStatus.FAILED, "ZeroDivisionError: division by zero", None)
    assert job.traceback.startswith("Traceback (most recent call last):")
    assert job.traceback.rstrip().endswith("ZeroDivisionError: division by zero")


def test_a_job_whose_parameters_no_longer_hold_fails_naming_them(few_launches):
    job = Job.objects.create(analysis="rockets_by_organisation", params={"organisation": "Acme"}, params_key="k")

    with pytest.raises(InvalidParams):
        services.job_run(job_id=str(job.pk))

    job.refresh_from_db()
    assert (job.status, job.error) == (
        JobStatus.FAILED,
        "InvalidParams: The parameters no longer hold: organisation: Unknown organisation 'Acme'.",
    )


def test_a_job_of_an_unknown_analysis_fails():
    job = Job.objects.create(analysis="horoscope", params={}, params_key="k")

    with pytest.raises(LookupError):
        services.job_run(job_id=str(job.pk))

    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "LookupError: Unknown analysis 'horoscope'.")


@pytest.mark.parametrize("status", [JobStatus.STARTED, JobStatus.FAILED])
def test_a_job_that_another_run_started_or_that_ended_is_not_run_again(few_launches, monkeypatch, status):
    broken = dataclasses.replace(ANALYSES["organisations"], run=lambda: 1 / 0)  # would fail the job if it ran
    monkeypatch.setitem(ANALYSES, "organisations", broken)
    job = Job.objects.create(analysis="organisations", params={}, params_key="k", status=status, error="earlier")

    services.job_run(job_id=str(job.pk))

    job.refresh_from_db()
    assert (job.status, job.error) == (status, "earlier")


def test_a_job_deleted_before_it_ran_is_skipped():
    services.job_run(job_id="5b3a4f5e-0000-4000-8000-000000000000")

    assert Job.objects.count() == 0


def test_a_file_analysis_stores_one_file_per_format(few_launches, media):
    job = Job.objects.create(analysis="launches", params={"organisation": "SpaceX"}, params_key="k")

    services.job_run(job_id=str(job.pk))

    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED
    assert job.result == {"launch_count": 3, "filters": {"organisation": "SpaceX"}}
    assert job.artefacts == {"csv": f"analysis/{job.pk}/launches.csv", "json": f"analysis/{job.pk}/launches.json"}
    csv_lines = (Path(media) / job.artefacts["csv"]).read_text().splitlines()
    assert (
        csv_lines[0]
        == "launched_at,time_precision,organisation,location,country,rocket,rocket_status,mission,mission_status,price"
    )
    assert (
        csv_lines[1] == '2008-03-24T21:30:00+00:00,minute,SpaceX,"SLC-40, Cape Canaveral AFS, Florida, USA",USA,'
        "Falcon 1,retired,Trailblazer,Failure,"
    )
    assert len(csv_lines) == 4


def test_job_delete_and_jobs_clear_remove_the_files(few_launches, media):
    jobs = [Job.objects.create(analysis="launches", params={}, params_key="k") for _ in range(2)]
    for job in jobs:
        services.job_run(job_id=str(job.pk))
        job.refresh_from_db()
    files = [Path(media) / name for job in jobs for name in job.artefacts.values()]
    assert all(path.exists() for path in files)

    services.job_delete(job=jobs[0])
    assert [path.exists() for path in files] == [False, False, True, True]
    assert services.jobs_clear() == 1

    assert Job.objects.count() == 0
    assert not any(path.exists() for path in files)
    # Each job's folder goes with its files.
    assert list((Path(media) / "analysis").iterdir()) == []


def test_reconcile_fails_a_started_job_that_the_queue_lost(analysis_queue, needs_redis):
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    job.mark_started(data_version=0)

    services.job_reconcile(job=job)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "The job queue lost this job (Redis was emptied or restarted); submit it again."


def test_reconcile_gives_a_just_saved_job_time_to_reach_the_queue(analysis_queue, needs_redis, settings):
    settings.ANALYSIS_JOB_LOST_AFTER = 60
    young = Job.objects.create(analysis="organisations", params={}, params_key="k")
    old = Job.objects.create(
        analysis="organisations", params={}, params_key="k", created_at=timezone.now() - timedelta(seconds=61)
    )

    services.jobs_reconcile()

    young.refresh_from_db()
    old.refresh_from_db()
    assert (young.status, old.status) == (JobStatus.QUEUED, JobStatus.FAILED)


def test_reconcile_reports_what_the_queue_recorded_for_a_failed_job(analysis_queue, needs_redis):
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    queued = analysis_queue.enqueue("analysis.jobs.job_perform", str(job.pk), job_id=str(job.pk))
    with analysis_queue.connection.pipeline() as pipeline:
        queued.set_status("failed", pipeline=pipeline)
        pipeline.execute()

    services.job_reconcile(job=job)

    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "The worker failed the job: failed")
    assert QueueJob.fetch(str(job.pk), connection=analysis_queue.connection).get_status() == "failed"


def test_reconcile_queues_again_a_job_that_a_worker_took_from_the_queue_but_never_started(
    analysis_queue, needs_redis, monkeypatch
):
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    services.job_enqueue(job=job)
    # What a worker that loses Redis between taking the job and starting it leaves: RQ's job queued, in no list.
    assert analysis_queue.connection.lpop(analysis_queue.key).decode() == str(job.pk)
    services.job_reconcile(job=job)
    assert analysis_queue.job_ids == []  # too soon to tell from a worker about to start it
    monkeypatch.setattr(services, "DROPPED_AFTER", timedelta(0))

    services.job_reconcile(job=job)
    services.job_reconcile(job=job)

    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert analysis_queue.job_ids == [str(job.pk)]  # once, however often it is reconciled


def test_enqueue_with_redis_down_fails_the_job_and_says_so(settings, private_redis):
    settings.RQ_QUEUES = {name: {"URL": private_redis.url, "DEFAULT_TIMEOUT": 60} for name in ("default", "analysis")}
    private_redis.stop()
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")

    with pytest.raises(services.JobQueueUnavailable):
        services.job_enqueue(job=job)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The job queue is unavailable: Error 111 connecting to 127.0.0.1:")


def test_reconcile_jobs_command_fails_abandoned_jobs(analysis_queue, needs_redis):
    from io import StringIO

    from django.core.management import call_command

    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    job.mark_started(data_version=0)
    out = StringIO()

    call_command("reconcile_jobs", stdout=out)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert out.getvalue() == "1 abandoned job(s) marked failed\n"


def test_on_the_embedded_default_a_job_runs_in_process_at_submission(
    few_launches, settings, django_capture_on_commit_callbacks
):
    import fakeredis

    pool = fakeredis.FakeStrictRedis(server=fakeredis.FakeServer()).connection_pool
    embedded = {"HOST": "localhost", "PORT": 6379, "ASYNC": False, "REDIS_CLIENT_KWARGS": {"connection_pool": pool}}
    settings.RQ_QUEUES = {"default": embedded, "analysis": embedded}

    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_create(analysis="organisations", params={}).job

    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED
    assert [row["organisation"] for row in job.result] == ["OKB-586", "SpaceX", "i-Space"]
