"""``manage.py clear_launches --yes``: delete the launch data."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from missions.services import launches_clear


class Command(BaseCommand):
    # A data command needs no URL or admin checks, which would import every view before the work starts.
    requires_system_checks: list[str] = []
    help = "Delete every launch with its organisations, rockets, pads and sites. Requires --yes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--yes", action="store_true", help="Confirm the deletion.")

    def handle(self, *args, yes: bool, **options) -> None:
        if not yes:
            raise CommandError("This deletes all launch data; run again with --yes to confirm. Nothing was deleted.")
        deleted = launches_clear()
        self.stdout.write(self.style.SUCCESS("Deleted " + ", ".join(f"{n} {name}" for name, n in deleted.items())))
