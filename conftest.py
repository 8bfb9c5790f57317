"""Fixtures shared by every app's tests: the real launch datasets and the services they run against."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

SHARED_DATA_DIR = Path(os.environ.get("SHARED_DATA_DIR", Path(__file__).resolve().parent.parent / "shared" / "data"))
DATASETS = ("mission_launches.csv", "Space_Corrected.csv", "space_missions.csv")


def shared_file(name: str) -> Path:
    """A file of the shared datasets: present in CI, fetched or skipped elsewhere."""
    path = SHARED_DATA_DIR / name
    if path.is_file():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing: CI must run beside ../shared/data")
    if name == "mission_launches.csv":
        from missions.sources import source_fetch

        try:
            return source_fetch(source=settings.LAUNCH_DATA_URL).path
        except Exception as error:  # noqa: BLE001 - any failure means the dataset is not available here
            pytest.skip(f"{path} is absent and the default dataset could not be downloaded: {error}")
    pytest.skip(f"{path} is absent (the shared datasets sit beside the project in CI)")


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
def postgres() -> None:
    """Skip unless the tests run on PostgreSQL (CI always does)."""
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI must run the tests on PostgreSQL (set DATABASE_URL)")
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


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
