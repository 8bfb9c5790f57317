"""Fault suite: a real gunicorn and a real worker on a private PostgreSQL and Redis that the suite starts itself,
under a steady load of reads and job submissions, while Redis stops for 20 s, while PostgreSQL is frozen for 20 s and
while the worker's main process is killed in the middle of a job. Prints what the clients saw; asserts that no accepted
job is lost or changes its end state, that no request hangs, and that the service recovers without restarting the web
server.

    pytest -m slow tests/test_faults.py -s
"""

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest

from config.database import GRACE_SECONDS
from conftest import SHARED_DATA_DIR, free_port, postgres_signal, wait_until

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
DATASET = Path(SHARED_DATA_DIR) / "mission_launches.csv"
# No request may take longer than this (gunicorn's and the statement timeouts are below it).
HUNG_AFTER = 30.0
# The web server's waits for PostgreSQL, short so that a frozen server costs each request little (libpq's least
# connect timeout is 2 s).
DB_STATEMENT_TIMEOUT, DB_CONNECT_TIMEOUT = 2, 2
# The longest a request may take on a frozen PostgreSQL: the health check of its reused connection and a new
# connection (each bounded by the connect timeout), one statement (its timeout and the watchdog's grace), and as much
# again queued behind a request of the other client on the same gunicorn worker, plus a margin for a busy machine.
FROZEN_DB_BOUND = 2 * (2 * DB_CONNECT_TIMEOUT + DB_STATEMENT_TIMEOUT + GRACE_SECONDS) + 3
READS = ("/api/launches/?page_size=20", "/help", "/healthz", "/readyz")
SUBMIT = "/api/jobs/?refresh=true"


