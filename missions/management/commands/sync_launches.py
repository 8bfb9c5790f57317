"""``manage.py sync_launches [--since DATE] [--full]``: past launches from Launch Library 2, resumable."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from missions.ll2.client import SyncFailed
from missions.ll2.sync import SyncSummary
from missions.services import launches_sync


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Sync past launches from Launch Library 2 (LL2_BASE_URL), merged with the files' launches. A run goes on "
        "where the last one stopped and fetches only launches updated since; --full starts again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=date.fromisoformat, help="Only launches from this day (YYYY-MM-DD) on.")
        parser.add_argument("--full", action="store_true", help="Forget where the last sync stopped; read everything.")
        parser.add_argument("--max-minutes", type=float, help="Stop before a request that would start later.")

    def handle(self, *args, since: date | None, full: bool, max_minutes: float | None, **options) -> None:
        def progress(summary: SyncSummary) -> None:
            self.stdout.write(
                f"page {summary.pages}: {summary.rows} launches read, {summary.created} new, "
                f"{summary.matched} matched, {summary.updated} updated, {len(summary.not_stored)} not stored"
            )

        def on_wait(seconds: float, reason: str) -> None:
            self.stdout.write(f"waiting {seconds:.0f} s before the next request ({reason})")

        try:
            summary = launches_sync(
                since=since,
                full=full,
                max_seconds=None if max_minutes is None else max_minutes * 60,
                progress=progress,
                on_wait=on_wait,
            )
        except SyncFailed as failure:
            raise CommandError(f"{failure}; the next run goes on from the last page stored") from failure
        except KeyboardInterrupt:
            raise CommandError("interrupted; the next run goes on from the last page stored") from None
        if summary.stopped:
            self.stdout.write(f"stopped: {summary.stopped}; the next run goes on from here")
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.rows} launches read in {summary.requests} request(s): {summary.created} new, "
                f"{summary.matched} matched with a file's launch, {summary.updated} updated, "
                f"{summary.unchanged} unchanged, {len(summary.not_stored)} not stored; "
                f"{summary.unmatched} file launches in the same span unmatched"
            )
        )
