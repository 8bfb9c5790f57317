"""Page benchmark: each page's server time on the real data and on 1,000,000 launches.

For every page: the first view (figures and charts computed) and the median of repeated views (answered from the
cache keyed by the data version), measured in a child process through Django's test client, without the network.
The 1,000,000-launch database is the one bench/import.py builds; BENCH_PAGES_LARGE=0 skips it.

    python bench/pages.py
"""

import json
import os
import statistics
import subprocess
import sys
import time

from support import LARGE_DATABASE_URL, LARGE_FILE, LARGE_ROWS, REAL_FILE, REAL_LAUNCHES, ROOT, SERVER, database_load
from support import large_file as large_file_make

REAL_DATABASE_URL = os.environ.get("BENCH_PAGES_DATABASE_URL", f"{SERVER}/sma_bench_pages")
REPEATS = 20
PAGES = [
    "/",
    "/launches/",
    "/launches/?organisation=SpaceX&year_from=2015",
    "/organisations/",
    "/organisations/{organisation}/",
    "/rockets/{rocket}/",
    "/sites/{site}/",
    "/compare/?organisation=SpaceX,CASC,Arianespace",
    "/analyses/",
    "/results/",
]


def measure() -> None:
    """In the child: time every page once uncached, then REPEATS times cached; print JSON."""
    import django

    django.setup()
    from django.test import Client

    from missions.models import Launch

    busiest = Launch.objects.values_list("organisation_id", "rocket_id", "pad__site_id").order_by("-launched_at")[0]
    client, results = Client(), {}
    for template in PAGES:
        path = template.format(organisation=busiest[0], rocket=busiest[1], site=busiest[2])
        started = time.perf_counter()
        status = client.get(path).status_code
        first = (time.perf_counter() - started) * 1000
        times = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        results[template] = {"status": status, "first_ms": first, "p50_ms": statistics.median(times)}
    print(json.dumps(results))


def run(url: str) -> dict:
    """The measurements of one database, from a child process configured for it."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "false"}
    env["ALLOWED_HOSTS"] = "testserver"  # the test client's host
    env.pop("REDIS_URL", None)
    output = subprocess.run(
        [sys.executable, "bench/pages.py", "--measure"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def report(title: str, results: dict) -> None:
    print(f"\n{title}\n{'page':<50} {'status':>6} {'first ms':>9} {'p50 ms':>8}")
    for page, row in results.items():
        print(f"{page:<50} {row['status']:>6} {row['first_ms']:>9.1f} {row['p50_ms']:>8.1f}")


def main() -> None:
    env = dict(os.environ)
    database_load(REAL_DATABASE_URL, REAL_FILE, REAL_LAUNCHES, env)
    report(f"Real data ({REAL_LAUNCHES:,} launches)", run(REAL_DATABASE_URL))
    if os.environ.get("BENCH_PAGES_LARGE", "1") != "0":
        database_load(LARGE_DATABASE_URL, large_file_make(LARGE_FILE), LARGE_ROWS, env)
        report(f"{LARGE_ROWS:,} launches", run(LARGE_DATABASE_URL))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    measure() if "--measure" in sys.argv else main()