def port(server: str) -> int:
    """FAULTS_<SERVER>_PORT when set (to keep to a range of ports), else a free port."""
    return int(os.environ.get(f"FAULTS_{server}_PORT") or free_port())


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL's programs refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    """A PostgreSQL cluster of the suite's own (initdb in a temporary folder), on a free port."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, port("PG")
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        subprocess.run(
            as_postgres([str(PG_BIN / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "-A", "trust"]),
            check=True,
            capture_output=True,
        )
        options = f"-p {self.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        # The server's output goes to a log file: an inherited pipe would keep pg_ctl's caller waiting.
        start = [str(PG_BIN / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "pg.log"), "-o", options]
        subprocess.run(
            as_postgres([*start, "-w", "start"]), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def signal_all(self, number: int) -> None:
        """Send every process of the cluster ``number`` (SIGSTOP freezes it, SIGCONT thaws it)."""
        postgres_signal(self.folder / "data", number)

    def stop(self) -> None:
        """Thaw the cluster (a failed test may leave it frozen) and stop it at once."""
        self.signal_all(signal.SIGCONT)
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"]
        subprocess.run(as_postgres(command), capture_output=True)


class PrivateRedis:
    """A redis-server of the suite's own with an append-only file, as compose and Kubernetes run it."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, port("REDIS")
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        """Start (or restart, reading its append-only file) and wait until it answers."""
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
        self.process = subprocess.Popen(
            [*command, "--save", "", "--appendonly", "yes", "--appendfsync", "always"], stdout=subprocess.DEVNULL
        )
        wait_until(lambda: self._answers(), what="redis-server")

    def _answers(self) -> bool:
        result = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)
        return result.stdout.strip() == "PONG"

    def stop(self) -> None:
        """Stop the server and wait for it to exit."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@dataclass
class Load:
    """Clients reading pages and submitting jobs in a loop; each answer's time, path, status and latency."""

    base: str
    answers: list[tuple[float, str, int, float]] = field(default_factory=list)
    accepted: set[str] = field(default_factory=set)
    stopping: threading.Event = field(default_factory=threading.Event)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        """One request; status 0 means no answer at all (connection refused or timed out)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=HUNG_AFTER + 5) as response:
                body, json_body = response.read(), response.headers.get_content_type() == "application/json"
                status, payload = response.status, json.loads(body) if json_body and body else {}
        except urllib.error.HTTPError as error:
            status, payload = error.code, {}
        except OSError:
            status, payload = 0, {}
        self.answers.append((started, path, status, time.monotonic() - started))
        return status, payload

    def submit(self) -> str | None:
        """Submit a job; its id when accepted."""
        status, payload = self.request("POST", SUBMIT, {"analysis": "organisations"})
        if status != 202:
            return None
        self.accepted.add(payload["id"])
        return payload["id"]

    def client(self, submit: bool) -> None:
        reads = itertools.cycle(READS)
        while not self.stopping.is_set():
            if submit:
                self.submit()
            else:
                self.request("GET", next(reads))
            time.sleep(0.05)

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.client, args=(i == 0,), daemon=True) for i in range(3)]
        for thread in threads:
            thread.start()
        return threads

    def report(self, name: str, since: float, until: float) -> list[tuple[float, str, int, float]]:
        """Print what the clients saw during a fault; returns those answers."""
        during = [answer for answer in self.answers if since <= answer[0] < until]
        latencies = sorted(answer[3] for answer in during)
        p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else 0.0
        errors = Counter(status for _, _, status, _ in during if not 200 <= status < 300)
        print(f"\n== {name} ==\nrequests: {len(during)}, non-2xx by status: {dict(errors)}, p99: {p99 * 1000:.0f} ms")
        return during


@pytest.fixture(scope="module")
def stack() -> Iterator[dict]:
    """PostgreSQL, Redis, the imported dataset, gunicorn and one worker, all private to the suite."""
    for program in ("redis-server", "redis-cli"):
        if shutil.which(program) is None:
            pytest.skip(f"needs {program}")
    if PG_BIN is None or not DATASET.is_file():
        pytest.skip("needs PostgreSQL's programs and the shared dataset")
    folder = Path(tempfile.mkdtemp(prefix="sma-faults-"))
    (folder / "redis").mkdir()
    postgres, redis_server = PrivatePostgres(folder), PrivateRedis(folder / "redis")
    web_port = port("WEB")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": postgres.url,
        "REDIS_URL": redis_server.url,
        "MEDIA_ROOT": str(folder / "media"),
        "API_THROTTLE_ANON": "none",
        "API_THROTTLE_USER": "none",
        "API_THROTTLE_JOB_SUBMIT": "none",
        "ANALYSIS_WORKER_HEARTBEAT": "1",
        "ANALYSIS_WORKER_DEAD_AFTER": "5",
        "ANALYSIS_WORKER_ALIVE_FILE": str(folder / "worker-alive"),
        "DB_STATEMENT_TIMEOUT": str(DB_STATEMENT_TIMEOUT),
        "DB_CONNECT_TIMEOUT": str(DB_CONNECT_TIMEOUT),
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*manage, "import_launches", str(DATASET)], cwd=ROOT, env=env, check=True, capture_output=True)
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{web_port}", "--workers", "2"]
    with (folder / "web.log").open("a") as log:
        web = subprocess.Popen([*gunicorn, "--timeout", "30"], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{web_port}"
    wait_until(lambda: Load(base).request("GET", "/healthz")[0] == 200, what="gunicorn")
    state = {"env": env, "base": base, "postgres": postgres, "redis": redis_server, "web": web, "workers": []}

    def worker_start() -> subprocess.Popen:
        command = [*manage, "rqworker", "analysis", "default"]
        with (folder / "worker.log").open("a") as log:
            worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        state["workers"].append(worker)
        # Up once it heartbeats: a fault must not hit a worker still starting.
        alive = folder / "worker-alive"
        alive.unlink(missing_ok=True)
        wait_until(lambda: alive.exists() or worker.poll() is not None, what="the worker to heartbeat")
        assert worker.poll() is None
        return worker

    state["worker_start"] = worker_start
    worker_start()
    yield state
    for process in [web, *state["workers"]]:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
    redis_server.stop()
    postgres.stop()
    print("web server log (tail):", (folder / "web.log").read_text()[-6000:], sep="\n")
    print("worker log (tail):", (folder / "worker.log").read_text()[-3000:], sep="\n")
    shutil.rmtree(folder, ignore_errors=True)


def job_status(load: Load, job_id: str) -> str:
    return load.request("GET", f"/api/jobs/{job_id}/")[1].get("status", "")


def job_error(load: Load, job_id: str) -> str:
    return load.request("GET", f"/api/jobs/{job_id}/")[1].get("error", "")


def settle(load: Load, job_ids: set[str], seconds: float = 60) -> dict[str, str]:
    """Wait until every job has ended; returns each one's end state, or fails naming those that did not end."""
    deadline = time.monotonic() + seconds
    while True:
        states = {job_id: job_status(load, job_id) for job_id in job_ids}
        unended = {job_id: state for job_id, state in states.items() if state not in ("finished", "failed")}
        if not unended:
            return states
        if time.monotonic() > deadline:
            pytest.fail(f"jobs that did not end within {seconds:.0f} s: {unended}")
        time.sleep(0.1)


def processes(stack: dict) -> set[int]:
    """The web server's master and workers and the job worker's main process: the same set means nothing restarted."""
    web = stack["web"].pid
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(web)], capture_output=True, text=True)
    running = [worker.pid for worker in stack["workers"] if worker.poll() is None]
    return {web, *(int(pid) for pid in children.stdout.split()), *running}


