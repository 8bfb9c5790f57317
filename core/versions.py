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
    if not isinstance(cache, TolerantRedisCache):
        return counter.current(), cache.get(key)
    copy = copy_key(counter)
    found = cache.get_many([copy, key])
    number = found.get(copy)
    if number is None:
        number = counter.current()
        # Not from inside a transaction, which may see a change of its own that others cannot see yet; and never
        # over a greater number, which a change committed since this read has copied.
        if not connections[counter.objects.db].in_atomic_block:
            cache.set_greater(copy, number, COPY_SECONDS)
    return number, found.get(key)


def version_changed(*, counter: type["VersionCounter"]) -> None:
    """Drop the copy of a counter that moves on, and copy its new number once the change is committed."""
    cache = caches["api"]
    if not isinstance(cache, TolerantRedisCache):
        return
    copy = copy_key(counter)
    # At once, so that reads inside the changing transaction ask the database, which shows them the change...
    cache.delete(copy)
    # ...and after the commit, over any older number that a read which began before the commit copies late. The
    # number is read here, where the transaction sees its own change: after the commit only Redis is asked.
    number = counter.current()
    # Robust: the change is committed whatever becomes of its copy, which at worst expires in COPY_SECONDS.
    transaction.on_commit(lambda: cache.set_greater(copy, number, COPY_SECONDS), using=counter.objects.db, robust=True)
