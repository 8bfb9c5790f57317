"""Web requests and the database's timeouts: a statement past its timeout answers 503 in the error shape."""

import psycopg2
import pytest
from django.db import close_old_connections, connection


@pytest.fixture
def organisations_locked(db, postgres):
    """The organisation table locked by another session, as a long migration or a stuck transaction holds it."""
    other = psycopg2.connect(**connection.get_connection_params())
    with other.cursor() as cursor:
        cursor.execute("LOCK TABLE missions_organisation IN ACCESS EXCLUSIVE MODE")
    yield
    other.rollback()
    other.close()


def test_a_statement_past_the_statement_timeout_answers_503(client, organisations_locked):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 300")
    response = client.get("/api/organisations/")
    assert response.status_code == 503
    assert response.json() == {"detail": "The database is not available right now; try again shortly.", "errors": {}}
    assert response["Retry-After"] == "5"


def test_web_connections_carry_the_connect_and_statement_timeouts(postgres, settings):
    params = connection.get_connection_params()
    assert params["connect_timeout"] == settings.DB_CONNECT_TIMEOUT == 2
    assert f"-c statement_timeout={int(settings.DB_STATEMENT_TIMEOUT * 1000)}" in params["options"]


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_a_deadline_closed_is_replaced_before_the_next_request(postgres):
    connection.ensure_connection()
    connection.connection.close()  # what a deadline's shutdown of the socket leaves behind
    connection.errors_occurred = True  # as the statement that the deadline ended left it

    assert connection.is_usable() is False
    close_old_connections()  # what Django runs as each request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
