"""Django's SQLite backend, making the database file's folder on the first connection rather than at start-up, and
asking for an SQLite that returns rows from a write."""

from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base, features


class DatabaseFeatures(features.DatabaseFeatures):
    """SQLite 3.35 or later: the version counters move on in one upsert that returns the new number (RETURNING)."""

    minimum_database_version = (3, 35)


class DatabaseWrapper(base.DatabaseWrapper):
    """SQLite that creates the folder of its database file when it first connects."""

    features_class = DatabaseFeatures

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = str(conn_params["database"])
        if name != ":memory:" and not name.startswith("file:"):
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        return super().get_new_connection(conn_params)