@dataclass
class FaultRun:
    """What the clients saw of one fault under load."""

    load: Load
    during: list[tuple[float, str, int, float]]
    before: set[str]  # jobs accepted before the fault began
    ended: dict[str, str]  # every accepted job's end state


def under_load(stack: dict, name: str, fault: Callable[[], None], repair: Callable[[], None]) -> FaultRun:
    """Run the load, hold the fault for 20 s, repair it, and wait for a new job to finish on the same processes.

    Prints the requests, the non-2xx answers by status and the p99 latency during the fault, and the time to recover.
    """
    started_with = processes(stack)
    load = Load(stack["base"])
    threads = load.run()
    time.sleep(3)
    before = set(load.accepted)
    fault_at = time.monotonic()
    fault()
    time.sleep(20)
    repair()
    back_at = time.monotonic()
    # Recovered: a job submitted now runs to its end on the same web server and worker.
    recovered = wait_until(load.submit, what="a job to be accepted again")
    wait_until(lambda: job_status(load, recovered) == "finished", what="a job to finish after the fault")
    recovered_at = time.monotonic()
    time.sleep(2)
    load.stopping.set()
    for thread in threads:
        thread.join(timeout=HUNG_AFTER + 10)

    during = load.report(name, fault_at, back_at)
    print(f"time to recover: {recovered_at - back_at:.1f} s after the repair")
    ended = settle(load, load.accepted)
    print(f"jobs accepted: {len(load.accepted)}, ended: {Counter(ended.values())}")
    assert processes(stack) == started_with
    assert max(latency for *_, latency in load.answers) < HUNG_AFTER
    assert {status for _, _, status, _ in during} <= {200, 202, 503}
    assert settle(load, load.accepted) == ended  # no end state changes later
    return FaultRun(load, during, before, ended)


def test_redis_stopped_for_20_seconds_under_load(stack):
    run = under_load(stack, "Redis stopped for 20 s", stack["redis"].stop, stack["redis"].start)
    # Every job accepted before the fault ran: the append-only file kept the queued ones.
    assert all(run.ended[job_id] == "finished" for job_id in run.before)


def test_postgres_frozen_for_20_seconds_under_load(stack):
    postgres = stack["postgres"]
    run = under_load(
        stack,
        "PostgreSQL frozen for 20 s",
        lambda: postgres.signal_all(signal.SIGSTOP),
        lambda: postgres.signal_all(signal.SIGCONT),
    )
    slowest = {path: max(a[3] for a in run.load.answers if a[1] == path) for path in (*READS, SUBMIT)}
    print("slowest answer (s):", {path: round(latency, 1) for path, latency in slowest.items()})
    hung = [answer for answer in run.load.answers if answer[3] >= FROZEN_DB_BOUND]
    print(f"requests past {FROZEN_DB_BOUND:.0f} s: {len(hung)}")
    # Each request ended by the database timeouts: none waited out the freeze.
    assert hung == []
    # The liveness probe touches no database: it kept answering, so no pod would be restarted.
    healthz = [status for _, path, status, _ in run.during if path == "/healthz"]
    assert healthz and set(healthz) == {200}
    # A job is accepted only once saved and queued: every one ran to its end after the thaw.
    failed = {job_id: job_error(run.load, job_id) for job_id, state in run.ended.items() if state != "finished"}
    assert failed == {}


def test_a_worker_killed_mid_job_fails_its_job_for_good_and_its_restart_runs_the_next(stack):
    load = Load(stack["base"])
    db = psycopg2.connect(stack["postgres"].url)
    db.cursor().execute("LOCK TABLE missions_launch IN ACCESS EXCLUSIVE MODE")
    status, payload = load.request("POST", SUBMIT, {"analysis": "organisations"})
    assert status == 202
    killed = payload["id"]
    wait_until(lambda: job_status(load, killed) == "started", what="the job to start")
    (worker,) = [worker for worker in stack["workers"] if worker.poll() is None]
    kill_at = time.monotonic()
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    db.rollback()
    db.close()
    wait_until(lambda: job_status(load, killed) == "failed", what="the killed job to be failed", seconds=30)
    seen_failed = time.monotonic() - kill_at
    # What a supervisor does: start the worker again.
    stack["worker_start"]()
    status, payload = load.request("POST", SUBMIT, {"analysis": "organisations"})
    assert status == 202
    wait_until(lambda: job_status(load, payload["id"]) == "finished", what="the resubmitted job to finish")
    recovered = time.monotonic() - kill_at
    print(f"\n== worker killed mid-job ==\nfailed after {seen_failed:.1f} s; recovered after {recovered:.1f} s")

    assert seen_failed < 30
    assert job_status(load, killed) == "failed"
