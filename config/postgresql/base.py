"""Django's PostgreSQL backend, with a deadline on the health check it runs on a reused connection."""

from django.conf import settings
from django.db.backends.postgresql import base

from config.database import GRACE_SECONDS, socket_deadline


class DatabaseWrapper(base.DatabaseWrapper):
    """PostgreSQL whose ``SELECT 1`` health check gives up, and so reconnects, after the statement timeout.

    The check runs on the driver's own cursor, outside any execute wrapper, before each request's first query.
    """

    def is_usable(self) -> bool:
        seconds = settings.DB_STATEMENT_TIMEOUT
        if not seconds or self.connection is None:
            return super().is_usable()
        with socket_deadline(self.connection.fileno(), seconds + GRACE_SECONDS):
            return super().is_usable()
