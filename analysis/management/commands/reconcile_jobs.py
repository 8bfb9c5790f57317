"""Fail the queued or started jobs that the queue lost or whose worker died, and the imports whose process ended."""

from typing import Any

from django.core.management.base import BaseCommand

from analysis.services import jobs_reconcile
from missions.services import imports_reconcile


class Command(BaseCommand):
    help = (
        "Mark failed every unfinished job that its queue lost or whose worker died, with the reason, and every "
        "running import whose process ended."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = jobs_reconcile()
        self.stdout.write(self.style.SUCCESS(f"{failed} abandoned job(s) marked failed"))
        if imports := imports_reconcile():
            self.stdout.write(self.style.SUCCESS(f"{imports} abandoned import(s) marked failed"))
