"""Jobs run by real ``manage.py rqworker`` processes on real Redis and PostgreSQL: results, failures, a worker
killed in the middle of a job, and Redis going down."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient
from rq.registry import FailedJobRegistry

from analysis import services
from analysis.models import Job, JobStatus

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
