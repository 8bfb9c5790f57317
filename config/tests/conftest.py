"""Fixtures of the deployment tests: the image's processes started on this machine, with private services."""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

REPO_DIR = Path(__file__).resolve().parents[2]
ENTRYPOINT = REPO_DIR / "docker" / "entrypoint.sh"
# The virtualenv's scripts (gunicorn, kubectl, hadolint...) sit beside the interpreter that runs the tests.
BIN_DIR = Path(sys.executable).parent


def wait_until(condition: Callable[[], object], *, what: str, seconds: float = 60) -> object:
    """Poll ``condition`` until it returns something truthy; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def free_port() -> int:
    """A TCP port that nothing listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def need_service(name: str, reason: str) -> None:
    """Skip a test that needs a local service, except in CI where it must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide {name}: {reason}")
    pytest.skip(reason)


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


class PrivateRedis:
    """A redis-server of the test's own on a free port, so the test may stop it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        wait_until(lambda: self._answers(client), what=f"redis-server on port {self.port}", seconds=20)
        client.close()

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        """Stop the server and wait for it to exit."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A private redis-server, stopped at the end of the test if the test did not stop it."""
    if shutil.which("redis-server") is None:
        need_service("redis-server", "needs the redis-server program")
    server = PrivateRedis()
    yield server
    server.stop()


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
