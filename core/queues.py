"""The job queues on one Redis connection pool per process, shared by every enqueue and every status read.

django-rq builds a new client for each queue it is asked for, with a new connection pool: every enqueue then opens
a connection, introduces itself and has RQ ask the server for its version, several round trips before the job's
own. One client per Redis URL, kept by the process, pays them once.
"""

from functools import cache

import django_rq
from django.conf import settings
from redis import Redis
from rq import Queue


def queue_get(name: str, **kwargs: object) -> Queue:
    """django-rq's queue of this name (``kwargs`` as django_rq.get_queue takes them) on the shared connection."""
    return django_rq.get_queue(name, connection=queue_connection(name), **kwargs)


def queue_connection(name: str) -> Redis:
    """The process's client of the Redis that the queue of this name is on."""
    url = settings.RQ_QUEUES[name].get("URL")
    # Without a URL the queues are the in-process ones of the embedded default: no connection to keep.
    return _client(url) if url else django_rq.get_connection(name)


@cache
def _client(url: str) -> Redis:
    """One client per URL, as django-rq would build it: a test or a setting may point the queues elsewhere."""
    return Redis.from_url(url)
