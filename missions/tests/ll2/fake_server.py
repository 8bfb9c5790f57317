"""A fake Launch Library 2 on loopback: ``/2.3.0/`` and ``/2.2.0/launches/previous/`` over real HTTP.

It pages the launches it holds as LL2 does (``count``, ``next``, ``previous``, ``results``), filtered by
``last_updated__gte`` and ``net__gte`` and ordered by ``last_updated`` then ``id``. ``faults`` scripts the answer
to a given request (counted from 1): a 429 with Retry-After, a 500, a timeout, malformed JSON.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from .recorded import as_v220

# The ports this project's tests may listen on.
PORTS = range(8160, 8170)


class FakeLL2:
    """Serves ``launches`` (2.3.0 dicts) as LL2's past launches; records each request's query."""

    def __init__(self, launches: list[dict[str, Any]]) -> None:
        self.launches = launches
        self.faults: dict[int, tuple[str, ...]] = {}
        self.requests: list[dict[str, str]] = []
        self.timeout_seconds = 1.0  # how long a "timeout" fault keeps the client waiting
        self.server = _bind(self)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, version: str = "2.3.0") -> str:
        """The base URL of one API version."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/{version}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """The status, headers and body of one request."""
        self.requests.append(query)
        fault = self.faults.get(len(self.requests))
        if fault and fault[0] == "429":
            return 429, {"Retry-After": fault[1]}, b'{"detail": "Request was throttled."}'
        if fault and fault[0] == "500":
            return 500, {}, b"<h1>Server Error (500)</h1>"
        if fault and fault[0] == "timeout":
            time.sleep(self.timeout_seconds)
        if fault and fault[0] == "malformed":
            return 200, {}, b'{"count": 3, "results": [{"id": '
        version = path.strip("/").split("/")[0]
        if not path.rstrip("/").endswith("/launches/previous"):
            return 404, {}, b'{"detail": "Not found."}'
        return 200, {}, json.dumps(self._page(query, version)).encode()

    def _page(self, query: dict[str, str], version: str) -> dict[str, Any]:
        """One page of the launches the query selects."""
        selected = [
            launch
            for launch in self.launches
            if launch["last_updated"] >= query.get("last_updated__gte", "")
            and launch["net"] >= query.get("net__gte", "")
        ]
        selected.sort(key=lambda launch: (launch["last_updated"], launch["id"]))
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 10))
        results = selected[offset : offset + limit]
        if version == "2.2.0":
            results = [as_v220(launch) for launch in results]
        base = f"{self.url(version)}/launches/previous/?"
        following = offset + limit < len(selected)
        return {
            "count": len(selected),
            "next": base + urlencode({**query, "offset": offset + limit}) if following else None,
            "previous": base + urlencode({**query, "offset": max(0, offset - limit)}) if offset else None,
            "results": results,
        }


def _bind(fake: FakeLL2) -> ThreadingHTTPServer:
    """A server on the first free port of PORTS."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            parsed = urlparse(self.path)
            query = {name: values[-1] for name, values in parse_qs(parsed.query).items()}
            status, headers, body = fake.answer(parsed.path, query)
            try:
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up (the timeout fault)

        def log_message(self, format: str, *args: object) -> None:
            pass

    for port in PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        except OSError:
            continue
        server.daemon_threads = True
        return server
    raise OSError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")
