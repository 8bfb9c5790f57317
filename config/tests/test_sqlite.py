"""The embedded SQLite backend: the version it asks for, with a clear error rather than a failed write later."""

import pytest
from django.db import NotSupportedError

from config.sqlite.base import DatabaseWrapper


def wrapper_on(version: tuple[int, ...]) -> DatabaseWrapper:
    """The backend, unconnected, as if the linked SQLite were of this version."""
    wrapper = DatabaseWrapper({"NAME": ":memory:", "TIME_ZONE": None, "CONN_HEALTH_CHECKS": False})
    wrapper.get_database_version = lambda: version
    return wrapper


def test_an_sqlite_older_than_3_35_is_refused_with_the_version_needed():
    with pytest.raises(NotSupportedError, match=r"SQLite 3\.35 or later is required \(found 3\.34\.1\)"):
        wrapper_on((3, 34, 1)).check_database_version_supported()


def test_an_sqlite_that_returns_rows_from_writes_is_taken():
    wrapper_on((3, 35, 0)).check_database_version_supported()
