"""Import benchmark: the real file, a 1,000,000-row file against PostgreSQL's COPY, and the unchanged re-import.

Each import runs as ``manage.py import_launches`` in its own process, timed from command start to summary, with
its peak memory read from the kernel. The last figures time PostgreSQL alone on the server's share of a first
import (COPY of the clean rows, the same indexes and foreign keys), in one transaction and with the indexes built
side by side, and the import command's start-up: together, the bounds on any ratio an import can reach. It leaves
the 1,000,000 launches in the database for the other benchmarks.

    python bench/import.py [--database sma_bench_1m] [--rows 1000000] [--runs 3] [--large-only]
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import psycopg2
from support import LARGE_DATABASE, LARGE_FILE, LARGE_ROWS, REAL_FILE, ROOT, SERVER, database_ensure, large_file

# The memory the import gives its index builds, in UTC as the import's COPY is.
SESSION_SETTINGS = "SET maintenance_work_mem = '256MB'; SET TIME ZONE 'UTC'"


def run_command(database_url: str, *args: str) -> tuple[float, int, str]:
    """Run a manage.py command; return its wall time in seconds, its peak RSS in MB and its output."""
    env = {**os.environ, "DATABASE_URL": database_url}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output}")
    return elapsed, usage.ru_maxrss // 1024, output.strip().splitlines()[-1]


def copy_baseline(database_url: str, path: Path) -> float:
    """Load the file with PostgreSQL's own COPY into a plain table of text columns; return the seconds taken."""
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_baseline")
        cursor.execute(
            "CREATE TABLE bench_copy_baseline (a text, b text, organisation text, location text, date text, "
            "detail text, rocket_status text, price text, mission_status text)"
        )
        connection.commit()
        started = time.perf_counter()
        with path.open() as handle:
            cursor.copy_expert("COPY bench_copy_baseline FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
        connection.commit()
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy_baseline")
    return elapsed


def server_floor(database_url: str, *, sessions: int) -> float:
    """Time PostgreSQL alone doing a first import's share of the work, on the launches the import left.

    COPY the already-clean launches into an empty copy of the launch table, build the same indexes and add the same
    foreign keys. With one session, all of it is one transaction, as the import is: no import that keeps those
    indexes and stays atomic, sending CSV, can take less. With more, the loaded table is committed first and its
    indexes are built side by side in separate sessions, as a load into a side table swapped in at the end could:
    the least any design keeping those indexes can take on this server's cores.
    """
    columns = (
        "organisation_id, pad_id, rocket_id, mission, launched_at, time_precision, price, mission_status, "
        "file_launched_at"
    )
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        rows = io.BytesIO()
        cursor.copy_expert(f"COPY (SELECT {columns} FROM missions_launch) TO STDOUT WITH (FORMAT csv)", rows)
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'missions_launch'")
        # "CREATE [UNIQUE] INDEX name ON public.missions_launch USING ...", on the copy and under a name of its own
        indexes = []
        for name, definition in cursor.fetchall():
            statement, _, target = definition.partition(" ON ")
            indexes.append(
                f"{statement.rsplit(' ', 1)[0]} bench_{name} ON {target.replace('missions_launch', 'bench_floor', 1)}"
            )
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'missions_launch'::regclass "
            "AND contype = 'f'"
        )
        foreign_keys = [definition for (definition,) in cursor.fetchall()]
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        connection.commit()
        rows.seek(0)
        started = time.perf_counter()
        cursor.execute(SESSION_SETTINGS)
        cursor.execute("CREATE TABLE bench_floor (LIKE missions_launch INCLUDING DEFAULTS INCLUDING IDENTITY)")
        cursor.copy_expert(f"COPY bench_floor ({columns}) FROM STDIN WITH (FORMAT csv)", rows)
        if sessions == 1:
            for statement in indexes:
                cursor.execute(statement)
        else:
            connection.commit()
            batches = [indexes[number::sessions] for number in range(sessions)]
            with ThreadPoolExecutor(sessions) as pool:
                list(pool.map(partial(_build_indexes, database_url), batches))
        for definition in foreign_keys:
            cursor.execute(f"ALTER TABLE bench_floor ADD {definition}")
        cursor.execute("ALTER TABLE bench_floor ADD PRIMARY KEY USING INDEX bench_missions_launch_pkey")
        connection.commit()
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_floor")
    return elapsed


def _build_indexes(database_url: str, statements: list[str]) -> None:
    """Run index builds one after another in a session of their own."""
    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(SESSION_SETTINGS)
        for statement in statements:
            cursor.execute(statement)
    connection.close()


