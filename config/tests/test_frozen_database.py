"""A PostgreSQL that is alive but frozen (SIGSTOP): web requests end in 503s, the probes answer, nothing hangs."""

import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.tests.conftest import ENTRYPOINT, stop_process
from config.tests.test_entrypoint import answers, entrypoint, http_get
from conftest import free_port, need_service, postgres_signal, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.redis]


class PrivatePostgres:
    """A PostgreSQL server of the test's own, in a temporary folder, that the test may freeze and thaw."""

    def __init__(self, folder: Path) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            need_service("PostgreSQL binaries", "needs initdb and pg_ctl under /usr/lib/postgresql/*/bin")
        self.bin = Path(binaries[-1]).parent
        self.data = folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        # PostgreSQL refuses to run as root: as root, the server runs as the system's postgres user.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        folder.mkdir(mode=0o700)
        if self.as_owner:
            shutil.chown(folder, "postgres")
        self.run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust")
        options = f"-p {self.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l", folder / "pg.log", "-w", "start")

    def run(self, *command: str | Path) -> None:
        """Run a PostgreSQL program as the user that owns the server's files."""
        subprocess.run([*self.as_owner, *map(str, command)], check=True, capture_output=True, timeout=120)

    def signal_all(self, number: int) -> None:
        """Send every process of the server ``number`` (SIGSTOP freezes it, SIGCONT thaws it)."""
        postgres_signal(self.data, number)

    def stop(self) -> None:
        """Thaw and stop the server."""
        self.signal_all(signal.SIGCONT)
        self.run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL, stopped and removed at the end of the test."""
    # Not under tmp_path, which only its owner may enter: the server may run as another user.
    folder = Path(tempfile.mkdtemp(prefix="sma-frozen-pg-"))
    folder.chmod(0o755)
    server = PrivatePostgres(folder / "pg")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_frozen_database_gives_503s_and_probes_that_answer_then_recovers(
    production_env, private_postgres, private_redis, tmp_path
):
    env = {
        **production_env,
        "DATABASE_URL": private_postgres.url,
        "REDIS_URL": private_redis.url,
        "PORT": str(free_port()),
        "SECURE_SSL_REDIRECT": "false",
        "DB_STATEMENT_TIMEOUT": "2",
        "DB_CONNECT_TIMEOUT": "2",
        "READYZ_TIMEOUT": "1",
        # Every request below must reach the database, not the answer cache.
        "API_CACHE_SECONDS": "0",
    }
    entrypoint("python", "manage.py", "migrate", "--noinput", env=env)
    base = f"http://127.0.0.1:{env['PORT']}"
    log = tmp_path / "web.log"
    with log.open("w") as output:
        web = subprocess.Popen([str(ENTRYPOINT), "web"], env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: answers(f"{base}/healthz") or web.poll() is not None, what="gunicorn", seconds=60)
        assert http_get(f"{base}/readyz")[0] == 200
        for _ in range(4):  # every gunicorn thread keeps an open connection to the database
            assert http_get(f"{base}/api/launches/")[0] == 200
            assert http_get(f"{base}/jobs")[0] == 200

        private_postgres.signal_all(signal.SIGSTOP)
        # http_get gives up after 30 seconds: a request held for the whole freeze fails the test.
        for path in ("/api/launches/", "/api/organisations/", "/jobs", "/api/launches/", "/jobs"):
            status, headers, body = http_get(f"{base}{path}")
            assert (status, json.loads(body)["errors"], headers["Retry-After"]) == (503, {}, "5"), path
        assert http_get(f"{base}/healthz")[::2] == (200, b'{"status": "ok"}')
        status, _, body = http_get(f"{base}/readyz")
        assert status == 503
        checks = json.loads(body)["checks"]
        assert checks["database"] == "failed: OperationalError"
        # Not a second wait on the frozen server: the probe answers within its timeout.
        assert checks["migrations"] == "not checked: database unavailable"

        private_postgres.signal_all(signal.SIGCONT)
        wait_until(lambda: answers(f"{base}/readyz"), what="readiness after the thaw", seconds=30)
        for _ in range(4):
            assert http_get(f"{base}/api/launches/")[0] == 200
            assert http_get(f"{base}/jobs")[0] == 200
        assert web.poll() is None, log.read_text()
    finally:
        stop_process(web)
