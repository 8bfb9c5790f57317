"""The Launch Library 2 sync: pages of past launches, oldest update first, each stored with the cursor it moves.

A page and the cursor after it are written in one transaction, so a sync stopped by a rate limit, an error, its
deadline or Ctrl-C leaves no page half-written, and the next run asks for the launches after the last stored page.
The import record of each sync counts what was read, new, matched with a file's launch, updated and not stored.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as day_start
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from missions.models import DataVersion, ImportFormat, ImportRun, ImportStatus, Launch, SyncCursor

from .client import PAGE_SIZE, LL2Client, SyncFailed, SyncStopped
from .mapping import LaunchUnusable, launch_map
from .merging import PageMerger

CURSOR_NAME = "ll2"


@dataclass
class SyncSummary:
    """What a sync read and changed, and why it stopped early if it did."""

    run: ImportRun
    pages: int = 0
    rows: int = 0
    created: int = 0
    matched: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: int = 0
    not_stored: list[dict[str, str]] = field(default_factory=list)
    requests: int = 0
    stopped: str = ""
    span: list[datetime] = field(default_factory=list)  # the earliest and latest launch time read


def client_from_settings(*, max_seconds: float | None = None, on_wait=None) -> LL2Client:
    """A client with the configured base URL, token, wait, timeout and an optional deadline."""
    return LL2Client(
        base_url=settings.LL2_BASE_URL,
        token=settings.LL2_API_TOKEN,
        wait_seconds=settings.LL2_REQUEST_WAIT_SECONDS,
        timeout_seconds=settings.LL2_TIMEOUT_SECONDS,
        deadline=None if max_seconds is None else time.monotonic() + max_seconds,
        on_wait=on_wait or (lambda seconds, reason: None),
    )


def launches_sync(
    *,
    client: LL2Client,
    since: date | None = None,
    full: bool = False,
    progress: Callable[[SyncSummary], None] | None = None,
) -> SyncSummary:
    """Sync past launches from LL2 from where the last sync stopped; ``full`` starts again, ``since`` from a day."""
    cursor = _cursor(since=since, full=full)
    run = ImportRun.objects.create(source=f"{client.base_url.rstrip('/')}/launches/previous/", format=ImportFormat.LL2)
    summary = SyncSummary(run=run)
    merger = PageMerger()
    try:
        while True:
            params = _params(cursor)
            page = client.page(params)
            summary.requests = client.requests_made
            with transaction.atomic():
                _page_store(page.results, merger=merger, summary=summary)
                _cursor_advance(cursor, page.results)
            summary.pages += 1
            if progress:
                progress(summary)
            if not page.results or int(params["offset"]) + len(page.results) >= page.count:
                break
    except SyncStopped as stop:
        summary.stopped = str(stop)
    except (SyncFailed, KeyboardInterrupt) as error:
        summary.requests = client.requests_made
        _run_finish(summary, error=str(error) or "interrupted")
        raise
    summary.requests = client.requests_made
    _run_finish(summary)
    return summary


def _cursor(*, since: date | None, full: bool) -> SyncCursor:
    """The stored cursor; ``full`` or a new ``since`` day start it again from the beginning."""
    cursor, _ = SyncCursor.objects.get_or_create(name=CURSOR_NAME)
    launched_since = datetime.combine(since, day_start(0), tzinfo=UTC) if since else cursor.launched_since
    if full or launched_since != cursor.launched_since:
        cursor.updated_since, cursor.offset, cursor.launched_since = None, 0, launched_since
        cursor.save()
    return cursor


def _params(cursor: SyncCursor) -> dict[str, str | int]:
    """The query of the next page: launches updated since the cursor, oldest update first."""
    params: dict[str, str | int] = {
        "mode": "normal",
        "ordering": "last_updated,id",
        "limit": PAGE_SIZE,
        "offset": cursor.offset,
    }
    if cursor.updated_since:
        params["last_updated__gte"] = _iso(cursor.updated_since)
    if cursor.launched_since:
        params["net__gte"] = _iso(cursor.launched_since)
    return params


def _page_store(results: list[dict[str, Any]], *, merger: PageMerger, summary: SyncSummary) -> None:
    """Map and merge a page's launches; those without a pad or an outcome are listed, not stored."""
    stored = []
    for data in results:
        try:
            item = launch_map(data)
        except LaunchUnusable as error:
            summary.not_stored.append({"ll2_id": str(data.get("id", "")), "reason": str(error)})
            continue
        summary.span = [min([item.launched_at, *summary.span[:1]]), max([item.launched_at, *summary.span[1:]])]
        if item.mission_status is None:
            summary.not_stored.append({"ll2_id": str(item.ll2_id), "reason": "has no outcome yet"})
            continue
        stored.append(item)
    outcome = merger.merge(stored)
    summary.rows += len(results)
    summary.created += outcome.created
    summary.matched += outcome.matched
    summary.updated += outcome.updated
    summary.unchanged += outcome.unchanged
    if outcome.changed:
        DataVersion.bump()


def _cursor_advance(cursor: SyncCursor, results: list[dict[str, Any]]) -> None:
    """Move the cursor past a stored page: to its newest update, or further into a page-long run of one update.

    The next page starts again at the newest update's launches (storing one again changes nothing), so a launch
    updated meanwhile, which moves to the end of the order, is never skipped. Only when a whole page shares one
    update does the offset step through the launches of that update.
    """
    updates = [moment for data in results if (moment := parse_datetime(str(data.get("last_updated") or "")))]
    newest = max(updates, default=cursor.updated_since)
    if newest == cursor.updated_since:
        cursor.offset += len(results)
    else:
        cursor.updated_since, cursor.offset = newest, 0
    cursor.save()


def _run_finish(summary: SyncSummary, *, error: str = "") -> None:
    """Record the sync's outcome; the file launches in the span read that no LL2 launch matched are unmatched."""
    if summary.span:
        summary.unmatched = Launch.objects.filter(
            from_file=True, ll2_id__isnull=True, launched_at__range=(summary.span[0], summary.span[1])
        ).count()
    run = summary.run
    run.status = ImportStatus.FAILED if error else ImportStatus.SUCCEEDED
    run.error = error or summary.stopped
    run.rows, run.created, run.updated, run.unchanged = (
        summary.rows,
        summary.created,
        summary.updated,
        summary.unchanged,
    )
    run.matched, run.unmatched = summary.matched, summary.unmatched
    run.rejected, run.rejected_rows = len(summary.not_stored), summary.not_stored
    run.finished_at = timezone.now()
    run.save()


def _iso(moment: datetime) -> str:
    """A time as LL2's filters take it."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