def startup_seconds(database_url: str) -> float:
    """The fastest of three starts of the import command that do no work: Django and the importer's modules loading."""
    return min(run_command(database_url, "import_launches", "--help")[0] for _ in range(3))


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=LARGE_DATABASE)
    parser.add_argument("--rows", type=int, default=LARGE_ROWS)
    parser.add_argument("--file", type=Path, default=LARGE_FILE)
    parser.add_argument("--runs", type=int, default=3, help="rounds of the large-file figures; medians are printed")
    parser.add_argument("--large-only", action="store_true", help="skip the real file's imports")
    args = parser.parse_args()

    url = f"{SERVER}/{args.database}"
    database_ensure(url)
    run_command(url, "migrate", "--noinput")
    large_file(args.file, args.rows)

    if not args.large_only:
        real_file(url)

    rounds = [large_round(url, args.file) for _ in range(args.runs)]
    sessions = max(2, os.cpu_count() or 1)
    parallel_seconds = server_floor(url, sessions=sessions)
    start_seconds = startup_seconds(url)

    def median(key: str) -> float:
        return statistics.median(figures[key] for figures in rounds)

    rows = args.rows
    first_seconds, copy_seconds, floor_seconds, again_seconds = (
        median(key) for key in ("first", "copy", "floor", "again")
    )
    print(f"medians of {len(rounds)} rounds, each: clear, first import, unchanged re-import, COPY, floor")
    print(
        f"{rows:,} rows, first import: {first_seconds:.2f} s, {rows / first_seconds:,.0f} rows/s, "
        f"peak {max(figures['first_mb'] for figures in rounds)} MB"
    )
    print(f"  {rounds[-1]['first_summary']}")
    print(f"{rows:,} rows, COPY into a plain table: {copy_seconds:.2f} s, {rows / copy_seconds:,.0f} rows/s")
    print(f"import / COPY rows/s ratio: {copy_seconds / first_seconds:.2f}")
    print(
        "PostgreSQL alone on a first import's share (CSV COPY of the clean rows, the same indexes and foreign keys), "
        "before any start-up, reading or cleaning:"
    )
    print(f"  in one transaction: {floor_seconds:.2f} s, a ratio of {copy_seconds / floor_seconds:.2f}")
    ratios = [figures["first"] / figures["floor"] for figures in rounds]
    print(
        f"first import / one-transaction floor: {statistics.median(ratios):.2f} "
        f"(each round: {', '.join(f'{ratio:.2f}' for ratio in ratios)}; target at most 1.25)"
    )
    print(
        f"  indexes built in {sessions} sessions side by side: {parallel_seconds:.2f} s, "
        f"a ratio of {copy_seconds / parallel_seconds:.2f}"
    )
    print(
        f"import command start-up (--help, fastest of 3): {start_seconds:.2f} s; with the side-by-side floor, "
        f"a ratio of {copy_seconds / (start_seconds + parallel_seconds):.2f} at best"
    )
    print(
        f"{rows:,} rows, unchanged re-import: {again_seconds:.2f} s, {rows / again_seconds:,.0f} rows/s, "
        f"peak {max(figures['again_mb'] for figures in rounds)} MB (target: no slower than the first import)"
    )
    print(f"  {rounds[-1]['again_summary']}")
    print(f"database {args.database} now holds the {rows:,} launches")


def real_file(url: str) -> None:
    """Import the real file five times into an empty database and print the times."""
    real_runs = []
    for _ in range(5):
        run_command(url, "clear_launches", "--yes")
        real_runs.append(run_command(url, "import_launches", str(REAL_FILE)))
    real_seconds = sorted(seconds for seconds, _, _ in real_runs)
    queues = "Redis queues (REDIS_URL)" if os.environ.get("REDIS_URL") else "the in-process queue (no REDIS_URL)"
    print(
        f"real file ({REAL_FILE.name}), 5 imports into an empty database with {queues}: "
        f"median {statistics.median(real_seconds):.2f} s, fastest {real_seconds[0]:.2f} s, slowest "
        f"{real_seconds[-1]:.2f} s from command start to summary, peak {real_runs[0][1]} MB"
    )
    print(f"  {real_runs[0][2]}")


def large_round(url: str, path: Path) -> dict[str, object]:
    """One round on the large file: its first import, its unchanged re-import, a plain COPY and the floor."""
    run_command(url, "clear_launches", "--yes")
    first, first_mb, first_summary = run_command(url, "import_launches", str(path))
    again, again_mb, again_summary = run_command(url, "import_launches", str(path))
    figures = {"first": first, "first_mb": first_mb, "first_summary": first_summary}
    figures |= {"again": again, "again_mb": again_mb, "again_summary": again_summary}
    figures |= {"copy": copy_baseline(url, path), "floor": server_floor(url, sessions=1)}
    print(
        f"  round: first import {first:.2f} s, re-import {again:.2f} s, floor {figures['floor']:.2f} s, "
        f"ratio {first / figures['floor']:.2f}",
        flush=True,
    )
    return figures


if __name__ == "__main__":
    main()
