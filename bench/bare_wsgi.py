"""The ceiling of the web benchmark: a WSGI app that answers a fixed JSON body, served by the same gunicorn config."""

from collections.abc import Callable, Iterable

BODY = b'{"status": "ok"}'


def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Answer every request with the same small JSON body."""
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]
