"""Django's PostgreSQL backend, with a deadline on the health check it runs on a reused connection."""

from django.conf import settings
from django.db.backends.postgresql import base

from config.database import socket_deadline


class DatabaseWrapper(base.DatabaseWrapper):
    """PostgreSQL whose ``SELECT 1`` health check gives up, and so reconnects, after the connect timeout.

    The check runs on the driver's own cursor, outside any execute wrapper, before each request's first query: a
    server that takes longer than a new connection may take to answer it counts as gone.
    """

    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False  # a deadline that shut the socket down leaves the driver's connection closed
        with socket_deadline(self.connection.fileno(), settings.DB_CONNECT_TIMEOUT):
            return super().is_usable()
