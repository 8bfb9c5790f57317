"""Fixtures shared by every app's tests: the real launch datasets, the services they run against, an API client."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

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


def need_service(name: str, reason: str) -> None:
    """Skip a test that needs a local service, except in CI where it must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide {name}: {reason}")
    pytest.skip(reason)


def shared_file(name: str) -> Path:
    """A file of the shared datasets: present in CI, fetched or skipped elsewhere."""
    path = SHARED_DATA_DIR / name
    if path.is_file():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing: CI must run beside ../shared/data")
    if name == "mission_launches.csv":
        from missions.importer.sources import source_fetch

        try:
            return source_fetch(source=settings.LAUNCH_DATA_URL).path
        except Exception as error:  # noqa: BLE001 - any failure means the dataset is not available here
            pytest.skip(f"{path} is absent and the default dataset could not be downloaded: {error}")
    pytest.skip(f"{path} is absent (the shared datasets sit beside the project in CI)")


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher() -> Iterator[None]:
    """Hash the test users' passwords with MD5, far faster than the default hasher: for tests only, for speed."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


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
def real_data(django_db_setup, django_db_blocker, mission_launches_csv):
    """The real mission_launches.csv imported once for the whole session, for read-only tests."""
    from missions.services import launches_clear, launches_import

    with django_db_blocker.unblock():
        launches_clear()
        launches_import(source=str(mission_launches_csv))
    yield mission_launches_csv
    with django_db_blocker.unblock():
        launches_clear()


@pytest.fixture(autouse=True)
def _throttle_history_cleared() -> None:
    """Each test starts with no request history and no cached answers, so that neither leaks between tests.

    A test's rollback takes the data version back, so an answer cached in one test could match the next one's key.
    """
    from django.core.cache import caches

    caches["throttle"].clear()
    caches["api"].clear()
