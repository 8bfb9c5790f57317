"""Fixtures of the analysis tests: small launch files, API clients, the analysis queue and a private Redis."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import django_rq
import pytest
import redis
from django.conf import settings
from rest_framework.test import APIClient
from rq import Queue, SimpleWorker

from missions.services import launches_clear, launches_import

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
def few_launches(tmp_path: Path) -> Path:
    """Only five launches, of SpaceX, OKB-586 and i-Space (the session's real data is cleared for the test)."""
    path = launch_csv(tmp_path / "few.csv", FEW_LAUNCHES)
    launches_clear()
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
def client() -> APIClient:
    """An anonymous API client."""
    return APIClient()


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


@pytest.fixture
def needs_redis() -> str:
    """The real Redis of REDIS_URL (always set in CI); skips elsewhere."""
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run the job tests against Redis (set REDIS_URL)")
        pytest.skip("needs a real Redis: set REDIS_URL")
    return settings.REDIS_URL


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PrivateRedis:
    """A redis-server started for one test."""

    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        """Stop the server, as if Redis went down."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A redis-server of this test only, on a free port (never the shared one), stopped afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = PrivateRedis(url=f"redis://127.0.0.1:{port}/0", process=process)
    for _ in range(100):
        try:
            redis.Redis.from_url(server.url).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield server
    server.stop()
