"""Production settings, loaded in a fresh interpreter as a container loads them."""

import json
import subprocess
import sys

import pytest

from config.tests.conftest import REPO_DIR

# Each test starts a Python process of its own.
pytestmark = pytest.mark.slow


def run_python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the project's Python with the given environment, from the repository root."""
    return subprocess.run([sys.executable, *args], env=env, cwd=REPO_DIR, capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_without_a_single_warning(production_env):
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=production_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_refuses_to_start_without_a_secret_key(production_env):
    result = run_python("manage.py", "check", env={**production_env, "SECRET_KEY": ""})
    assert result.returncode == 1
    assert "ImproperlyConfigured: SECRET_KEY must be set in the environment" in result.stderr


def test_refuses_to_start_with_the_example_secret_key(production_env):
    example = next(
        line.split("=", 1)[1]
        for line in (REPO_DIR / "k8s" / "secrets.env.example").read_text().splitlines()
        if line.startswith("SECRET_KEY=")
    )
    result = run_python("manage.py", "check", env={**production_env, "SECRET_KEY": example})
    assert result.returncode == 1
    assert "ImproperlyConfigured: SECRET_KEY is the example value" in result.stderr


def test_https_and_cookie_settings_follow_the_environment(production_env):
    show = (
        "from django.conf import settings as s; import json; print(json.dumps([s.DEBUG, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS]))"
    )
    secure = run_python("-c", f"import django; django.setup(); {show}", env=production_env)
    assert json.loads(secure.stdout) == [
        False,
        True,
        None,
        31536000,
        True,
        True,
        ["localhost", "127.0.0.1", "[::1]"],
        [],
    ]
    behind_proxy = {
        **production_env,
        "SECURE_PROXY_SSL_HEADER": "true",
        "ALLOWED_HOSTS": "sma.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://sma.example.com",
    }
    proxied = run_python("-c", f"import django; django.setup(); {show}", env=behind_proxy)
    assert json.loads(proxied.stdout)[2:] == [
        ["HTTP_X_FORWARDED_PROTO", "https"],
        31536000,
        True,
        True,
        ["sma.example.com"],
        ["https://sma.example.com"],
    ]
    plain_http = {
        **production_env,
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }
    plain = run_python("-c", f"import django; django.setup(); {show}", env=plain_http)
    assert json.loads(plain.stdout)[:6] == [False, False, None, 0, False, False]


def test_logs_are_one_json_object_per_line_on_stdout(production_env):
    log = "import django, logging; django.setup(); logging.getLogger('missions').warning('imported %d rows', 4323)"
    result = run_python("-c", log, env=production_env)
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record.keys() == {"time", "level", "logger", "message", "process"}
    assert (record["level"], record["logger"], record["message"]) == ("WARNING", "missions", "imported 4323 rows")


def test_throttles_and_answers_are_kept_in_redis_when_it_is_configured(production_env):
    show = (
        "from django.conf import settings as s; import json;"
        " print(json.dumps([s.CACHES[n]['BACKEND'] for n in ('throttle', 'api')]))"
    )
    command = f"import django; django.setup(); {show}"
    shared = run_python("-c", command, env={**production_env, "REDIS_URL": "redis://redis:6379/0"})
    assert json.loads(shared.stdout) == ["core.cache_backends.TolerantRedisCache"] * 2
    local = run_python("-c", command, env={**production_env, "REDIS_URL": ""})
    assert json.loads(local.stdout) == ["django.core.cache.backends.locmem.LocMemCache"] * 2


def test_the_wsgi_application_loads_every_view_before_its_first_request(production_env):
    # gunicorn's preload_app forks the workers from this process: what it loaded, no first request waits for.
    script = "import sys, config.wsgi; print(' '.join(sorted(m for m in sys.modules if m.endswith('.views'))))"
    result = run_python("-c", script, env=production_env)
    assert result.returncode == 0, result.stderr
    assert {"analysis.api.views", "missions.api.views", "pages.views"} <= set(result.stdout.split())
