"""Django's ``migrate``, without the web requests' statement timeout: a data migration may rewrite every launch."""

from typing import Any

from django.core.management.commands import migrate
from django.db import connections
from django.db.backends.signals import connection_created


def statement_timeout_lift(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Let each statement of a PostgreSQL connection run as long as it needs."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        connection_created.connect(statement_timeout_lift, dispatch_uid="migrate-statement-timeout")
        try:
            for connection in self._postgresql_connections():
                statement_timeout_lift(None, connection)
            super().handle(*args, **options)
        finally:
            connection_created.disconnect(dispatch_uid="migrate-statement-timeout")
            # Back to the connection's own timeout, for whatever the process runs next (the tests, say).
            for connection in self._postgresql_connections():
                with connection.cursor() as cursor:
                    cursor.execute("RESET statement_timeout")

    @staticmethod
    def _postgresql_connections() -> list[Any]:
        return [
            connection
            for connection in connections.all(initialized_only=True)
            if connection.vendor == "postgresql" and connection.connection is not None
        ]
