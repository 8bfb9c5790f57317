"""The ways a sync starts: ``manage.py sync_launches``, and the admin's button that runs it as a background job."""

import os
import subprocess
import sys
from io import StringIO

import django_rq
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from analysis.maps.build import launch_site_stats
from conftest import FEW_LAUNCHES
from missions.models import ImportRun, Launch, LaunchSite
from missions.selectors import ALL_LAUNCHES
from testsupport.sample import sample_csv

pytestmark = pytest.mark.django_db


def test_the_command_prints_its_progress_and_a_summary(empty_launches, ll2_settings):
    out = StringIO()

    call_command("sync_launches", stdout=out)

    assert out.getvalue().splitlines() == [
        "page 1: 6 launches read, 4 new, 0 matched, 0 updated, 2 not stored",
        "6 launches read in 1 request(s): 4 new, 0 matched with a file's launch, 0 updated, 0 unchanged, "
        "2 not stored; 0 file launches in the same span unmatched",
    ]


def test_the_command_reports_a_failure_and_where_the_next_run_goes_on(empty_launches, ll2_settings, fake_ll2):
    fake_ll2.faults = {1: ("500",)}

    with pytest.raises(CommandError) as failure:
        call_command("sync_launches", "--since", "2020-08-08", stdout=StringIO())

    assert str(failure.value).endswith("answered 500 for " + fake_ll2.url() + "/launches/previous/?mode=normal"
                                       "&ordering=last_updated%2Cid&limit=100&offset=0&net__gte=2020-08-08T00%3A00%3A00Z;"
                                       " the next run goes on from the last page stored")  # fmt: skip
    assert Launch.objects.count() == 0


def test_the_command_refuses_a_bad_date(empty_launches, ll2_settings):
    with pytest.raises(CommandError, match="--since: invalid fromisoformat value: '2020-13-01'"):
        call_command("sync_launches", "--since", "2020-13-01")


def test_staff_start_a_sync_from_the_admin_as_a_background_job(empty_launches, ll2_settings, admin_client, work):
    queue = django_rq.get_queue("default")
    queue.empty()

    answer = admin_client.post(reverse("admin:missions_importrun_sync_ll2"))
    work(queue)  # with Redis the job waits for a worker; on the embedded default it already ran

    assert answer.status_code == 302
    assert Launch.objects.count() == 4
    listing = admin_client.get(reverse("admin:missions_importrun_changelist")).content.decode()
    assert "Sync Launch Library 2" in listing and "Launch Library 2 sync started in the background" in listing


def test_only_a_post_starts_a_sync(empty_launches, ll2_settings, admin_client, client):
    assert admin_client.get(reverse("admin:missions_importrun_sync_ll2")).status_code == 405
    assert client.post(reverse("admin:missions_importrun_sync_ll2")).status_code == 302  # to the login page
    assert Launch.objects.count() == 0


def test_the_map_places_synced_launches_at_their_pads(empty_launches, ll2_settings):
    call_command("sync_launches", stdout=StringIO())

    rows = launch_site_stats(filters=ALL_LAUNCHES)

    assert sum(row["launches"] for row in rows if row["latitude"] is not None) == Launch.objects.count() == 4
    site = LaunchSite.objects.get(name="Pacific Spaceport Complex")
    assert (site.latitude, site.longitude, site.coordinate_source, site.coordinate_precision) == (
        57.4356,
        -152.3378,
        "ll2",
        "pad",
    )


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_sync_the_admin_started(postgres, needs_redis, fake_ll2, admin_client):
    django_rq.get_queue("default").empty()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "LL2_BASE_URL": fake_ll2.url(),
        "LL2_REQUEST_WAIT_SECONDS": "0",
    }

    admin_client.post(reverse("admin:missions_importrun_sync_ll2"))
    worker = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "default", "--burst"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert worker.returncode == 0, worker.stderr
    assert Launch.objects.count() == 4
    assert ImportRun.objects.get(format="ll2").status == "succeeded"


def test_a_sync_does_not_make_import_if_changed_import_the_same_file_again(empty_launches, ll2_settings, tmp_path):
    path = sample_csv(tmp_path / "few.csv", FEW_LAUNCHES)
    call_command("import_launches", "--if-changed", str(path), stdout=StringIO())
    call_command("sync_launches", stdout=StringIO())
    out = StringIO()

    call_command("import_launches", "--if-changed", str(path), stdout=out)

    assert out.getvalue().startswith(f"Kept the 9 launches stored: {path} is unchanged since its import of ")
