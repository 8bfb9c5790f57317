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
import subprocess

from support import (
    LARGE_DATABASE,
    LARGE_ROWS,
    REAL_FILE,
    REAL_LAUNCHES,
    SERVER,
    database_load,
    gunicorn_start,
    large_file,
    wrk,
)

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


def measure(title: str, url: str, paths: list[str], env: dict[str, str], duration: int, connections: int = 16) -> None:
    """Serve the database with gunicorn and run wrk on each path."""
    server, address = gunicorn_start({**env, "DATABASE_URL": url}, workers=2, ready_path="/help")
    try:
        # Warm both workers' connections and caches before measuring.
        subprocess.run(["wrk", "-t2", "-c4", "-d2s", address + paths[0]], capture_output=True, check=True)
        threads = min(2, connections)
        print(f"\n{title}: gunicorn 2 workers, wrk -t{threads} -c{connections} -d{duration}s")
        print(f"{'URL':<46} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for path in paths:
            result = wrk(address, path, duration=duration, connections=connections)
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
    parser.add_argument("--pg", default=SERVER)
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

    url = f"{args.pg}/sma_bench"
    database_load(url, REAL_FILE, REAL_LAUNCHES, env)
    measure("Real data (4,323 launches)", url, REAL_URLS, env, args.duration)
    if args.skip_large:
        return
    url = f"{args.pg}/{LARGE_DATABASE}"
    database_load(url, large_file(), LARGE_ROWS, env)
    measure("1,000,000 launches", url, LARGE_URLS, env, args.duration)
    # The latency target is for computing an answer: one client at a time, with the answer cache off.
    uncached = {**env, "API_CACHE_SECONDS": "0"}
    measure("1,000,000 launches, answer cache off, one client", url, LARGE_URLS, uncached, args.duration, 1)


if __name__ == "__main__":
    main()
