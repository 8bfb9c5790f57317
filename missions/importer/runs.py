"""The ImportRun record of each import: opened when the import starts, completed with its outcome when it ends."""

from dataclasses import dataclass, field

from django.utils import timezone

from missions.models import ImportFormat, ImportRun, ImportStatus

from .formats import LaunchFile, RowError
from .sources import LocalSource


@dataclass
class ImportSummary:
    """What an import read and changed."""

    run: ImportRun
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: list[dict[str, int]] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    repairs: list[dict[str, object]] = field(default_factory=list)
    dry_run: bool = False


def run_start(*, source: str | None) -> ImportRun:
    """Record an import that starts, under its source as given."""
    return ImportRun.objects.create(source=source or "(default dataset)")


def run_file_note(*, run: ImportRun, local: LocalSource, launch_file: LaunchFile) -> None:
    """Record the file an import reads: where it came from, its checksum, format and encoding."""
    run.source, run.sha256 = local.source, local.sha256
    run.format, run.encoding = launch_file.format, launch_file.encoding
    run.save(update_fields=["source", "sha256", "format", "encoding"])


def run_latest_succeeded() -> ImportRun | None:
    """The most recent import that wrote its file (dry runs and failures wrote nothing; a sync reads no file)."""
    runs = ImportRun.objects.filter(status=ImportStatus.SUCCEEDED).exclude(format=ImportFormat.LL2)
    return runs.order_by("-started_at", "-id").first()


def run_fail(*, run: ImportRun, error: str) -> None:
    """Record an import that could not read its file."""
    run.status, run.error, run.finished_at = ImportStatus.FAILED, error, timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])


def run_finish(*, summary: ImportSummary, failed: bool, rejected_rows: int) -> None:
    """Record the outcome of an import; ``rejected_rows`` counts the distinct lines of its rejected rows."""
    run = summary.run
    if failed:
        run.status = ImportStatus.FAILED
        run.error = f"{rejected_rows} invalid row(s); nothing was imported"
    elif summary.dry_run:
        run.status = ImportStatus.DRY_RUN
    else:
        run.status = ImportStatus.SUCCEEDED
    run.rows, run.created, run.updated, run.unchanged = (
        summary.rows,
        summary.created,
        summary.updated,
        summary.unchanged,
    )
    run.duplicates, run.duplicate_rows = len(summary.duplicates), summary.duplicates
    run.rejected = rejected_rows
    run.rejected_rows = [error.as_dict() for error in summary.rejected]
    run.repairs = repairs_merged(summary.repairs)
    run.finished_at = timezone.now()
    run.save()


def repairs_merged(repairs: list[dict[str, object]]) -> list[dict[str, object]]:
    """The repairs of every chunk as one entry per column and name, with all its lines in order."""
    merged: dict[tuple, dict[str, object]] = {}
    for repair in repairs:
        key = (repair["column"], repair["original"])
        if key in merged:
            merged[key]["lines"] = [*merged[key]["lines"], *repair["lines"]]
        else:
            merged[key] = dict(repair)
    return sorted(merged.values(), key=lambda repair: (repair["lines"][0], repair["column"]))
