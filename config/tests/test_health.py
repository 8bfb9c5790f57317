"""Health endpoints: liveness touches nothing, readiness names what is not ready."""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


@pytest.fixture
def migrations_recorded(db, settings, postgres) -> MigrationRecorder:
    """A complete migration history in the test database (on PostgreSQL: SQLite cannot add it mid-transaction)."""
    # The test run hides the migration files (--no-migrations); the readiness check must see them.
    settings.MIGRATION_MODULES = {}
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    applied = recorder.applied_migrations()
    for key in MigrationLoader(connection, ignore_no_migrations=True).graph.nodes:
        if key not in applied:
            recorder.record_applied(*key)
    return recorder


def test_healthz_answers_without_touching_the_database(client):
    # No db fixture: pytest-django makes any query raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_probes_are_answered_for_any_host_while_other_pages_check_allowed_hosts(client, migrations_recorded):
    # A kubelet calls the pod by its IP, which ALLOWED_HOSTS does not list.
    assert client.get("/healthz", HTTP_HOST="10.244.1.7:5000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.244.1.7:5000").status_code == 200
    assert client.get("/admin/login/", HTTP_HOST="10.244.1.7:5000").status_code == 400


def test_readyz_reports_each_check_ok_when_ready(client, migrations_recorded):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "redis": "ok"}}


def test_readyz_is_503_naming_an_unapplied_migration(client, migrations_recorded):
    # As after deploying code with a new migration that the migrate job has not applied yet.
    (newest,) = MigrationLoader(connection).graph.leaf_nodes("missions")
    migrations_recorded.record_unapplied(*newest)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "ok"
    assert body["checks"]["migrations"] == f"1 unapplied: missions.{newest[1]}"


def test_probes_refuse_other_methods(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
