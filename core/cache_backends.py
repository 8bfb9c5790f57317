"""A Redis cache for throttle counters and cached answers that degrades to "nothing stored" when Redis is down."""

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
# What a Redis that is down, restarting or frozen raises; anything else is a bug and propagates.
UNAVAILABLE = (ConnectionError, TimeoutError)


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

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNAVAILABLE:
            logger.warning("cache %s unavailable: read missed", self.key_prefix, exc_info=True)
            return default

    def set(self, key: str, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE:
            logger.warning("cache %s unavailable: write dropped", self.key_prefix, exc_info=True)
