"""Analysis job benchmark: POST-to-finished on the real data with a real worker, as a deployment runs them (production
settings, docker/gunicorn.conf.py, the worker started as docker/entrypoint.sh starts it), beside a bare RQ job's
enqueue-to-finished on a plain `rq worker` (and on the project's worker) in the same run; each aggregation on
1,000,000 launches beside its hand-written SQL run with psql; and wrk on GET /api/jobs/ with 1,000 and 100,000 jobs.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/jobs.py [--runs 20] [--skip-1m] [--skip-wrk]

The 1,000,000-launch database is BENCH_1M_DATABASE_URL (default: database sma_bench_1m, which bench/import.py
leaves); when it holds another number of launches, it is loaded from bench/synthetic.py's file first. Prints
figures only.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from typing import Any

from support import (
    LARGE_DATABASE,
    LARGE_ROWS,
    REAL_FILE,
    REAL_LAUNCHES,
    ROOT,
    database_load,
    free_port,
    large_file,
    production_env,
    production_serve,
    wrk,
)

sys.path.insert(0, str(ROOT))

# The queue of the bare RQ jobs, worked by a plain `rq worker` (RQ's own forking worker class).
BARE_QUEUE = "bench-bare"
# Analysis -> params of the POST-to-finished runs.
REAL_DATA_JOBS: list[tuple[str, dict[str, Any]]] = [
    ("organisations", {}),
    ("rockets_by_organisation", {"organisation": "SpaceX"}),
    ("total_cost_by_organisation", {"organisation": "RVSN USSR"}),
    ("active_rockets", {}),
    ("success_rates", {"group_by": "country"}),
    ("launches_per_year", {"split_by": "outcome"}),
    ("spending", {"group_by": "year"}),
    ("launches", {}),
]

# Analyses that export launch records rather than aggregate them: their time is the size of their result.
EXPORTS = {"launches"}

YEAR = "EXTRACT(YEAR FROM l.launched_at AT TIME ZONE 'UTC')"
MEDIAN = (
    "ROUND((PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY l.price)"
    " + PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY l.price DESC)) / 2, 2)"
)
PRICES = f"COUNT(l.id), COUNT(l.price), SUM(l.price), ROUND(AVG(l.price), 2), {MEDIAN}"
# Each grouping's column and the join it needs, as one would write them by hand.
GROUP_SQL = {
    "organisation": ("o.name", "JOIN missions_organisation o ON o.id = l.organisation_id"),
    "rocket": ("r.name", "JOIN missions_rocket r ON r.id = l.rocket_id"),
    "country": ("p.country", "JOIN missions_pad p ON p.id = l.pad_id"),
    "year": (YEAR, ""),
    "outcome": ("l.mission_status", ""),
}
# (selector, kwargs, the same question in hand-written SQL)
AGGREGATIONS: list[tuple[str, dict[str, Any], str]] = [
    (
        "organisations",
        {},
        "SELECT o.name, COUNT(l.id) FROM missions_organisation o LEFT JOIN missions_launch l"
        " ON l.organisation_id = o.id GROUP BY o.id ORDER BY o.name",
    ),
    (
        "rockets_by_organisation",
        {"organisation": "SpaceX"},
        "SELECT r.status, r.name, COUNT(l.id), MIN(l.launched_at), MAX(l.launched_at) FROM missions_rocket r"
        " JOIN missions_launch l ON l.rocket_id = r.id JOIN missions_organisation o ON o.id = l.organisation_id"
        " WHERE o.name = 'SpaceX' GROUP BY r.id ORDER BY r.name",
    ),
    (
        "total_cost_by_organisation",
        {"organisation": "RVSN USSR"},
        f"SELECT {PRICES} FROM missions_launch l JOIN missions_organisation o ON o.id = l.organisation_id"
        " WHERE o.name = 'RVSN USSR'",
    ),
    (
        "active_rockets",
        {},
        "SELECT r.name, o.name, COUNT(l.id) FROM missions_rocket r LEFT JOIN missions_launch l ON l.rocket_id = r.id"
        " LEFT JOIN missions_organisation o ON o.id = l.organisation_id WHERE r.status = 'active'"
        " GROUP BY r.name, o.name ORDER BY r.name, o.name",
    ),
    *[
        (
            "success_rates",
            {"group_by": group},
            f"SELECT {GROUP_SQL[group][0]} AS g, COUNT(l.id), COUNT(l.id) FILTER (WHERE l.mission_status = 'Success')"
            f" FROM missions_launch l {GROUP_SQL[group][1]} GROUP BY g ORDER BY g",
        )
        for group in ("organisation", "rocket", "country", "year")
    ],
    ("launches_per_year", {}, f"SELECT {YEAR} AS y, COUNT(l.id) FROM missions_launch l GROUP BY y ORDER BY y"),
    *[
        (
            "launches_per_year",
            {"split_by": split},
            f"SELECT {YEAR} AS y, {GROUP_SQL[split][0]} AS g, COUNT(l.id) FROM missions_launch l {GROUP_SQL[split][1]}"
            " GROUP BY y, g ORDER BY y, g",
        )
        for split in ("organisation", "country", "outcome")
    ],
    *[
        (
            "spending",
            {"group_by": group},
            f"SELECT {GROUP_SQL[group][0]} AS g, {PRICES} FROM missions_launch l {GROUP_SQL[group][1]}"
            " GROUP BY g ORDER BY g",
        )
        for group in ("organisation", "country", "year")
    ],
]


def django_setup(database_url: str) -> None:
    """Configure Django for a database (the bench runs outside the test runner)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def post_json(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


# Seconds between two looks at a job's status, the same for the analyses and the bare RQ jobs.
POLL = 0.002


def bare_rq_ms(queue_name: str, runs: int) -> list[float]:
    """Enqueue-to-finished of a job that does nothing (os.getpid) on a queue, ``runs`` times."""
    from redis import Redis
    from rq import Queue

    queue = Queue(queue_name, connection=Redis.from_url(os.environ["REDIS_URL"]))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        job = queue.enqueue("os.getpid")
        while job.get_status(refresh=True) not in ("finished", "failed"):
            time.sleep(POLL)
        times.append((time.perf_counter() - started) * 1000)
    return times


def bench_real_data(base: str, runs: int) -> None:
    """POST each analysis (refresh=true) and time until the worker has finished it, beside bare RQ jobs."""
    from analysis.models import Job

    bare = statistics.median(bare_rq_ms(BARE_QUEUE, runs))
    own = statistics.median(bare_rq_ms("default", runs))
    print(f"\n== POST to finished, real data ({runs} runs each, one worker) ==")
    print(f"bare RQ job, enqueue to finished, plain `rq worker`: p50 {bare:.1f} ms")
    print(f"bare RQ job, enqueue to finished, the project's worker: p50 {own:.1f} ms")
    print(f"{'analysis':32} {'p50 ms':>8} {'p95 ms':>8} {'db p50 ms':>10} {'x bare':>7}")
    worst = 0.0
    for analysis, params in REAL_DATA_JOBS:
        client_ms, server_ms = [], []
        # One untimed run first: the first request a fresh web process serves pays for its imports and connections.
        for run in range(runs + 1):
            started = time.perf_counter()
            job_id = post_json(f"{base}/api/jobs/?refresh=true", {"analysis": analysis, "params": params})["id"]
            while True:
                job = Job.objects.filter(pk=job_id).values("status", "created_at", "finished_at").get()
                if job["status"] in ("finished", "failed"):
                    break
                time.sleep(POLL)
            if run == 0:
                continue
            client_ms.append((time.perf_counter() - started) * 1000)
            server_ms.append((job["finished_at"] - job["created_at"]).total_seconds() * 1000)
            assert job["status"] == "finished", f"{analysis} failed"
        p50 = statistics.median(client_ms)
        if analysis not in EXPORTS:
            worst = max(worst, p50)
        print(
            f"{analysis:32} {p50:8.1f} {percentile(client_ms, 0.95):8.1f}"
            f" {statistics.median(server_ms):10.1f} {p50 / bare:7.2f}"
        )
    print(f"aggregations' worst p50 {worst:.1f} ms (target <= 20), {worst / bare:.2f}x the bare RQ job (target <= 2)")


def psql_ms(database_url: str, sql: str, repeat: int) -> float:
    """Median time of a query as psql's \\timing reports it."""
    script = "\\timing on\n" + f"{sql};\n" * repeat
    output = subprocess.run(
        ["psql", database_url, "-X", "-q", "-o", "/dev/null"], input=script, capture_output=True, text=True, check=True
    ).stdout
    times = [float(value) for value in re.findall(r"Time: ([\d.]+) ms", output)]
    return statistics.median(times)


def bench_million(database_url: str, repeat: int) -> None:
    """Each aggregation's selector on 1,000,000 launches beside its hand-written SQL in psql."""
    from django.db import connection

    from analysis import selectors
    from missions.models import Launch

    print(f"\n== 1,000,000 launches: selector vs hand-written SQL in psql (median of {repeat} alternating rounds) ==")
    print(f"{'aggregation':44} {'ORM ms':>9} {'psql ms':>9} {'ratio':>6}")
    worst = 0.0
    connection.ensure_connection()
    assert Launch.objects.count() >= LARGE_ROWS
    for name, kwargs, sql in AGGREGATIONS:
        selector = getattr(selectors, name)
        selector(**kwargs)  # warm the cache as psql's first run does
        psql_ms(database_url, sql, 1)
        # Rounds alternate the selector and psql, so that both meet the machine in the same state.
        orm_times, raw_times = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            selector(**kwargs)
            orm_times.append((time.perf_counter() - started) * 1000)
            raw_times.append(psql_ms(database_url, sql, 1))
        orm, raw = statistics.median(orm_times), statistics.median(raw_times)
        worst = max(worst, orm / raw)
        label = name + (f"({', '.join(f'{k}={v}' for k, v in kwargs.items())})" if kwargs else "")
        print(f"{label:44} {orm:9.1f} {raw:9.1f} {orm / raw:6.2f}")
    print(f"worst ratio: {worst:.2f} (target <= 1.2)")


def jobs_store(total: int) -> None:
    """Exactly ``total`` finished jobs in the jobs table."""
    from django.db import connection

    from analysis.models import Job

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Job._meta.db_table}")
    rows = [
        Job(
            id=uuid.uuid4(),
            analysis="organisations",
            params={},
            params_key="bench",
            status="finished",
            result=[{"organisation": "SpaceX", "launch_count": 100}],
            columns=["organisation", "launch_count"],
        )
        for _ in range(total)
    ]
    Job.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Job._meta.db_table}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="POST-to-finished runs per analysis")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query on 1,000,000 launches")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--skip-1m", action="store_true")
    parser.add_argument("--skip-wrk", action="store_true")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark runs a real worker.")
    million_url = os.environ.get("BENCH_1M_DATABASE_URL", f"{database_url.rsplit('/', 1)[0]}/{LARGE_DATABASE}")
    # What a deployment runs: production settings, docker/gunicorn.conf.py, the worker as docker/entrypoint.sh
    # starts it, their logs at the default level written away as a container's are.
    env = production_env(database_url, os.environ["REDIS_URL"])
    database_load(database_url, REAL_FILE, REAL_LAUNCHES, env)
    if not args.skip_1m:
        database_load(million_url, large_file(), LARGE_ROWS, env)

    django_setup(database_url)
    from analysis.models import Job

    Job.objects.all().delete()
    server, base = production_serve(env, free_port())
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", "analysis", "default", "--worker-ttl", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rq_cli = [sys.executable, "-m", "rq.cli", "worker", "--url", os.environ["REDIS_URL"], "--quiet", BARE_QUEUE]
    bare_worker = subprocess.Popen(rq_cli, cwd=ROOT, env=env)
    try:
        bench_real_data(base, args.runs)
        if not args.skip_wrk:
            print("\n== wrk GET /api/jobs/ (docker/gunicorn.conf.py, 16 connections) ==")
            for total in (1_000, 100_000):
                jobs_store(total)
                result = wrk(base, "/api/jobs/", duration=args.wrk_seconds)
                rps, p50, p99 = result["rps"], result["p50"], result["p99"]
                print(f"{total:>7,} jobs: {rps:.2f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms")
            Job.objects.all().delete()
    finally:
        for process in (server, worker, bare_worker):
            process.terminate()
        for process in (server, worker, bare_worker):
            process.wait()
    if not args.skip_1m:
        from django.conf import settings
        from django.db import connections

        connections["default"].close()
        settings.DATABASES["default"]["NAME"] = million_url.rsplit("/", 1)[1]
        bench_million(million_url, args.repeat)


if __name__ == "__main__":
    main()
