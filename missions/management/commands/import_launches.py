"""``manage.py import_launches [SOURCE]``: import a launch file, atomically and idempotently."""

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from missions.models import ImportFormat
from missions.services import (
    DefaultDatasetUnavailable,
    ImportFailed,
    ImportKept,
    launches_import,
    launches_import_if_changed,
)

# What to do when there is nothing to serve and the default dataset cannot be fetched (offline, say).
HOW_TO_IMPORT = (
    "No launches are stored yet. Import a local file instead: `make run DATA=path/to/mission_launches.csv` "
    "(or `manage.py import_launches path/to/file.csv`), or set LAUNCH_DATA_URL to a local path."
)


class Command(BaseCommand):
    # A data command needs no URL or admin checks, which would import every view before the work starts.
    requires_system_checks: list[str] = []
    help = (
        "Import launches from a CSV file path or http(s) URL (default: the configured LAUNCH_DATA_URL). "
        "The format (Kaggle mission_launches, Kaggle Space_Corrected or Maven space_missions) is detected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", nargs="?", help="File path or http(s) URL; default: LAUNCH_DATA_URL.")
        parser.add_argument("--format", choices=ImportFormat.values, help="Force a format instead of detecting it.")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid rows, record the rest.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report without writing.")
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="Skip a file already imported (same SHA-256 as the latest successful import, its launches stored); "
            "without SOURCE, keep the stored launches when the default dataset cannot be fetched.",
        )

    def handle(self, *args, source: str | None, format: str | None, skip_invalid: bool, dry_run: bool, **options):
        importer = launches_import_if_changed if options["if_changed"] else launches_import
        bar = tqdm(unit=" rows", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False)
        verbose = options["verbosity"] > 1 or (options["verbosity"] == 1 and not sys.stderr.isatty())

        def progress(rows: int) -> None:
            bar.update(rows - bar.n)
            if verbose:
                self.stderr.write(f"read {rows} rows")

        try:
            summary = importer(
                source=source, file_format=format, skip_invalid=skip_invalid, dry_run=dry_run, progress=progress
            )
        except DefaultDatasetUnavailable as failure:
            raise CommandError(f"{failure}\n{HOW_TO_IMPORT}") from failure
        except ImportFailed as failure:
            for line in failure.errors:
                self.stderr.write(line)
            raise CommandError(str(failure)) from failure
        finally:
            bar.close()

        if isinstance(summary, ImportKept):
            self.stdout.write(f"Kept the {summary.launches} launches stored: {summary.reason}")
            return

        for duplicate in summary.duplicates:
            self.stdout.write(f"line {duplicate['line']}: duplicate of line {duplicate['duplicate_of']}, imported once")
        for error in summary.rejected:
            self.stderr.write(f"{summary.run.source}:{error.line}: {error.column}: {error.reason} (skipped)")
        if repaired := sum(len(repair["lines"]) for repair in summary.repairs):
            self.stdout.write(f"{repaired} misspelt names repaired, each listed on the import's record")
        if summary.matched:
            self.stdout.write(f"{summary.matched} launches only Launch Library 2 knew merged into the file's launches")
        prefix = "Dry run, nothing written: " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{summary.rows} rows read from {summary.run.source} ({summary.run.format}): "
                f"{summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged, "
                f"{summary.run.duplicates} duplicate, {summary.run.rejected} rejected"
            )
        )
