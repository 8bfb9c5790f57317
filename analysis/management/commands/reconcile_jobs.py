"""Fail the queued or started jobs that the queue lost or whose worker died (run it periodically)."""

from typing import Any

from django.core.management.base import BaseCommand

from analysis.services import jobs_reconcile


class Command(BaseCommand):
    help = "Mark failed every unfinished job that its queue lost or whose worker died, with the reason."

    def handle(self, *args: Any, **options: Any) -> None:
        failed = jobs_reconcile()
        self.stdout.write(self.style.SUCCESS(f"{failed} abandoned job(s) marked failed"))
