"""Schemathesis against a live server over the sample launches: the schema and the answers agree, and nothing is a 500.

Every check runs (see schemathesis.toml for the documented exceptions), once anonymously and once with a staff
token; the staff run leaves out the routes that delete or replace the launch data or every job.
"""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from testsupport.browser import live_server

# The generated sample: fuzzing asks about the schema, which the real file would not change.
pytestmark = [pytest.mark.slow, pytest.mark.parametrize("launch_file", ["sample"], indirect=True)]

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
DESTRUCTIVE = r"^/data$|^/jobs/clear$|^/api/jobs/clear/$"


@pytest.fixture(scope="module", autouse=True)
def _jobs_removed_afterwards(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The jobs that the live server committed for the generated requests go once the module is done."""
    yield
    from analysis.models import Job

    with django_db_blocker.unblock():
        Job.objects.all().delete()


@pytest.fixture(scope="module")
def staff_token(django_db_setup, django_db_blocker) -> Iterator[str]:
    """A staff user's token, committed so that the live server's own connection sees it."""
    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user("fuzz-staff", password="pw-fuzz-staff-123", is_staff=True)
        token = Token.objects.create(user=user).key
    yield token
    with django_db_blocker.unblock():
        get_user_model().objects.filter(username="fuzz-staff").delete()


@pytest.fixture
def api_server(launch_data, db, settings, media) -> Iterator[str]:
    """A live server over the imported launches, without rate limits so that every generated request is answered."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]),
    }
    with live_server() as url:
        yield url


def schemathesis(url: str, *options: str) -> subprocess.CompletedProcess:
    """Run every check of schemathesis against the live schema with a fixed seed; its report is the output."""
    if not SCHEMATHESIS.exists():
        pytest.fail(f"{SCHEMATHESIS} is missing: install requirements-dev.txt")
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{url}/api/schema/?format=json",
        "--checks=all",
        "--max-examples=10",
        "--workers=1",
        "--seed=1",
        "--phases=examples,coverage,fuzzing",
        "--generation-database=none",
        "--no-color",
        *options,
    ]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_schemathesis_finds_nothing_anonymously(api_server):
    run = schemathesis(api_server)

    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
    assert "Tested: 28" in run.stdout, run.stdout[-5000:]


def test_schemathesis_finds_nothing_with_a_staff_token(api_server, staff_token):
    run = schemathesis(
        api_server, f"--header=Authorization: Token {staff_token}", f"--exclude-path-regex={DESTRUCTIVE}"
    )

    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
