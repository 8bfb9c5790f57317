"""API benchmark: gunicorn (2 workers) on PostgreSQL, measured with wrk.

1. The real mission_launches.csv in database ``sma_bench``: wrk -t2 -c16 on four URLs, requests/s with p50 and p99.
2. The same list requests on 1,000,000 launches (database ``sma_bench_1m``, made from bench/synthetic.py's file),
   then again one client at a time with the answer cache off, which is the latency of computing each answer.

    python bench/api.py [--duration 10] [--skip-large]

Needs PostgreSQL (BENCH_PG, default postgres://postgres@127.0.0.1:5432) and wrk (apt-get install wrk). Throttling is
off for the run, since wrk is one client asking as fast as it can.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
REAL_FILE = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared" / "data")) / "mission_launches.csv"
LARGE_FILE = ROOT / "var" / "bench" / "launches_1m.csv"
REAL_URLS = [
    "/api/launches/?page_size=100",
    "/api/launches/?organisation=SpaceX",
    "/api/organisations/",
    "/help",
]
LARGE_URLS = [
    "/api/launches/?page_size=100",
    "/api/launches/?organisation=SpaceX",
    "/api/launches/?organisation=CASC&year=2019",
    "/api/organisations/",
]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def database_url(base: str, name: str) -> str:
    return f"{base.rstrip('/')}/{name}"


def database_ensure(base: str, name: str) -> None:
    """Create the database if it does not exist."""
    connection = psycopg2.connect(database_url(base, "postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def launch_count(url: str) -> int:
    connection = psycopg2.connect(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('missions_launch') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT COUNT(*) FROM missions_launch")
        count = cursor.fetchone()[0]
    connection.close()
    return count


def analyze(url: str) -> None:
    """Dead rows of earlier loads cleared and fresh planner statistics, as autovacuum would leave them."""
    connection = psycopg2.connect(url)
    connection.autocommit = True  # VACUUM cannot run inside a transaction
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def database_load(base: str, name: str, source: Path, expected: int, env: dict[str, str]) -> str:
    """A database with the launches of ``source`` (imported once, reused on later runs)."""
    database_ensure(base, name)
    url = database_url(base, name)
    run_env = {**env, "DATABASE_URL": url}
    manage(run_env, "migrate", "--noinput")
    if launch_count(url) != expected:
        print(f"importing {source} into {name} ...", flush=True)
        started = time.perf_counter()
        manage(run_env, "clear_launches", "--yes")
        manage(run_env, "import_launches", str(source))
        print(f"  imported in {time.perf_counter() - started:.0f} s", flush=True)
    analyze(url)
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(url: str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """Start gunicorn with 2 workers on a free port and wait until it answers."""
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url},
    )
    address = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    subprocess.run(["curl", "-sf", "-o", "/dev/null", f"{address}/help"], check=True)
    return server, address


def wrk(address: str, path: str, duration: int, connections: int = 16) -> dict[str, float]:
    """Run wrk with latency percentiles; return requests/s, p50 and p99 in ms and non-2xx answers."""
    output = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency", address + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(percentile: str) -> float:
        value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def measure(title: str, url: str, paths: list[str], env: dict[str, str], duration: int, connections: int = 16) -> None:
    """Serve the database with gunicorn and run wrk on each path."""
    server, address = serve(url, env)
    try:
        # Warm both workers' connections and caches before measuring.
        subprocess.run(["wrk", "-t2", "-c4", "-d2s", address + paths[0]], capture_output=True, check=True)
        threads = min(2, connections)
        print(f"\n{title}: gunicorn 2 workers, wrk -t{threads} -c{connections} -d{duration}s")
        print(f"{'URL':<46} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for path in paths:
            result = wrk(address, path, duration, connections)
            print(
                f"{path:<46} {result['rps']:>8.1f} {result['p50']:>8.2f} {result['p99']:>8.2f} {result['errors']:>8}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL (default 10)")
    parser.add_argument("--skip-large", action="store_true", help="only the real data, not the 1,000,000 launches")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    args = parser.parse_args()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "API_THROTTLE_ANON": "none",
        "API_THROTTLE_USER": "none",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)

    url = database_load(args.pg, "sma_bench", REAL_FILE, 4323, env)
    measure("Real data (4,323 launches)", url, REAL_URLS, env, args.duration)
    if args.skip_large:
        return
    if not LARGE_FILE.is_file():
        print(f"\nwriting {LARGE_FILE} ...", flush=True)
        subprocess.run(
            [PYTHON, "bench/synthetic.py", "--source", str(REAL_FILE), "--rows", "1000000", "--out", str(LARGE_FILE)],
            cwd=ROOT,
            check=True,
        )
    url = database_load(args.pg, "sma_bench_1m", LARGE_FILE, 1_000_000, env)
    measure("1,000,000 launches", url, LARGE_URLS, env, args.duration)
    # The latency target is for computing an answer: one client at a time, with the answer cache off.
    uncached = {**env, "API_CACHE_SECONDS": "0"}
    measure("1,000,000 launches, answer cache off, one client", url, LARGE_URLS, uncached, args.duration, 1)


if __name__ == "__main__":
    main()
