"""Bounds on how long a web request waits for PostgreSQL, and the 503 it answers when the database does not answer.

PostgreSQL's own ``statement_timeout`` (set for every connection by the settings) ends a slow query, but a server
that is frozen rather than slow never gets to run it: the kernel keeps accepting bytes for a process that does not
read them. So each statement of a web request also has a deadline in this process; past it, a watchdog thread shuts
the connection's socket down, which ends the wait with the driver's OperationalError.
"""

import heapq
import itertools
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)
# Beyond the server's statement timeout: time for the server to cancel the statement and say so.
GRACE_SECONDS = 1.0


class _Watchdog:
    """One thread per process that shuts down the sockets of statements past their deadline."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.wake = threading.Condition(self.lock)
        self.pending: dict[int, int] = {}  # token -> socket file descriptor
        self.deadlines: list[tuple[float, int]] = []
        self.tokens = itertools.count()
        self.thread: threading.Thread | None = None

    def watch(self, fd: int, seconds: float) -> int:
        """Start watching a statement on socket ``fd``; the token ends the watch."""
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="database-deadline", daemon=True)
                self.thread.start()
            token = next(self.tokens)
            self.pending[token] = fd
            deadline = time.monotonic() + seconds
            # Waking the thread costs the statement a switch of the interpreter lock: only when it must wait less.
            if not self.deadlines or deadline < self.deadlines[0][0]:
                self.wake.notify()
            heapq.heappush(self.deadlines, (deadline, token))
            return token

    def done(self, token: int) -> None:
        """The statement returned: its socket must not be touched any more."""
        with self.lock:
            self.pending.pop(token, None)

    def _run(self) -> None:
        with self.lock:
            while True:
                while self.deadlines and self.deadlines[0][1] not in self.pending:
                    heapq.heappop(self.deadlines)
                if not self.deadlines:
                    self.wake.wait()
                    continue
                deadline, token = self.deadlines[0]
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    self.wake.wait(remaining)
                    continue
                heapq.heappop(self.deadlines)
                _shut_down(self.pending.pop(token))


def _shut_down(fd: int) -> None:
    """Shut down the socket behind ``fd`` (through a duplicate, so that the driver still owns and closes it)."""
    logger.warning("database statement past its deadline: closing its connection")
    try:
        with socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM) as duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        logger.warning("could not shut down the database socket", exc_info=True)


_watchdog = _Watchdog()


def _deadline(seconds: float) -> Callable[..., Any]:
    """An execute wrapper that gives every statement ``seconds`` before its socket is shut down."""

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
        fileno = getattr(context["connection"].connection, "fileno", None)
        if fileno is None:  # SQLite: a file in this process, nothing to wait for
            return execute(sql, params, many, context)
        with socket_deadline(fileno(), seconds):
            return execute(sql, params, many, context)

    return wrapper


@contextmanager
def socket_deadline(fd: int, seconds: float) -> Iterator[None]:
    """Shut down the database socket ``fd`` if the block has not ended after ``seconds``."""
    token = _watchdog.watch(fd, seconds)
    try:
        yield
    finally:
        _watchdog.done(token)


def statement_deadline(seconds: float) -> AbstractContextManager:
    """Within this block, each statement on the default database is abandoned after ``seconds``."""
    return connections[DEFAULT_DB_ALIAS].execute_wrapper(_deadline(seconds))


def unavailable() -> JsonResponse:
    """503 in the API's error shape: the database did not answer in time or could not be reached."""
    return JsonResponse(
        {"detail": "The database is not available right now; try again shortly.", "errors": {}},
        status=503,
        headers={"Retry-After": "5"},
    )


class DatabaseDeadlineMiddleware:
    """Bound each statement of a request by DB_STATEMENT_TIMEOUT, and answer 503 when the database fails to answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.DB_STATEMENT_TIMEOUT
        if not seconds:
            return self.get_response(request)
        with statement_deadline(seconds + GRACE_SECONDS):
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return unavailable() if database_unavailable(exception) else None


def database_unavailable(exception: BaseException | None) -> bool:
    """Whether an error means the database could not answer: unreachable, timed out, or its connection lost.

    PostgreSQL's statement timeout (QueryCanceled) is an OperationalError too; errors of the query itself are not.
    """
    if isinstance(exception, OperationalError | InterfaceError):
        logger.warning("database unavailable", exc_info=exception)
        return True
    return False
