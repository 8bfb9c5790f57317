"""What the benchmarks share: their databases and files, management commands, a gunicorn server and wrk."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REAL_FILE = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared" / "data")) / "mission_launches.csv"
REAL_LAUNCHES = 4323
LARGE_FILE = ROOT / "var" / "bench" / "launches_1m.csv"
LARGE_ROWS = 1_000_000
# The database of LARGE_FILE's launches that bench/import.py leaves behind and the other benchmarks read.
LARGE_DATABASE = "sma_bench_1m"
LARGE_DATABASE_URL = os.environ.get("BENCH_1M_DATABASE_URL", f"{SERVER}/{LARGE_DATABASE}")
GUNICORN_CONFIG = ROOT / "docker" / "gunicorn.conf.py"
WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def large_file(path: Path = LARGE_FILE, rows: int = LARGE_ROWS) -> Path:
    """The synthetic file in the Kaggle format, written from the real rows the first time it is asked for."""
    if not path.is_file():
        print(f"writing {path} ...", flush=True)
        command = [sys.executable, "bench/synthetic.py", "--source", str(REAL_FILE), "--rows", str(rows)]
        subprocess.run([*command, "--out", str(path)], cwd=ROOT, check=True)
    return path


def database_ensure(url: str) -> None:
    """Create the database of a URL if it does not exist yet."""
    server, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def launch_count(url: str) -> int:
    """How many launches the database of a URL holds (0 if it or its tables do not exist)."""
    try:
        connection = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return 0
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('missions_launch') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return 0
            cursor.execute("SELECT count(*) FROM missions_launch")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def manage(env: dict[str, str], *args: str) -> None:
    """Run a management command in a child process."""
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def database_load(url: str, source: Path, expected: int, env: dict[str, str]) -> None:
    """Make the database of a URL hold the launches of ``source``: imported once, reused by later runs."""
    database_ensure(url)
    run_env = {**env, "DATABASE_URL": url}
    manage(run_env, "migrate", "--noinput")
    if launch_count(url) != expected:
        print(f"importing {source} into {url} ...", flush=True)
        started = time.perf_counter()
        manage(run_env, "clear_launches", "--yes")
        manage(run_env, "import_launches", str(source), "--verbosity", "0")
        print(f"  imported in {time.perf_counter() - started:.0f} s", flush=True)
    # Dead rows of earlier loads cleared and fresh planner statistics, as autovacuum would leave them.
    connection = psycopg2.connect(url)
    connection.autocommit = True  # VACUUM cannot run inside a transaction
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()


def free_port() -> int:
    """BENCH_PORT, or else a port that no one listens on."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a port of an earlier run may be in TIME_WAIT
        probe.bind(("127.0.0.1", int(os.environ.get("BENCH_PORT", "0"))))
        return probe.getsockname()[1]


def gunicorn_start(env: dict[str, str], *, workers: int, ready_path: str) -> tuple[subprocess.Popen, str]:
    """gunicorn on BENCH_PORT, or else a free port; returns once ``ready_path`` answers."""
    port = free_port()
    command = ["-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    server = subprocess.Popen([sys.executable, *command, "--log-level", "warning"], cwd=ROOT, env=env)
    return server, server_ready(server, f"http://127.0.0.1:{port}", ready_path)


def production_env(database_url: str, redis_url: str) -> dict[str, str]:
    """The environment of the production settings as a deployment gives it, on plain HTTP and without throttles
    (a benchmark is one client asking as fast as it can)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "API_THROTTLE_ANON": "none",
        "API_THROTTLE_USER": "none",
        "API_THROTTLE_JOB_SUBMIT": "none",
    }


def production_serve(env: dict[str, str], port: int, app: str | None = None) -> tuple[subprocess.Popen, str]:
    """gunicorn with the production configuration (docker/gunicorn.conf.py) on ``port``, its log written away as a
    container's is; ``app`` in place of the project's when given. Returns it and its address once it answers."""
    command = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG), *([app] if app else [])]
    server = subprocess.Popen(
        command, cwd=ROOT, env={**env, "PORT": str(port)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return server, server_ready(server, f"http://127.0.0.1:{port}", "/help")


def server_ready(server: subprocess.Popen, address: str, path: str) -> str:
    """Wait until ``path`` answers (30 s at most) and return the server's address; stop the server if it does not."""
    for _ in range(300):
        try:
            urllib.request.urlopen(address + path, timeout=1).read()
            return address
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the web server did not start")


def wrk(address: str, path: str, *, duration: int, connections: int = 16) -> dict[str, float]:
    """Run wrk with latency percentiles; return requests/s, p50 and p99 in ms and non-2xx answers."""
    output = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency", address + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(percentile: str) -> float:
        value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * WRK_UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }
