"""Fixtures shared by every app's tests: the real launch datasets, the services they run against, an API client."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import django_rq
import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rq import Queue, SimpleWorker

from testsupport.browser import chromium, live_server
from testsupport.sample import sample_csv

SHARED_DATA_DIR = Path(os.environ.get("SHARED_DATA_DIR", Path(__file__).resolve().parent.parent / "shared" / "data"))
DATASETS = ("mission_launches.csv", "Space_Corrected.csv", "space_missions.csv")


def wait_until(condition: Callable[[], object], *, what: str, seconds: float = 60) -> object:
    """Poll ``condition`` until it returns something truthy; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def free_port() -> int:
    """A TCP port that nothing listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_signal(data: Path, number: int) -> None:
    """Send signal ``number`` to a PostgreSQL cluster's postmaster and every backend and helper it started."""
    postmaster = int((data / "postmaster.pid").read_text().splitlines()[0])
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(postmaster)], capture_output=True, text=True)
    for pid in [postmaster, *(int(pid) for pid in children.stdout.split())]:
        os.kill(pid, number)


def need_service(name: str, reason: str) -> None:
    """Skip a test that needs a local service, except in CI where it must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide {name}: {reason}")
    pytest.skip(reason)


@cache
def default_dataset_download() -> Path | None:
    """The default dataset, downloaded at most once a session (offline, each try would wait); None if that fails."""
    from missions.importer.sources import source_fetch

    try:
        return source_fetch(source=settings.LAUNCH_DATA_URL).path
    except Exception:  # noqa: BLE001 - any failure means the dataset is not available here
        return None


def shared_file(name: str) -> Path:
    """A file of the shared datasets: present in CI, fetched or skipped elsewhere."""
    path = SHARED_DATA_DIR / name
    if path.is_file():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing: CI must run beside ../shared/data")
    if name == "mission_launches.csv":
        if downloaded := default_dataset_download():
            return downloaded
        pytest.skip(f"needs the real {name}: absent from {SHARED_DATA_DIR}; {settings.LAUNCH_DATA_URL} unreachable")
    pytest.skip(f"needs the real {name}: absent from {SHARED_DATA_DIR} (set SHARED_DATA_DIR; CI has it)")


@pytest.fixture(scope="session")
def mission_launches_csv() -> Path:
    """The Kaggle mission_launches.csv file."""
    return shared_file("mission_launches.csv")


@pytest.fixture(scope="session")
def space_corrected_csv() -> Path:
    """The Kaggle Space_Corrected.csv file."""
    return shared_file("Space_Corrected.csv")


@pytest.fixture(scope="session")
def space_missions_csv() -> Path:
    """The Maven space_missions.csv file."""
    return shared_file("space_missions.csv")


@pytest.fixture
def selection(db) -> Callable[..., dict]:
    """The arguments (the selection and its canonical parameters) of launch filter parameters, as a job gets them."""
    from core.forms import form_arguments
    from missions.filters import LaunchFilterForm

    return lambda **params: form_arguments(LaunchFilterForm, params)


@pytest.fixture
def client() -> APIClient:
    """An anonymous API client, in place of pytest-django's plain Django test client (which APIClient extends)."""
    return APIClient()


@pytest.fixture
def postgres() -> None:
    """Skip unless the tests run on PostgreSQL (CI always does)."""
    if connection.vendor != "postgresql":
        need_service("PostgreSQL", "needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def needs_redis() -> str:
    """The real Redis of REDIS_URL (always set in CI); skips elsewhere."""
    if not settings.REDIS_URL:
        need_service("Redis", "needs a real Redis server: set REDIS_URL")
    return settings.REDIS_URL


class PrivateRedis:
    """A redis-server of the test's own on a free port, so the test may stop it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        """Start the server (again, after a stop: on the same port, empty) and wait until it answers."""
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        wait_until(lambda: self._answers(client), what=f"redis-server on port {self.port}", seconds=20)
        client.close()

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        """Stop the server and wait for it to exit."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A private redis-server, stopped at the end of the test if the test did not stop it."""
    if shutil.which("redis-server") is None:
        need_service("redis-server", "needs the redis-server program")
    server = PrivateRedis()
    yield server
    server.stop()


@pytest.fixture
def empty_launches(db) -> None:
    """Start a test with no launch data, whatever a session fixture committed (the test's rollback restores it)."""
    from missions.services import launches_clear

    launches_clear()


@pytest.fixture(scope="session")
def sample_launches_csv(tmp_path_factory) -> Path:
    """The generated sample launch file, a few hundred launches with the real file's layout and quirks."""
    return sample_csv(tmp_path_factory.mktemp("launches") / "sample_launches.csv")


@pytest.fixture(scope="session", params=["sample", "real"])
def launch_file(request) -> Path:
    """A file in the mission_launches.csv layout: the generated sample (everywhere), then the real file (slow)."""
    if request.param == "real":
        return shared_file("mission_launches.csv")
    return request.getfixturevalue("sample_launches_csv")


# For tests whose expected values are the real file's published figures rather than a pandas reading.
real_file_only = pytest.mark.parametrize("launch_file", ["real"], indirect=True)


@pytest.fixture(scope="session")
def launch_data(django_db_setup, django_db_blocker, launch_file) -> Iterator[Path]:
    """The launch file imported once per session and file, for read-only tests; its path."""
    from missions.services import launches_clear, launches_import

    with django_db_blocker.unblock():
        launches_clear()
        launches_import(source=str(launch_file))
    yield launch_file
    with django_db_blocker.unblock():
        launches_clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as slow every test that reads one of the real datasets, so that ``-m "not slow"`` leaves them out."""
    real = {"mission_launches_csv", "space_corrected_csv", "space_missions_csv"}
    for item in items:
        callspec = getattr(item, "callspec", None)
        if real & set(getattr(item, "fixturenames", ())) or (callspec and callspec.params.get("launch_file") == "real"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _throttle_history_cleared() -> None:
    """Each test starts with no request history and no cached answers, so that neither leaks between tests.

    A test's rollback takes the data version back, so an answer cached in one test could match the next one's key.
    """
    from django.core.cache import caches

    caches["throttle"].clear()
    caches["api"].clear()


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


@pytest.fixture
def few_launches(empty_launches, tmp_path: Path) -> Path:
    """Only five launches, of SpaceX, OKB-586 and i-Space (the session's imported data is cleared for the test)."""
    from missions.services import launches_import

    path = sample_csv(tmp_path / "few.csv", FEW_LAUNCHES)
    launches_import(source=str(path))
    return path


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    """A fresh MEDIA_ROOT for the files that jobs write."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def work() -> Callable[[Queue], None]:
    """Run what a queue holds with RQ's in-process worker (on the embedded default, jobs already ran)."""

    def run(queue: Queue) -> None:
        SimpleWorker([queue], connection=queue.connection).work(burst=True, with_scheduler=False)

    return run


@pytest.fixture
def staff_client(staff_token) -> APIClient:
    """A client that sends a staff user's token, as `curl -H 'Authorization: Token ...'` does."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {staff_token}")
    return api


@pytest.fixture
def analysis_queue():
    """The analysis queue, emptied; on real Redis, jobs wait in it until a worker runs them."""
    queue = django_rq.get_queue(settings.ANALYSIS_QUEUE, commit_mode="auto")
    queue.empty()
    return queue


@pytest.fixture
def staff_token(db) -> str:
    """The API token of the staff user "ops" (password "pw-ops-123456")."""
    user = get_user_model().objects.create_user("ops", password="pw-ops-123456", is_staff=True)
    return Token.objects.create(user=user).key


@pytest.fixture
def user_token(db) -> str:
    """The API token of the user "reader", who is not staff (password "pw-reader-123456")."""
    user = get_user_model().objects.create_user("reader", password="pw-reader-123456")
    return Token.objects.create(user=user).key


@pytest.fixture
def live_url(launch_data, db) -> Iterator[str]:
    """A live server over the committed launch data (the test's own transaction stays out of its way)."""
    with live_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's headless Chromium, shared by a module's tests."""
    with chromium() as driver:
        yield driver
