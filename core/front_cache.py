"""Whole answers to anonymous reads, served in front of Django while what they read is unchanged.

A view that may be answered this way says so for each answer (``answer_reusable``): the version counter that moves
on when what it read changes, and the throttles it applies. The WSGI layer (``FrontCache``) stores that answer, its
status, headers and body, in Redis for every process and in its own, and serves the next identical anonymous GET
after one round trip to Redis (the counter's current number, with the answer too if the process does not hold it)
and the view's throttles, without building a request, resolving the URL or running a middleware. Anything it
cannot be sure of (a signed-in client, another number, Redis away, a throttle that refuses) goes to Django as
before, whose answer to a refusal is the usual 429.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NamedTuple

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpRequest
from django.http.cookie import parse_cookie
from django.http.request import HttpHeaders
from django.utils.module_loading import import_string

from core.cache_backends import TolerantRedisCache
from core.versions import copy_key

if TYPE_CHECKING:
    from core.models import VersionCounter

logger = logging.getLogger(__name__)

# Part of every key: answers stored by a release that shaped them otherwise are never read.
KEY_FORMAT = "front:1"
# Where a view's answer notes that it may be reused, in the request's WSGI environment (Django's request.META).
REUSABLE = "core.front_cache.reusable"
# Each process keeps the answers it stored or read last, this many bytes of them at most, so that a repeated read
# asks Redis for a few bytes (the counter's number), not for the whole answer again. It also keeps which requests
# Django last answered with what cannot be served again (pages, static files, probes), so that those ask Redis
# nothing: this many entries in all at most.
KEPT_BYTES = 16 << 20
KEPT_ENTRIES = 10_000
# What the WSGI layer stores: text that a client reads as data, never a page that shows who is signed in.
STORED_TYPES = ("application/json", "text/plain")
# Everything of a request that its answer may depend on, besides being anonymous: the address as the client and
# the proxies saw it (scheme, host, path, query) and the media type it asks for.
KEY_FIELDS = (
    "wsgi.url_scheme",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "HTTP_ACCEPT",
)


def answer_reusable(
    *, request: HttpRequest, view: Any, counter: type["VersionCounter"] | None, version: int | None = None
) -> None:
    """Let the WSGI layer serve this answer again while ``counter`` stays at ``version``; for good if no counter.

    Only an anonymous client's answer: the WSGI layer tells those by their lack of credentials, and an answer that
    some other way of signing in let through must never be served to them.
    """
    if not request.user.is_anonymous or getattr(request, "auth", None) is not None:
        return
    throttles = tuple(f"{type(throttle).__module__}.{type(throttle).__qualname__}" for throttle in view.get_throttles())
    request.META[REUSABLE] = (None if counter is None else copy_key(counter), version, throttles)


class Answer(NamedTuple):
    """A stored answer: the counter copy it depends on (None: none) at its version, its throttles, and itself."""

    counter: str | None
    version: int | None
    throttles: tuple[str, ...]
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class FrontCache:
    """WSGI middleware: the stored answer to an anonymous GET, if its version is current and its throttles allow."""

    def __init__(self, application: Callable) -> None:
        self.application = application
        # By key, each until its expiry, the answer this process served last (None: Django's, not to serve again);
        # the oldest goes first past KEPT_BYTES or KEPT_ENTRIES.
        self.kept: OrderedDict[str, tuple[Answer | None, float]] = OrderedDict()
        self.kept_bytes = 0
        self.lock = threading.Lock()  # a process serves from several threads

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        key = _request_key(environ)
        if key is None:
            return self.application(environ, start_response)
        try:
            answer = self._current(key)
            served = answer is not None and _throttles_allow(answer.throttles, environ)
        except Exception:  # whatever it is, Django answers instead: the front only ever saves work
            logger.exception("front cache: reading the stored answer failed; Django answers")
            served = False
        if served:
            start_response(answer.status, list(answer.headers))
            return [answer.body]
        captured: list[tuple[str, list]] = []

        def start_and_capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured.append((status, headers))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        response = self.application(environ, start_and_capture)
        if captured:
            try:
                self._store(key, environ, *captured[-1], response)
            except Exception:  # the answer goes out all the same, closed by the server as ever
                logger.exception("front cache: storing an answer failed")
        return response

    def _current(self, key: str) -> Answer | None:
        """The answer stored under ``key`` if the number it was made under is still current; else None."""
        kept = self.kept.get(key)
        # Kept no longer than Redis keeps it: a change that moves no counter (a restored backup, say) is served for
        # API_CACHE_SECONDS at most, as the answer cache serves it.
        current = kept is not None and kept[1] > time.monotonic()
        answer = kept[0] if current else None
        if current and answer is None:
            return None  # Django's last answer to it could not be served again: Redis holds none either
        if answer is not None and answer.counter is None:
            return answer
        cache = _shared_cache()
        if cache is None:
            return None
        if answer is not None:
            # Kept here: only the counter's number is asked for, a few bytes rather than the whole answer.
            return answer if cache.number(answer.counter) == answer.version else None
        found = cache.get_many([key, *_counter_keys()])
        answer = found.get(key)
        # Anything else under the key (stored by another release of the code, say) is not an answer to serve.
        if not isinstance(answer, Answer) or found.get(answer.counter) != answer.version:
            return None
        self._keep(key, answer)
        return answer

    def _store(self, key: str, environ: dict[str, Any], status: str, headers: list, response: Any) -> None:
        """Keep an answer that its view marked reusable, if it is a plain 200 of data that sets no cookie."""
        reusable = environ.get(REUSABLE)
        body = getattr(response, "content", None)
        # A page or a file (no mark, no content) is known as such without its headers being read.
        if reusable is None or body is None or not _plain_data(status, headers):
            self._keep(key, None)
            return
        answer = Answer(*reusable, status=status, headers=tuple(headers), body=body)
        if answer.counter is not None:
            cache = _shared_cache()
            if cache is None:
                return
            cache.set(key, answer, settings.API_CACHE_SECONDS)
        self._keep(key, answer)

    def _keep(self, key: str, answer: Answer | None) -> None:
        """Keep an answer (None: not one to serve) for API_CACHE_SECONDS, the oldest going past the bounds."""
        with self.lock:
            replaced, _ = self.kept.pop(key, (None, 0.0))
            self.kept_bytes -= _size(replaced)
            self.kept[key] = (answer, time.monotonic() + settings.API_CACHE_SECONDS)
            self.kept_bytes += _size(answer)
            while self.kept_bytes > KEPT_BYTES or len(self.kept) > KEPT_ENTRIES:
                _, (dropped, _) = self.kept.popitem(last=False)
                self.kept_bytes -= _size(dropped)


def _plain_data(status: str, headers: list) -> bool:
    """Whether an answer is a 200 of data (JSON or text) that sets no cookie."""
    if not status.startswith("200 "):
        return False
    names = {name.lower(): value for name, value in headers}
    return "set-cookie" not in names and names.get("content-type", "").startswith(STORED_TYPES)


def _size(answer: Answer | None) -> int:
    """The bytes of an answer's body that a process keeps."""
    return len(answer.body) if answer is not None else 0


