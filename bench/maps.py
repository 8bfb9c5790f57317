"""Benchmark of the launch-site map: the map job (GeoJSON, HTML and PNG) on the real data and on 1,000,000
launches, its site query and its PNG on their own, and the geocoder calls of a first and a second geocoding run.

    python bench/maps.py                    # or: make bench-maps

Each stage runs in its own process against its own PostgreSQL database:
- real data: BENCH_MAPS_DATABASE_URL (default .../sma_bench_maps), loaded with the real mission_launches.csv;
- 1,000,000 launches: BENCH_1M_DATABASE_URL (default .../sma_bench_1m, which bench/import.py leaves behind), whose
  launches are only read; bench/synthetic.py's file is imported into it first when it does not hold them.
Targets: real data under 3 s, 1,000,000 launches under 6 s, and no geocoder call on the second run.
"""

import argparse
import os
import subprocess
import sys
import time

from support import (
    LARGE_DATABASE_URL,
    LARGE_ROWS,
    REAL_FILE,
    ROOT,
    SERVER,
    database_ensure,
    database_load,
    large_file,
)

REAL_DATABASE_URL = os.environ.get("BENCH_MAPS_DATABASE_URL", f"{SERVER}/sma_bench_maps")
RUNS = 3


def stage_run(stage: str) -> None:
    """Run one stage in this process, against the DATABASE_URL it was given."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    from missions.models import Launch

    call_command("migrate", verbosity=0)
    if stage == "real":
        from missions.services import launches_clear, launches_import

        launches_clear()
        launches_import(source=str(REAL_FILE))
        geocoding_measure()
    label = f"{Launch.objects.count():,} launches"
    job_measure(label=label)
    parts_measure(label=label)


def geocoding_measure() -> None:
    """Locate every site from scratch, then once more: the second run must make no geocoder call."""
    from missions.geocoding import SiteGeocoder, sites_geocode
    from missions.models import CoordinateSource, LaunchSite

    LaunchSite.objects.exclude(coordinate_source=CoordinateSource.MANUAL).update(
        latitude=None, longitude=None, coordinate_source="", coordinate_precision="", located_at=None
    )
    for run in ("first", "second"):
        geocoder = SiteGeocoder()
        started = time.perf_counter()
        summary = sites_geocode(geocoder=geocoder)
        elapsed = time.perf_counter() - started
        print(
            f"geocoding, {run} run: {summary.sites} sites looked up, {geocoder.calls} geocoder calls "
            f"({geocoder.nominatim_calls} to Nominatim), {elapsed:.3f} s"
        )


def job_measure(*, label: str) -> None:
    """Run the map job of all launches as a worker does, RUNS times; print each time and the artefacts."""
    from analysis.models import Job, JobStatus
    from analysis.services import job_delete, job_run, params_key
    from missions.selectors import data_version

    timings = []
    for _run in range(RUNS):
        job = Job.objects.create(
            analysis="launch_site_map", params={}, params_key=params_key(params={}), data_version=data_version()
        )
        started = time.perf_counter()
        job_run(job_id=str(job.pk))
        timings.append(time.perf_counter() - started)
        job.refresh_from_db()
        assert job.status == JobStatus.FINISHED, job.error
        sizes = ", ".join(f"{name} {_stored_size(path):,} B" for name, path in sorted(job.artefacts.items()))
        job_delete(job=job)
    summary = job.result
    print(
        f"map job, {label}: {summary['place_count']} places, {summary['located_launch_count']:,} launches on the map; "
        f"artefacts {sizes}"
    )
    print(f"map job, {label}: first {timings[0]:.3f} s, best {min(timings):.3f} s of {RUNS}")


def parts_measure(*, label: str) -> None:
    """Time the map job's two costly parts on their own, best of RUNS: the per-place query and the PNG."""
    from analysis.maps.build import launch_site_stats, site_map_build
    from analysis.maps.png import map_png
    from missions.selectors import ALL_LAUNCHES

    site_map = site_map_build(filters=ALL_LAUNCHES, params={})
    for part, run in (
        ("site query", lambda: launch_site_stats(filters=ALL_LAUNCHES)),
        ("PNG", lambda: map_png(rows=site_map.rows, title=site_map.title)),
    ):
        timings = []
        for _run in range(RUNS):
            started = time.perf_counter()
            run()
            timings.append(time.perf_counter() - started)
        print(f"map job, {label}: {part} best {min(timings):.3f} s of {RUNS}")


def _stored_size(path: str) -> int:
    from django.core.files.storage import default_storage

    return default_storage.size(path)


def main() -> None:
    """Run each stage in a process of its own, each against its own database."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", choices=["real", "big"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        stage_run(args.stage)
        return
    database_load(LARGE_DATABASE_URL, large_file(), LARGE_ROWS, dict(os.environ))
    database_ensure(REAL_DATABASE_URL)
    for stage, url in (("real", REAL_DATABASE_URL), ("big", LARGE_DATABASE_URL)):
        print(f"== {stage}: {url}", flush=True)
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([sys.executable, __file__, "--stage", stage], env=env, check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
