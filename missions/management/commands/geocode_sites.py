"""``manage.py geocode_sites [--refresh]``: give every launch site coordinates."""

from django.core.management.base import BaseCommand, CommandParser

from missions.geocoding import sites_geocode


class Command(BaseCommand):
    help = (
        "Locate launch sites without coordinates: the shipped gazetteer, then Nominatim if GEOCODING_NOMINATIM is "
        "on, then the country. --refresh locates every site again; manual corrections are always kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--refresh", action="store_true", help="Locate every site again, not only missing ones.")

    def handle(self, *args, refresh: bool, **options) -> None:
        summary = sites_geocode(refresh=refresh)
        sources = ", ".join(f"{count} from {source}" for source, count in sorted(summary.located.items())) or "none"
        self.stdout.write(
            f"{summary.sites} site(s) looked up with {summary.calls} geocoder call(s) "
            f"({summary.nominatim_calls} to Nominatim); located: {sources}; "
            f"{summary.manual} manual correction(s) kept."
        )
        for site in summary.unlocated:
            self.stderr.write(self.style.WARNING(f"Could not locate {site}"))
        if summary.unlocated:
            self.stdout.write(self.style.WARNING(f"{len(summary.unlocated)} site(s) still without coordinates."))
        else:
            self.stdout.write(self.style.SUCCESS("Every launch site has coordinates."))
