"""The image's processes, started through docker/entrypoint.sh exactly as the containers start them."""

import json
import os
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis
from rq import Queue, Worker
from rq.job import JobStatus

from config.tests.conftest import ENTRYPOINT, REPO_DIR, stop_process
from config.tests.worker_jobs import marker_job
from conftest import free_port, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET, without following redirects or raising on 4xx/5xx."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def answers(url: str) -> bool:
    """Whether the server at ``url`` accepts connections and replies 200."""
    try:
        return http_get(url)[0] == 200
    except OSError:
        return False


def json_lines(output: str) -> list[dict]:
    """Every non-empty line of a process's stdout, each parsed as one JSON log record."""
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def entrypoint(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a one-shot command through the image's entry point and require it to succeed."""
    result = subprocess.run([str(ENTRYPOINT), *args], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def test_web_command_serves_readyz_once_migrated_and_503_when_redis_stops(
    production_env, empty_postgres_database, private_redis, tmp_path
):
    env = {
        **production_env,
        "DATABASE_URL": empty_postgres_database,
        "REDIS_URL": private_redis.url,
        "PORT": str(free_port()),
        "STATIC_ROOT": str(tmp_path / "static"),
        # As in k8s/configmap.yaml: TLS ends at the Ingress, which says so in X-Forwarded-Proto.
        "SECURE_PROXY_SSL_HEADER": "true",
    }
    # The image's build step, then its web command.
    entrypoint("python", "manage.py", "collectstatic", "--noinput", env=env)
    base = f"http://127.0.0.1:{env['PORT']}"
    log = tmp_path / "web.log"
    with log.open("w") as output:
        web = subprocess.Popen([str(ENTRYPOINT), "web"], env=env, stdout=output, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: answers(f"{base}/healthz") or web.poll() is not None, what="gunicorn", seconds=60)
        assert web.poll() is None, log.read_text()
        assert http_get(f"{base}/healthz")[::2] == (200, b'{"status": "ok"}')

        status, _, body = http_get(f"{base}/readyz")
        readiness = json.loads(body)
        assert status == 503
        assert readiness["status"] == "unavailable"
        assert readiness["checks"]["database"] == "ok"
        assert readiness["checks"]["redis"] == "ok"
        assert readiness["checks"]["migrations"].split(" ")[1] == "unapplied:"
        assert "missions.0001_initial" in readiness["checks"]["migrations"]

        # The migrate Job's command.
        entrypoint("python", "manage.py", "migrate", "--noinput", env=env)
        status, _, body = http_get(f"{base}/readyz")
        assert (status, json.loads(body)) == (
            200,
            {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "redis": "ok"}},
        )

        # Static files come from whitenoise, over HTTPS only, with HSTS.
        static = f"{base}/static/admin/css/base.css"
        assert http_get(static)[0] == 301
        status, headers, body = http_get(static, headers={"X-Forwarded-Proto": "https"})
        assert status == 200
        assert body == (tmp_path / "static" / "admin" / "css" / "base.css").read_bytes()
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"

        private_redis.stop()
        status, _, body = http_get(f"{base}/readyz")
        readiness = json.loads(body)
        assert status == 503
        assert readiness["status"] == "unavailable"
        assert readiness["checks"]["database"] == "ok"
        assert readiness["checks"]["migrations"] == "ok"
        assert readiness["checks"]["redis"] == "failed: ConnectionError"
    finally:
        stop_process(web)
    records = json_lines(log.read_text())
    assert {"gunicorn.error", "gunicorn.access"} <= {record["logger"] for record in records}
    assert any(record["message"].startswith('127.0.0.1 "GET /readyz HTTP/1.1" 503') for record in records)
    (failure,) = [record for record in records if record["message"] == "readiness check redis failed"]
    assert (failure["level"], failure["logger"]) == ("WARNING", "config.health")
    assert "Connection refused" in failure["exc_info"]


def test_worker_command_finishes_its_current_job_when_sent_sigterm(production_env, needs_redis, tmp_path):
    connection = redis.Redis.from_url(needs_redis)
    queue = Queue("analysis", connection=connection)
    job = queue.enqueue(marker_job, directory=str(tmp_path), job_timeout=300)
    log, errors = tmp_path / "worker.log", tmp_path / "worker.err"
    with log.open("w") as output, errors.open("w") as error_output:
        worker = subprocess.Popen(
            [str(ENTRYPOINT), "worker"],
            env={**production_env, "REDIS_URL": needs_redis},
            cwd=REPO_DIR,
            stdout=output,
            stderr=error_output,
        )
    try:
        wait_until(lambda: (tmp_path / "started").exists() or worker.poll() is not None, what="the job to start")
        assert worker.poll() is None, errors.read_text()

        # What Kubernetes and docker send to a container's main process when they stop it.
        worker.send_signal(signal.SIGTERM)
        (rq_worker,) = [w for w in Worker.all(queue=queue) if w.pid == worker.pid]
        wait_until(lambda: rq_worker.shutdown_requested_date, what="the worker to take note of SIGTERM")
        assert worker.poll() is None
        assert not (tmp_path / "finished").exists()

        (tmp_path / "release").touch()
        assert worker.wait(timeout=120) == 0
    finally:
        stop_process(worker)
        connection.close()
    assert (tmp_path / "finished").read_text() == "finished"
    job.refresh()
    assert job.get_status() == JobStatus.FINISHED
    assert job.return_value() == "finished"
    # The worker's own log, one JSON record per line: the job completed between the request and the stop.
    messages = [record["message"] for record in json_lines(log.read_text())]

    def position(text: str) -> int:
        return next(index for index, message in enumerate(messages) if text in message)

    assert position("warm shut down requested") < position(f"Job OK ({job.id})") < position("stopping on request")


def test_entrypoint_runs_other_commands_as_given(production_env):
    result = entrypoint("python", "-c", "import os; print(os.getcwd())", env=production_env)
    assert Path(result.stdout.strip()) == REPO_DIR


def test_worker_alive_holds_while_the_worker_runs_and_fails_once_it_stops(production_env, needs_redis, tmp_path):
    alive_file = tmp_path / "alive"
    env = {
        **production_env,
        "REDIS_URL": needs_redis,
        "ANALYSIS_WORKER_ALIVE_FILE": str(alive_file),
        "ANALYSIS_WORKER_HEARTBEAT": "1",
    }

    def alive() -> int:
        return subprocess.run([str(ENTRYPOINT), "worker-alive"], env=env, timeout=30).returncode

    assert alive() == 1
    worker = subprocess.Popen(
        [str(ENTRYPOINT), "worker"], env=env, cwd=REPO_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until(lambda: alive_file.exists() or worker.poll() is not None, what="the liveness file")
        assert worker.poll() is None
        assert alive() == 0
    finally:
        worker.kill()
        worker.wait()
    # A minute and more without a touch: the worker is reported dead.
    stale = alive_file.stat().st_mtime - 61
    os.utime(alive_file, (stale, stale))
    assert alive() == 1
