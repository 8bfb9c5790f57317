"""A Redis cache for throttle counters and cached answers that degrades to "nothing stored" when Redis is down."""

import logging
import os
from dataclasses import dataclass
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
# What a Redis that is down, restarting or frozen raises; anything else is a bug and propagates.
UNAVAILABLE = (ConnectionError, TimeoutError)

# A sliding window of requests in one sorted set (score: the time of each request): drop those older than the window,
# count the rest, and record this request only if the count is under the limit. One atomic round trip, where a read
# then a write would take two and let concurrent requests from other processes each see room for one more.
WINDOW_SCRIPT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
local allowed = count < tonumber(ARGV[3])
if allowed then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
    redis.call('PEXPIRE', KEYS[1], ARGV[4])
    count = count + 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
return {allowed and 1 or 0, count, oldest or false}
"""

# Store a whole number unless the key already holds one at least as great. Django's serializer stores whole numbers
# as they are, so the cache's get() reads them back.
GREATER_SCRIPT = """
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current >= tonumber(ARGV[1]) then
    return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""


@dataclass(frozen=True)
class Window:
    """A request counted against a limit: whether it is allowed, how many the window holds, when the oldest came."""

    allowed: bool
    count: int
    oldest: float | None


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, with one redis-py client per connection pool rather than a new one per call.

    Building a client costs about half a round trip to Redis, and every cached answer and throttle check asks for
    one; a client is safe to share between threads, each command taking its own connection from the pool.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[Any, Any] = {}

    def get_client(self, key: str | None = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class TolerantRedisCache(RedisCache):
    """Django's Redis cache, whose reads miss and writes are dropped while Redis cannot be reached.

    The throttles and the answer cache sit on every API request: a Redis outage must not turn reads of data in
    PostgreSQL into errors, so requests go unthrottled and uncached until Redis answers again.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._window_script: Any = None
        self._greater_script: Any = None

    def window_hit(self, key: str, *, now: float, seconds: int, limit: int) -> Window | None:
        """Count a request at ``now`` against ``limit`` requests in the last ``seconds``; None while Redis is down.

        The window is kept under its own key, apart from anything a read-then-write counter stored under ``key``.
        """
        key = self.make_and_validate_key(f"{key}:window")
        client = self._cache.get_client(key, write=True)
        if self._window_script is None:
            self._window_script = client.register_script(WINDOW_SCRIPT)
        # Each request its own member, however close together two processes count theirs.
        member = f"{now!r}:{os.urandom(6).hex()}"
        try:
            allowed, count, oldest = self._window_script(
                keys=[key], args=[repr(now), repr(now - seconds), limit, seconds * 1000, member], client=client
            )
        except UNAVAILABLE:
            logger.warning("cache %s unavailable: request not counted", self.key_prefix, exc_info=True)
            return None
        return Window(allowed=bool(allowed), count=count, oldest=None if oldest is None else float(oldest))

    def set_greater(self, key: str, number: int, timeout: int) -> None:
        """Store ``number`` for ``timeout`` seconds, unless ``key`` holds a number at least as great."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        if self._greater_script is None:
            self._greater_script = client.register_script(GREATER_SCRIPT)
        try:
            self._greater_script(keys=[key], args=[number, timeout * 1000], client=client)
        except UNAVAILABLE:
            logger.warning("cache %s unavailable: write dropped", self.key_prefix, exc_info=True)

    def number(self, key: str) -> int | None:
        """The whole number stored under one of the application's own keys; None when none or while Redis is down.

        One GET, without the key checks of get() that a key of the application's own does not need: it is asked on
        every answer served in front of Django.
        """
        key = self.make_key(key)
        try:
            value = self._cache.get_client(key).get(key)
        except UNAVAILABLE:
            logger.warning("cache %s unavailable: read missed", self.key_prefix, exc_info=True)
            return None
        # Whole numbers are stored as their digits (Django's serializer), anything else pickled.
        return int(value) if value is not None and value.isdigit() else None

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNAVAILABLE:
            logger.warning("cache %s unavailable: read missed", self.key_prefix, exc_info=True)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE:
            logger.warning("cache %s unavailable: reads missed", self.key_prefix, exc_info=True)
            return {}

    def delete(self, key: str, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except UNAVAILABLE:
            logger.warning("cache %s unavailable: delete dropped", self.key_prefix, exc_info=True)
            return False

    def set(self, key: str, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE:
            logger.warning("cache %s unavailable: write dropped", self.key_prefix, exc_info=True)
