"""A Redis cache for throttle counters and cached answers that degrades to "nothing stored" when Redis is down."""

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
# What a Redis that is down, restarting or frozen raises; anything else is a bug and propagates.
UNAVAILABLE = (ConnectionError, TimeoutError)


class TolerantRedisCache(RedisCache):
    """Django's Redis cache, whose reads miss and writes are dropped while Redis cannot be reached.

    The throttles and the answer cache sit on every API request: a Redis outage must not turn reads of data in
    PostgreSQL into errors, so requests go unthrottled and uncached until Redis answers again.
    """

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
