"""Whole answers served in front of Django: only to anonymous reads, never stale, never past a throttle."""

import secrets
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token

from analysis.models import Job, JobListVersion
from config.settings.base import shared_caches
from core import front_cache
from core.cache_backends import TolerantRedisCache
from core.front_cache import FrontCache
from core.tests.test_limits import rates
from core.tests.test_versions import api_cache
from core.throttling import AnonRateThrottle, UserRateThrottle

ROUTES = ["/help", "/jobs", "/api/jobs/", "/api/launches/?page_size=2"]


class Server:
    """The project's WSGI application as the web server calls it, counting the requests that reach Django."""

    def __init__(self) -> None:
        self.application = FrontCache(WSGIHandler())
        self.django_calls = 0
        request_started.connect(self._count)

    def _count(self, **kwargs: object) -> None:
        self.django_calls += 1

    def close(self) -> None:
        request_started.disconnect(self._count)


@pytest.fixture
def server(transactional_db, settings, needs_redis):
    """The WSGI application with the answer cache on Redis, as every web process of a deployment shares it."""
    api_cache(settings, needs_redis)
    rates(settings)
    server = Server()
    yield server
    server.close()


def get(server: Server, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status code, headers and body of a GET through the WSGI application."""
    environ = RequestFactory().get(path, **headers).environ
    started: list = []

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        started.append((status, headers))

    body = b"".join(server.application(environ, start_response))
    status, headers_sent = started[0]
    return int(status.split()[0]), dict(headers_sent), body


@pytest.mark.parametrize("path", ROUTES)
def test_a_repeated_anonymous_read_is_answered_as_before_without_django(server, path):
    Job.objects.create(analysis="organisations", params={}, params_key="k")
    JobListVersion.bump()

    first = get(server, path)
    again = [get(server, path) for _ in range(3)]

    assert first[0] == 200
    assert again == [first] * 3
    assert server.django_calls == 1


def test_a_new_job_is_in_the_next_answer(server):
    seen = [len(get(server, "/jobs")[2]), len(get(server, "/jobs")[2])]
    Job.objects.create(analysis="organisations", params={}, params_key="k")
    JobListVersion.bump()
    status, _, body = get(server, "/jobs")

    assert seen[0] == seen[1] and body != b"[]" and status == 200
    assert b'"organisations"' in body
    assert server.django_calls == 2


@pytest.fixture
def credentials(db) -> dict[str, dict[str, str]]:
    """The headers of a client signed in with a token, one signed in with a session, and a browser's."""
    user = get_user_model().objects.create_user("reader", password="a long enough password")
    browser = Client()
    browser.force_login(user)
    return {
        "token": {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"},
        "session": {"HTTP_COOKIE": f"sessionid={browser.cookies['sessionid'].value}"},
        "browsable-api": {"HTTP_ACCEPT": "text/html"},
    }


@pytest.mark.parametrize("client_kind", ["token", "session", "browsable-api"])
def test_signed_in_clients_and_pages_always_reach_django(server, credentials, client_kind):
    path = "/api/launches/?page_size=2"
    get(server, path)
    assert get(server, path)[0] == 200 and server.django_calls == 1  # stored for anonymous clients

    statuses = [get(server, path, **credentials[client_kind])[0] for _ in range(2)]

    assert statuses == [200, 200]
    assert server.django_calls == 3


def test_another_query_host_or_media_type_is_another_answer(server):
    requests = [
        ("/api/launches/?page_size=1", {}),
        ("/api/launches/?page_size=2", {}),
        ("/api/launches/?page_size=1", {"HTTP_HOST": "localhost"}),
        ("/api/launches/?page_size=1", {"HTTP_ACCEPT": "application/json; indent=4"}),
    ]
    for _ in range(2):
        for path, headers in requests:
            get(server, path, **headers)

    assert server.django_calls == len(requests)


@pytest.mark.parametrize("path", ["/help", "/jobs"])
def test_answers_in_front_of_django_count_against_the_anonymous_limit(server, settings, monkeypatch, path):
    throttles = api_cache(settings, settings.REDIS_URL)
    for throttle in (AnonRateThrottle, UserRateThrottle):
        monkeypatch.setattr(throttle, "cache", throttles)
    rates(settings, anon="3/minute")

    statuses = [get(server, path)[0] for _ in range(5)]

    assert statuses == [200, 200, 200, 429, 429]
    # The first answer and the two refusals: the second and third came from in front of Django.
    assert server.django_calls == 3


def test_with_the_answers_in_one_process_only_data_is_read_by_django_each_time(transactional_db, settings):
    rates(settings)
    server = Server()
    try:
        [get(server, path) for path in ("/jobs", "/jobs", "/help", "/help")]
    finally:
        server.close()

    # A process cannot hear of another's new job without Redis; the routes are its own.
    assert server.django_calls == 3


def test_with_redis_down_every_read_is_answered_by_django(transactional_db, settings):
    unreachable = shared_caches("redis://127.0.0.1:1/0")["api"]
    settings.CACHES = {**settings.CACHES, "api": {**unreachable, "KEY_PREFIX": secrets.token_hex(8)}}
    rates(settings)
    server = Server()
    try:
        statuses = [get(server, "/jobs")[0] for _ in range(2)]
    finally:
        server.close()

    assert statuses == [200, 200]
    assert server.django_calls == 2


def test_another_process_serves_the_answer_that_one_stored(server):
    first = get(server, "/jobs")
    other = Server()
    try:
        again = get(other, "/jobs")
    finally:
        other.close()

    assert again == first
    # Only the first server's request reached Django: the other server's came from Redis.
    assert (server.django_calls, other.django_calls) == (1, 0)


def test_an_answer_kept_by_a_process_expires_with_the_answer_cache(server, settings):
    settings.API_CACHE_SECONDS = 1
    first = [get(server, "/help") for _ in range(2)]
    time.sleep(1.1)
    again = get(server, "/help")

    assert again == first[0] == first[1]
    assert server.django_calls == 2


def test_an_unreadable_stored_answer_is_answered_by_django(server):
    environ = RequestFactory().get("/jobs").environ
    cache = caches["api"]
    # What another release may have stored under the key: bytes this one cannot unpickle.
    key = cache.make_key(front_cache._request_key(environ))
    cache._cache.get_client(key, write=True).set(key, b"\x80\x05not a pickle")

    statuses = [get(server, "/jobs")[0] for _ in range(2)]

    assert statuses == [200, 200]
    assert server.django_calls == 1  # the first answer replaced what was stored


def test_a_request_django_answers_with_a_page_asks_redis_nothing_the_next_time(server, monkeypatch):
    reads = []
    get_many = TolerantRedisCache.get_many
    monkeypatch.setattr(TolerantRedisCache, "get_many", lambda cache, keys: reads.append(keys) or get_many(cache, keys))

    statuses = [get(server, "/api/launches/?page_size=2", HTTP_ACCEPT="text/html")[0] for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert server.django_calls == 3
    assert len([keys for keys in reads if keys[0].startswith(front_cache.KEY_FORMAT)]) == 1
