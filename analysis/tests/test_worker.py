"""Jobs run by real ``manage.py rqworker`` processes on real Redis and PostgreSQL: results, failures, a worker
killed in the middle of a job, and Redis going down."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient
from rq.registry import FailedJobRegistry
from rq.utils import utcformat
from rq.worker import Worker

from analysis import services
from analysis.models import Job, JobStatus
from conftest import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

WORKER = [sys.executable, "manage.py", "rqworker", "analysis", "default"]


@pytest.fixture
def worker_env(postgres, needs_redis, few_launches, analysis_queue, media) -> dict[str, str]:
    """The environment of a worker process: the test database, the same Redis and MEDIA_ROOT."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "REDIS_URL": settings.REDIS_URL, "MEDIA_ROOT": str(media)}


def run_burst(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a worker until the queues are empty."""
    return subprocess.run(
        [*WORKER, "--burst"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def submit(client: APIClient, payload: dict, query: str = "") -> dict:
    """POST a job; in a transactional test the row is committed and enqueued at once."""
    response = client.post(f"/api/jobs/{query}", payload, format="json")
    assert response.status_code == 202, response.content
    return response.json()


def test_a_worker_runs_submitted_jobs_and_their_results_can_be_fetched(worker_env, client):
    cost = submit(client, {"analysis": "total_cost_by_organisation", "params": {"organisation": "SpaceX"}})
    export = submit(client, {"analysis": "launches", "params": {"organisation": "OKB-586"}})

    worker = run_burst(worker_env)

    assert worker.returncode == 0, worker.stderr
    assert client.get(cost["url"]).json()["result"] == {
        "organisation": "SpaceX",
        "launch_count": 3,
        "priced_launch_count": 2,
        "total_price": 112.0,
        "mean_price": 56.0,
        "median_price": 56.0,
    }
    csv_file = client.get(f"{export['url']}result/?format=csv")
    assert b"".join(csv_file.streaming_content).decode().splitlines()[1] == (
        '1962-10-06T13:30:00+00:00,minute,OKB-586,"Site 41/1, Plesetsk Cosmodrome, Russia",Russia,'
        "Kosmos-2I,retired,DS-1,Success,"
    )


def test_a_failing_job_is_marked_failed_and_the_worker_goes_on(worker_env, client, analysis_queue):
    broken = Job.objects.create(analysis="rockets_by_organisation", params={"organisation": "Acme"}, params_key="k")
    services.job_enqueue(job=broken)
    healthy = submit(client, {"analysis": "organisations"})

    worker = run_burst(worker_env)

    assert worker.returncode == 0, worker.stderr
    broken.refresh_from_db()
    assert (broken.status, broken.error) == (
        JobStatus.FAILED,
        "InvalidParams: The parameters no longer hold: organisation: Unknown organisation 'Acme'.",
    )
    assert "Traceback (most recent call last):" in broken.traceback
    assert str(broken.pk) in FailedJobRegistry(queue=analysis_queue).get_job_ids()
    assert client.get(healthy["url"]).json()["status"] == "finished"


def wait_for_status(job_id: str, status: str, seconds: float = 60) -> None:
    """Poll the database until the job reaches a status."""
    deadline = time.monotonic() + seconds
    while Job.objects.get(pk=job_id).status != status:
        assert time.monotonic() < deadline, f"job {job_id} never became {status}"
        time.sleep(0.1)


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is ``parent``, read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return children


def table_locked():
    """A connection holding the launches table locked, which holds an analysis mid-query until it is closed."""
    db = connection.settings_dict
    blocker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432)
    blocker.cursor().execute("LOCK TABLE missions_launch IN ACCESS EXCLUSIVE MODE")
    return blocker


def test_a_job_of_a_killed_worker_ends_failed_and_can_be_run_again(worker_env, client):
    # A lock on the launches table holds the analysis mid-query, so that the worker dies while running it.
    db = connection.settings_dict
    blocker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432)
    try:
        blocker.cursor().execute("LOCK TABLE missions_launch IN ACCESS EXCLUSIVE MODE")
        job = submit(client, {"analysis": "organisations"})
        worker = subprocess.Popen(
            WORKER,
            cwd=settings.BASE_DIR,
            env=worker_env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_status(job["id"], JobStatus.STARTED)
        # The work-horse runs in a session of its own: kill it with its worker, as when a container is killed.
        for pid in [worker.pid, *child_pids(worker.pid)]:
            os.kill(pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        blocker.rollback()
        blocker.close()

    failed = client.get(job["url"]).json()
    again = submit(client, {"analysis": "organisations"})
    rerun = run_burst(worker_env)

    assert failed["status"] == "failed"
    assert failed["error"].startswith("The worker ")
    assert failed["error"].endswith(" stopped while running the job; submit it again.")
    assert rerun.returncode == 0, rerun.stderr
    assert again["id"] != job["id"]
    assert client.get(again["url"]).json()["result"] == [
        {"organisation": "OKB-586", "launch_count": 1},
        {"organisation": "SpaceX", "launch_count": 3},
        {"organisation": "i-Space", "launch_count": 1},
    ]


def test_with_redis_stopped_submission_answers_503_and_the_data_endpoints_keep_answering(
    few_launches, client, settings, private_redis
):
    settings.RQ_QUEUES = {name: {"URL": private_redis.url, "DEFAULT_TIMEOUT": 60} for name in ("default", "analysis")}
    private_redis.stop()

    response = client.post("/api/jobs/", {"analysis": "organisations"}, format="json")

    assert response.status_code == 503
    assert response.json() == {
        "detail": "The job queue is unavailable; the job was not queued. Try again later.",
        "errors": {},
    }
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The job queue is unavailable: Error 111 connecting to 127.0.0.1:")
    assert client.get(f"/api/jobs/{job.pk}/").json()["status"] == "failed"
    assert client.get("/api/launches/").json()["count"] == 5
    assert client.get("/api/organisations/").status_code == 200


def test_killing_only_the_worker_process_ends_its_job_for_good(worker_env, client):
    blocker = table_locked()
    try:
        job = submit(client, {"analysis": "organisations"})
        worker = subprocess.Popen(
            WORKER, cwd=settings.BASE_DIR, env=worker_env, start_new_session=True, stderr=subprocess.DEVNULL
        )
        wait_for_status(job["id"], JobStatus.STARTED)
        spawned = child_pids(worker.pid)
        # Only the worker's own process, as when its main process alone is killed.
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        # Nothing of the worker is left to run the job on and record an outcome later.
        assert [pid for pid in spawned if Path(f"/proc/{pid}").exists()] == []
        failed = client.get(job["url"]).json()
    finally:
        blocker.rollback()
        blocker.close()

    again = submit(client, {"analysis": "organisations"})
    rerun = run_burst(worker_env)

    assert rerun.returncode == 0, rerun.stderr
    assert failed["status"] == "failed"
    assert failed["error"].endswith(" stopped while running the job; submit it again.")
    assert client.get(again["url"]).json()["status"] == "finished"
    # The killed run stays failed: no other process took it up.
    assert Job.objects.get(pk=job["id"]).status == JobStatus.FAILED


@pytest.fixture
def elsewhere(analysis_queue, needs_redis) -> Iterator[Worker]:
    """A worker registered by another host, unregistered after the test."""
    worker = Worker([analysis_queue], name=f"elsewhere-{uuid.uuid4().hex}", connection=analysis_queue.connection)
    worker.register_birth()
    analysis_queue.connection.hset(worker.key, "hostname", "another-pod")
    yield worker
    worker.register_death()


def started_by(worker: Worker, queue, job_id: str, *, heartbeat_age: float) -> None:
    """Record in Redis that ``worker`` runs the job and last heartbeat ``heartbeat_age`` seconds ago."""
    beat = timezone.now() - timedelta(seconds=heartbeat_age)
    queue.connection.hset(worker.key, "last_heartbeat", utcformat(beat))
    queued = queue.enqueue("analysis.jobs.job_perform", job_id, job_id=job_id)
    with queue.connection.pipeline() as pipeline:
        queued.prepare_for_execution(worker.name, pipeline=pipeline)
        pipeline.execute()


def test_a_job_of_a_worker_on_another_host_that_stopped_heartbeating_is_failed(analysis_queue, elsewhere, settings):
    settings.ANALYSIS_WORKER_DEAD_AFTER = 20
    silent = Job.objects.create(analysis="organisations", params={}, params_key="k")
    silent.mark_started(data_version=0)
    started_by(elsewhere, analysis_queue, str(silent.pk), heartbeat_age=21)

    services.job_reconcile(job=silent)

    assert (silent.status, silent.error) == (
        JobStatus.FAILED,
        f"The worker {elsewhere.name} stopped while running the job; submit it again.",
    )


def test_a_job_of_a_worker_on_another_host_that_heartbeats_stays_started(analysis_queue, elsewhere, settings):
    settings.ANALYSIS_WORKER_DEAD_AFTER = 20
    running = Job.objects.create(analysis="organisations", params={}, params_key="k")
    running.mark_started(data_version=0)
    started_by(elsewhere, analysis_queue, str(running.pk), heartbeat_age=2)

    services.job_reconcile(job=running)

    running.refresh_from_db()
    assert running.status == JobStatus.STARTED


def test_a_busy_worker_survives_redis_dropping_and_takes_jobs_once_it_is_back(
    worker_env, client, settings, private_redis, tmp_path
):
    settings.RQ_QUEUES = {name: {"URL": private_redis.url, "DEFAULT_TIMEOUT": 60} for name in ("default", "analysis")}
    log = tmp_path / "worker.log"
    blocker = table_locked()
    with log.open("w") as output:
        worker = subprocess.Popen(
            WORKER, cwd=settings.BASE_DIR, env={**worker_env, "REDIS_URL": private_redis.url}, stderr=output
        )
    try:
        first = submit(client, {"analysis": "organisations"})
        wait_for_status(first["id"], JobStatus.STARTED)
        private_redis.stop()
        blocker.rollback()  # the job finishes while Redis is down
        wait_for_status(first["id"], JobStatus.FINISHED)
        wait_until(lambda: "waiting for it" in log.read_text(), what="the worker to notice Redis is gone")
        private_redis.start()
        second = submit(client, {"analysis": "organisations"}, "?refresh=true")
        wait_for_status(second["id"], JobStatus.FINISHED)
        assert worker.poll() is None, log.read_text()
    finally:
        blocker.close()
        worker.terminate()
        worker.wait(timeout=30)


def test_a_job_past_its_timeout_fails_and_the_worker_goes_on(worker_env, client, analysis_queue):
    slow = analysis_queue.enqueue("time.sleep", 30, job_timeout=1)
    healthy = submit(client, {"analysis": "organisations"})

    worker = run_burst(worker_env)

    assert worker.returncode == 0, worker.stderr
    assert slow.id in FailedJobRegistry(queue=analysis_queue).get_job_ids()
    assert "JobTimeoutException" in slow.latest_result().exc_string
    assert client.get(healthy["url"]).json()["status"] == "finished"


def test_a_job_statement_past_the_job_statement_timeout_fails_the_job(worker_env, client):
    blocker = table_locked()
    try:
        job = submit(client, {"analysis": "organisations"})
        worker = run_burst({**worker_env, "JOB_STATEMENT_TIMEOUT": "1"})
    finally:
        blocker.rollback()
        blocker.close()

    assert worker.returncode == 0, worker.stderr
    failed = Job.objects.get(pk=job["id"])
    assert failed.status == JobStatus.FAILED
    assert failed.error.startswith("OperationalError: canceling statement due to statement timeout")
