"""``migrate`` runs without the web requests' statement timeout, which a data migration of many launches outlasts."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_migrate


def statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_migrate_runs_without_the_statement_timeout_and_gives_it_back(postgres):
    during = []

    def seen(**kwargs) -> None:
        during.append(statement_timeout())

    post_migrate.connect(seen, dispatch_uid="test-migrate-timeout")
    try:
        call_command("migrate", verbosity=0)
    finally:
        post_migrate.disconnect(dispatch_uid="test-migrate-timeout")

    assert set(during) == {"0"}
    assert statement_timeout() == "10s"  # the web requests' DB_STATEMENT_TIMEOUT again
