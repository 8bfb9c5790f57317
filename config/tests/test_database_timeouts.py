"""Web requests and the database's timeouts: a statement past its timeout answers 503 in the error shape."""

import psycopg2
import pytest
from django.db import connection


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
