"""Fixtures of the deployment tests: the image's processes started on this machine, with private services."""

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO_DIR = Path(__file__).resolve().parents[2]
ENTRYPOINT = REPO_DIR / "docker" / "entrypoint.sh"
# The virtualenv's scripts (gunicorn, kubectl, hadolint...) sit beside the interpreter that runs the tests.
BIN_DIR = Path(sys.executable).parent


@pytest.fixture
def production_env() -> dict[str, str]:
    """The environment of a container: production settings, a real secret, the virtualenv's tools first."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        PATH=f"{BIN_DIR}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    return env


def stop_process(process: subprocess.Popen, *, seconds: float = 30) -> None:
    """Terminate a process that a test started, killing it if it does not exit in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def empty_postgres_database(postgres) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database on DATABASE_URL's server, dropped after the test."""
    import psycopg2
    from psycopg2 import sql

    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"{url.path.lstrip('/')}_deploy_test"
    maintenance_url = urlunsplit(url._replace(path="/postgres"))

    def run(statement: sql.Composable) -> None:
        connection = psycopg2.connect(maintenance_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    run(drop)
    run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield urlunsplit(url._replace(path=f"/{name}"))
    run(drop)
