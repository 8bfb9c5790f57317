"""The embedded default's job queue: an in-process Redis, built when the first job is queued."""

from functools import cache

from redis import ConnectionPool


@cache
def embedded_redis_pool() -> ConnectionPool:
    """The connection pool of one in-process fakeredis server, shared by every queue of the process."""
    import fakeredis

    # lupa gives fakeredis the Lua scripting that some RQ operations use.
    return fakeredis.FakeStrictRedis(server=fakeredis.FakeServer()).connection_pool
