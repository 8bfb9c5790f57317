"""Web benchmark: the production web server configuration (docker/gunicorn.conf.py, production settings, Redis)
on the real data, against a bare WSGI app under the same configuration in the same run.

For each job count (1,000 then 100,000 finished jobs in the database), wrk -t2 -c16 on /help, /jobs, /api/jobs/ and
/api/launches/, printing req/s, p50, p99, non-2xx and the ratio to the bare app's req/s, measured just before and
just after those figures; then the medians of the runs.

    python bench/web.py [--duration 10] [--jobs 1000,100000] [--runs 3] [--port 8150]

Needs PostgreSQL (BENCH_PG, default postgres://postgres@127.0.0.1:5432), Redis (BENCH_REDIS, default
redis://127.0.0.1:6379/0) and wrk. Throttling is off: wrk is one client asking as fast as it can.
"""

import argparse
import os
import statistics
import subprocess

import psycopg2
from support import (
    GUNICORN_CONFIG,
    REAL_FILE,
    REAL_LAUNCHES,
    ROOT,
    SERVER,
    database_load,
    production_env,
    production_serve,
    wrk,
)

PATHS = ["/help", "/jobs", "/api/jobs/", "/api/launches/"]


def jobs_fill(url: str, count: int) -> None:
    """Make the database hold exactly ``count`` finished jobs."""
    connection = psycopg2.connect(url)
    with connection, connection.cursor() as cursor:
        cursor.execute("DELETE FROM analysis_job")
        cursor.execute(
            """
            INSERT INTO analysis_job (id, analysis, params, params_key, status, result, columns, artefacts, error,
                                      traceback, data_version, created_at, started_at, finished_at)
            SELECT md5(n::text)::uuid, 'launches_by_year', '{}', md5(n::text), 'finished', '[]', '[]', '{}', '', '',
                   1, now() - n * interval '1 second', now() - n * interval '1 second',
                   now() - n * interval '1 second'
            FROM generate_series(1, %s) AS n
            """,
            [count],
        )
        # As the application does on every change of the jobs: answers cached for the previous jobs are not reused.
        cursor.execute(
            """
            INSERT INTO analysis_joblistversion (id, number, changed_at) VALUES (1, 1, now())
            ON CONFLICT (id) DO UPDATE SET number = analysis_joblistversion.number + 1, changed_at = now()
            """
        )
    with connection.cursor() as cursor:
        connection.autocommit = True
        cursor.execute("VACUUM ANALYZE analysis_job")
    connection.close()


def measure(env: dict[str, str], port: int, paths: list[str], duration: int, app: str | None = None) -> dict:
    """Requests/s and latencies of each path, on a freshly started and warmed server."""
    server, address = production_serve(env, port, app)
    try:
        for path in paths:
            subprocess.run(["wrk", "-t2", "-c16", "-d1s", address + path], capture_output=True, check=True)
        return {path: wrk(address, path, duration=duration, connections=16) for path in paths}
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL (default 10)")
    parser.add_argument("--jobs", default="1000,100000", help="job counts, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs; medians are printed at the end (default 3)")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--database", default="sma_bench_web")
    args = parser.parse_args()

    url = f"{SERVER}/{args.database}"
    env = production_env(url, os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0"))
    database_load(url, REAL_FILE, REAL_LAUNCHES, env)
    print(f"gunicorn {GUNICORN_CONFIG.relative_to(ROOT)}, production settings, wrk -t2 -c16 -d{args.duration}s")
    counts = [int(value) for value in args.jobs.split(",")]
    # (job count, path) -> req/s and ratio to the bare app, one of each per run
    figures: dict[tuple[int, str], list[tuple[float, float]]] = {}
    for run in range(1, args.runs + 1):
        print(f"run {run} of {args.runs}")
        # The bare app before and after each block of figures, as this machine's speed drifts from minute to
        # minute: each ratio is to the mean of the two.
        bare = bare_rps(env, args.port, args.duration)
        for count in counts:
            jobs_fill(url, count)
            results = measure(env, args.port, PATHS, args.duration)
            after = bare_rps(env, args.port, args.duration)
            ceiling = (bare + after) / 2
            print(f"bare WSGI app: {bare:.1f} req/s before, {after:.1f} after: {ceiling:.1f} req/s")
            print(f"{'jobs':>7} {'URL':<16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'of bare':>8}")
            for path, result in results.items():
                figures.setdefault((count, path), []).append((result["rps"], result["rps"] / ceiling))
                print(
                    f"{count:>7} {path:<16} {result['rps']:>8.1f} {result['p50']:>8.2f} {result['p99']:>8.2f}"
                    f" {result['errors']:>8} {result['rps'] / ceiling:>8.2f}",
                    flush=True,
                )
            bare = after
    print(f"medians of {args.runs} runs")
    print(f"{'jobs':>7} {'URL':<16} {'req/s':>8} {'of bare':>8}")
    for (count, path), runs in figures.items():
        rps, ratio = (statistics.median(values) for values in zip(*runs, strict=True))
        print(f"{count:>7} {path:<16} {rps:>8.1f} {ratio:>8.2f}")


def bare_rps(env: dict[str, str], port: int, duration: int) -> float:
    """Requests/s of the bare WSGI app under the same server configuration."""
    return measure(env, port, ["/help"], duration, app="bench.bare_wsgi:application")["/help"]["rps"]


if __name__ == "__main__":
    main()
