"""Fixtures of the analysis tests: small launch files, a staff API client and the analysis queue."""

from pathlib import Path

import django_rq
import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rq import Queue, SimpleWorker

from missions.services import launches_import

HEADER = ",Unnamed: 0,Organisation,Location,Date,Detail,Rocket_Status,Price,Mission_Status\n"
# Organisation, Location, Date, Detail, Rocket_Status, Price, Mission_Status: SpaceX with one unpriced launch,
# and two organisations whose names contain "-".
FEW_LAUNCHES = [
    (
        "SpaceX",
        "LC-39A, Kennedy Space Center, Florida, USA",
        "Fri Aug 07, 2020 05:12 UTC",
        "Falcon 9 Block 5 | Starlink V1 L9",
        "StatusActive",
        "50.0",
        "Success",
    ),
    (
        "SpaceX",
        "SLC-40, Cape Canaveral AFS, Florida, USA",
        "Tue Jun 13, 2017 10:00 UTC",
        "Falcon 9 Block 5 | Demo",
        "StatusActive",
        "62.0",
        "Partial Failure",
    ),
    (
        "SpaceX",
        "SLC-40, Cape Canaveral AFS, Florida, USA",
        "Mon Mar 24, 2008 21:30 UTC",
        "Falcon 1 | Trailblazer",
        "StatusRetired",
        "",
        "Failure",
    ),
    (
        "OKB-586",
        "Site 41/1, Plesetsk Cosmodrome, Russia",
        "Sat Oct 06, 1962 13:30 UTC",
        "Kosmos-2I | DS-1",
        "StatusRetired",
        "",
        "Success",
    ),
    (
        "i-Space",
        "Site 95, Jiuquan Satellite Launch Center, China",
        "Thu Jul 25, 2019 05:00 UTC",
        "Hyperbola-1 | CAVSat",
        "StatusActive",
        "",
        "Success",
    ),
]


def launch_csv(path: Path, rows: list[tuple[str, ...]]) -> Path:
    """Write launches in the Kaggle mission_launches.csv layout."""
    lines = [HEADER]
    for index, row in enumerate(rows):
        fields = [str(index), str(index), *row]
        lines.append(",".join(f'"{field}"' if "," in field else field for field in fields) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def few_launches(empty_launches, tmp_path: Path) -> Path:
    """Only five launches, of SpaceX, OKB-586 and i-Space (the session's real data is cleared for the test)."""
    path = launch_csv(tmp_path / "few.csv", FEW_LAUNCHES)
    launches_import(source=str(path))
    return path


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    """A fresh MEDIA_ROOT for the files that jobs write."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def work(queue: Queue) -> None:
    """Run what the queue holds with RQ's in-process worker (on the embedded default, jobs already ran)."""
    SimpleWorker([queue], connection=queue.connection).work(burst=True, with_scheduler=False)


@pytest.fixture
def staff_client(django_user_model) -> APIClient:
    """An API client signed in as a staff user."""
    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def analysis_queue():
    """The analysis queue, emptied; on real Redis, jobs wait in it until a worker runs them."""
    queue = django_rq.get_queue(settings.ANALYSIS_QUEUE, commit_mode="auto")
    queue.empty()
    return queue
