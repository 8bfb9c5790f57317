"""Copies of the version counters in the shared answer cache, read in the same round trip as a cached answer.

A cached answer is served only for the current number of the counter it was computed under. Where every process
shares the "api" cache (Redis), the number is copied there, so that a hit costs one round trip to Redis and no query
to the database. An in-process cache cannot hear of another process's change: there the database is asked each time.
"""

from typing import TYPE_CHECKING, Any

from django.core.cache import caches
from django.db import connections, transaction

from core.cache_backends import TolerantRedisCache

if TYPE_CHECKING:
    from core.models import VersionCounter

# How long a copy is trusted before the number is read from the database again. Each change replaces the copy once
# it is committed; this only bounds how long a copy could stay behind if Redis missed that replacement.
COPY_SECONDS = 1


def copy_key(counter: type["VersionCounter"]) -> str:
    """The key of the counter's copy in the "api" cache."""
    return f"version:{counter._meta.label_lower}"


def version_and_cached(*, counter: type["VersionCounter"], key: str) -> tuple[int, Any]:
    """The counter's current number, and what the "api" cache holds under ``key`` (None when nothing)."""
    cache = caches["api"]
    # Inside a transaction the database is asked: the transaction may hold a change of its own, which no copy shows.
    if not isinstance(cache, TolerantRedisCache) or connections[counter.objects.db].in_atomic_block:
        return counter.current(), cache.get(key)
    copy = copy_key(counter)
    found = cache.get_many([copy, key])
    number = found.get(copy)
    if number is None:
        number = counter.current()
        # Never over a greater number, which a change committed since this read has copied.
        cache.set_greater(copy, number, COPY_SECONDS)
    return number, found.get(key)


def version_changed(*, counter: type["VersionCounter"], number: int) -> None:
    """Copy the new number of a counter that moved on, once the change is committed."""
    cache = caches["api"]
    if not isinstance(cache, TolerantRedisCache):
        return
    copy = copy_key(counter)
    # After the commit, over any older number that a read which began before the commit copies late. Robust: the
    # change is committed whatever becomes of its copy, which at worst expires in COPY_SECONDS.
    transaction.on_commit(lambda: cache.set_greater(copy, number, COPY_SECONDS), using=counter.objects.db, robust=True)