def _request_key(environ: dict[str, Any]) -> str | None:
    """The key of an anonymous GET's answer; None for any request that the WSGI layer leaves to Django."""
    if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ or not settings.API_CACHE_SECONDS:
        return None
    cookies = environ.get("HTTP_COOKIE")
    if cookies and settings.SESSION_COOKIE_NAME in parse_cookie(cookies):
        return None
    fields = "\n".join(str(environ.get(field, "")) for field in KEY_FIELDS)
    # Hashed: an address can be longer than a cache key may be (and carry characters keys may not).
    return f"{KEY_FORMAT}:{hashlib.sha256(fields.encode('utf-8', 'surrogatepass')).hexdigest()}"


def _shared_cache() -> TolerantRedisCache | None:
    """The answer cache when every process shares it (Redis): only there is a counter's copy current for all."""
    cache = caches["api"]
    return cache if isinstance(cache, TolerantRedisCache) else None


@cache
def _counter_keys() -> tuple[str, ...]:
    """The keys of every version counter's copy, read with each stored answer in the same round trip."""
    from core.models import VersionCounter

    return tuple(copy_key(model) for model in apps.get_models() if issubclass(model, VersionCounter))


def _throttles_allow(throttles: tuple[str, ...], environ: dict[str, Any]) -> bool:
    """Whether the view's throttles allow this anonymous request, counted as the view would count it."""
    limits = [throttle for throttle in (_throttle_class(path)() for path in throttles) if throttle.rate is not None]
    if not limits:
        return True
    request = SimpleNamespace(META=environ, headers=HttpHeaders(environ), user=AnonymousUser())
    # Each counts the request, as DRF has every throttle count it, even past one that refuses.
    return all([throttle.allow_request(request, None) for throttle in limits])


@cache
def _throttle_class(path: str) -> type:
    """A throttle class by its dotted path, imported once."""
    return import_string(path)
