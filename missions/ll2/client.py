"""Reading Launch Library 2's past launches page by page, within its rate limit and a deadline."""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

# LL2 answers at most this many launches per page.
PAGE_SIZE = 100


class SyncFailed(Exception):
    """The sync stopped on an error: the cursor stays where the last stored page left it."""


class SyncStopped(Exception):
    """The sync stopped at its deadline: the next run goes on where it stopped."""


@dataclass(frozen=True)
class Page:
    """One page of launches, and the total the query matches."""

    results: list[dict[str, Any]]
    count: int


@dataclass
class LL2Client:
    """GETs pages of ``/launches/previous/``; waits ``wait_seconds`` between requests and what a 429 asks for."""

    base_url: str
    token: str = ""
    wait_seconds: float = 0.0
    timeout_seconds: float = 30.0
    deadline: float | None = None  # a time.monotonic() after which no request starts
    on_wait: Callable[[float, str], None] = lambda seconds, reason: None
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = 0
    _last_request: float | None = field(default=None, repr=False)

    def page(self, params: dict[str, str | int]) -> Page:
        """One page of past launches for the query ``params``, answered with 200 after any 429s waited out."""
        while True:
            self._wait(self._until_next(), "between requests")
            response = self._get(params)
            if response.status_code == 429:
                self._wait(retry_after_seconds(response.headers.get("Retry-After")), "rate limited (429)")
                self._last_request = None  # the wait asked for is the wait
                continue
            if response.status_code >= 400:
                raise SyncFailed(f"Launch Library 2 answered {response.status_code} for {response.url}")
            return _page_parse(response)

    def _get(self, params: dict[str, str | int]) -> requests.Response:
        """One GET, counted; a timeout or a refused connection ends the sync."""
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        url = f"{self.base_url.rstrip('/')}/launches/previous/"
        self.requests_made += 1
        self._last_request = time.monotonic()
        try:
            return requests.get(url, params=params, headers=headers, timeout=self.timeout_seconds)
        except requests.Timeout as error:
            raise SyncFailed(f"Launch Library 2 did not answer within {self.timeout_seconds:g} s ({url})") from error
        except requests.RequestException as error:
            raise SyncFailed(f"Launch Library 2 could not be reached: {error}") from error

    def _until_next(self) -> float:
        """Seconds left of the configured wait since the last request."""
        if self._last_request is None:
            return 0.0
        return max(0.0, self.wait_seconds - (time.monotonic() - self._last_request))

    def _wait(self, seconds: float, reason: str) -> None:
        """Sleep before the next request, unless that would pass the deadline."""
        if seconds <= 0:
            return
        if self.deadline is not None and time.monotonic() + seconds > self.deadline:
            raise SyncStopped(f"the deadline comes before the next request ({reason}, {seconds:.0f} s)")
        self.on_wait(seconds, reason)
        self.sleep(seconds)


def retry_after_seconds(value: str | None, *, default: float = 60.0) -> float:
    """The seconds a Retry-After header asks for, given as seconds or as an HTTP date."""
    if not value:
        return default
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, (moment - datetime.now(moment.tzinfo)).total_seconds())


def _page_parse(response: requests.Response) -> Page:
    """The launches and count of a 200 answer; anything but LL2's page shape ends the sync."""
    try:
        body = response.json()
    except (json.JSONDecodeError, requests.JSONDecodeError) as error:
        raise SyncFailed(f"Launch Library 2 answered malformed JSON for {response.url}: {error}") from error
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise SyncFailed(f"Launch Library 2 answered no list of results for {response.url}")
    return Page(results=body["results"], count=int(body.get("count") or 0))
