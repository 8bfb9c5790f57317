"""``manage.py repair_names``: spell the stored names as the repairs table does (once, after upgrading)."""

from django.core.management.base import BaseCommand

from missions.names.stored import stored_names_repair


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Repair the names stored before imports repaired them, merging a mangled spelling into a right one stored "
        "already, so that re-importing a file finds its launches again."
    )

    def handle(self, *args, **options) -> None:
        counts = stored_names_repair()
        self.stdout.write(self.style.SUCCESS(", ".join(f"{count} {name}" for name, count in counts.items())))
