"""Rate limits that hold: a forged X-Forwarded-For, password guessing, and several web processes."""

import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from rest_framework.views import APIView

from config.settings.base import shared_caches
from core.cache_backends import TolerantRedisCache
from core.throttling import AnonRateThrottle, LoginClientThrottle, LoginUsernameThrottle, UserRateThrottle


def rates(settings, *, num_proxies: int = 0, **scopes: str | None) -> None:
    """Set the throttle rates (others off) and the number of trusted proxies."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "login": None, **scopes},
        "NUM_PROXIES": num_proxies,
    }


@pytest.fixture(params=["in-process", "redis"])
def throttle_store(request, monkeypatch) -> str:
    """Run the test once on the in-process counters and once on Redis's, as the production settings keep them."""
    if request.param == "redis":
        cache = redis_cache(request.getfixturevalue("needs_redis"), f"test-throttle-{secrets.token_hex(4)}")
        for throttle in (AnonRateThrottle, UserRateThrottle, LoginClientThrottle, LoginUsernameThrottle):
            monkeypatch.setattr(throttle, "cache", cache)
    return request.param


def anonymous_request(address: str):
    """A GET from an anonymous client at ``address``."""
    request = RequestFactory().get("/api/rockets/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def test_a_new_forwarded_for_on_each_request_does_not_escape_the_limit(client, db, settings, throttle_store):
    rates(settings, anon="100/minute")
    statuses = [
        client.get("/api/organisations/", HTTP_X_FORWARDED_FOR=f"10.0.{n // 250}.{n % 250}").status_code
        for n in range(200)
    ]
    assert statuses == [200] * 100 + [429] * 100


def test_behind_one_proxy_the_address_it_appends_is_the_client(client, db, settings):
    rates(settings, num_proxies=1, anon="2/minute")
    # The proxy appends the address it saw; whatever the client wrote before it is not trusted.
    forged = [f"203.0.113.{n}, 198.51.100.7" for n in range(3)]
    assert [client.get("/api/rockets/", HTTP_X_FORWARDED_FOR=xff).status_code for xff in forged] == [200, 200, 429]
    assert client.get("/api/rockets/", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


@pytest.fixture
def reader(db):
    """A user whose password a guesser does not know."""
    return get_user_model().objects.create_user("reader", password="pw-reader-123456", is_staff=True)


def test_password_guessing_on_the_token_exchange_is_limited_per_client(client, reader, settings, throttle_store):
    rates(settings, login="3/minute")
    statuses = [
        client.post("/api/auth/token/", {"username": f"user{n}", "password": "guess"}).status_code for n in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    refused = client.post("/api/auth/token/", {"username": "reader", "password": "pw-reader-123456"})
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Request was throttled.")


def test_password_guessing_on_the_token_exchange_is_limited_per_username(client, reader, settings):
    rates(settings, login="3/minute")
    guesses = [
        client.post(
            "/api/auth/token/", {"username": "Reader", "password": f"guess{n}"}, REMOTE_ADDR=f"192.0.2.{n}"
        ).status_code
        for n in range(4)
    ]
    assert guesses == [400, 400, 400, 429]
    right = client.post(
        "/api/auth/token/", {"username": "reader", "password": "pw-reader-123456"}, REMOTE_ADDR="192.0.2.99"
    )
    assert right.status_code == 429
    other = client.post(
        "/api/auth/token/", {"username": "someone", "password": "guess"}, format="json", REMOTE_ADDR="192.0.2.99"
    )
    assert other.status_code == 400


def admin_login(username: str, password: str, address: str) -> tuple[str, bool]:
    """Sign in to the admin from ``address``: the page's text and whether a session was opened."""
    browser = Client()
    response = browser.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response.content.decode(), "_auth_user_id" in browser.session


def test_the_admin_refuses_sign_in_once_a_client_has_guessed_too_often(reader, settings, throttle_store):
    rates(settings, login="3/minute")
    for n in range(3):
        page, signed_in = admin_login(f"user{n}", "guess", "192.0.2.1")
        assert "Please enter the correct username and password" in page and not signed_in
    page, signed_in = admin_login("reader", "pw-reader-123456", "192.0.2.1")
    assert "Too many sign-in attempts. Try again in" in page and not signed_in
    assert admin_login("reader", "pw-reader-123456", "192.0.2.2")[1]


def test_the_admin_refuses_sign_in_once_a_username_has_been_guessed_too_often(reader, settings):
    rates(settings, login="3/minute")
    for n in range(3):
        assert not admin_login("reader", f"guess{n}", f"192.0.2.{n}")[1]
    page, signed_in = admin_login("READER", "pw-reader-123456", "192.0.2.50")
    assert "Too many sign-in attempts. Try again in" in page and not signed_in


def redis_cache(url: str, prefix: str) -> TolerantRedisCache:
    """A throttle cache as another web process builds it from the same settings."""
    params = {**shared_caches(url)["throttle"], "KEY_PREFIX": prefix}
    return TolerantRedisCache(params.pop("LOCATION"), params)


def test_with_redis_every_process_counts_against_the_same_limit(needs_redis, settings):
    rates(settings, anon="3/minute")
    prefix = f"test-throttle-{secrets.token_hex(4)}"
    processes = [redis_cache(needs_redis, prefix), redis_cache(needs_redis, prefix)]
    request = anonymous_request("192.0.2.7")
    allowed = []
    for n in range(6):
        throttle = AnonRateThrottle()
        throttle.cache = processes[n % 2]
        allowed.append(throttle.allow_request(request, APIView()))
    assert allowed == [True, True, True, False, False, False]


def test_with_redis_requests_at_the_same_moment_never_pass_the_limit_together(needs_redis, settings):
    rates(settings, anon="5/minute")
    prefix = f"test-throttle-{secrets.token_hex(4)}"
    processes = [redis_cache(needs_redis, prefix) for _ in range(8)]
    request = anonymous_request("192.0.2.9")

    def ask(n: int) -> bool:
        throttle = AnonRateThrottle()
        throttle.cache = processes[n % len(processes)]
        return throttle.allow_request(request, APIView())

    with ThreadPoolExecutor(max_workers=32) as pool:
        allowed = list(pool.map(ask, range(200)))

    assert allowed.count(True) == 5


def test_with_redis_a_request_is_counted_in_one_round_trip(needs_redis, settings, monkeypatch):
    rates(settings, anon="5/minute")
    cache = redis_cache(needs_redis, f"test-throttle-{secrets.token_hex(4)}")
    request = anonymous_request("192.0.2.12")

    def ask() -> bool:
        throttle = AnonRateThrottle()
        throttle.cache = cache
        return throttle.allow_request(request, APIView())

    ask()  # the first request also loads the script into Redis
    client = cache._cache.get_client(write=True)
    commands = []
    execute = client.execute_command
    monkeypatch.setattr(
        client, "execute_command", lambda *args, **kwargs: commands.append(args[0]) or execute(*args, **kwargs)
    )

    assert ask()
    assert commands == ["EVALSHA"]


def test_a_refused_request_waits_until_the_oldest_in_the_window_leaves_it(db, settings, throttle_store):
    rates(settings, anon="3/minute")
    request = anonymous_request("192.0.2.8")
    outcomes = []
    for now in (1000.0, 1001.0, 1002.0, 1003.0, 1060.5):
        throttle = AnonRateThrottle()
        throttle.timer = lambda now=now: now
        allowed = throttle.allow_request(request, APIView())
        outcomes.append(allowed or throttle.wait())
    # 1003: the window is full until 1000's request is 60 seconds old; 1060.5: it has left, two remain.
    assert outcomes == [True, True, True, 57.0, True]


def test_with_redis_a_count_left_by_the_previous_release_does_not_break_the_limit(needs_redis, settings):
    rates(settings, anon="2/minute")
    cache = redis_cache(needs_redis, f"test-throttle-{secrets.token_hex(4)}")
    request = anonymous_request("192.0.2.10")
    throttle = AnonRateThrottle()
    # The list of request times that DRF's read-then-write count keeps under the throttle's key.
    cache.set(throttle.get_cache_key(request, APIView()), [1000.0], 60)
    allowed = []
    for _ in range(3):
        throttle = AnonRateThrottle()
        throttle.cache = cache
        allowed.append(throttle.allow_request(request, APIView()))
    assert allowed == [True, True, False]


def test_a_redis_that_does_not_answer_counts_and_caches_nothing(settings):
    rates(settings, anon="1/minute")
    cache = redis_cache("redis://127.0.0.1:9/0", "unreachable")
    cache.set("answer", b"42", 60)
    assert cache.get("answer") is None
    allowed = []
    for _ in range(2):
        throttle = AnonRateThrottle()
        throttle.cache = cache
        allowed.append(throttle.allow_request(anonymous_request("192.0.2.11"), APIView()))
    assert allowed == [True, True]


def test_a_redis_cache_builds_its_client_once_and_shares_it(needs_redis):
    cache = redis_cache(needs_redis, f"test-client-{secrets.token_hex(4)}")
    cache.set("answer", b"42", 60)

    assert cache.get("answer") == b"42"
    assert cache._cache.get_client("answer") is cache._cache.get_client("answer", write=True)
    cache.delete("answer")
