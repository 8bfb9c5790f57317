"""Background jobs of the launch data, run by RQ workers on the default queue."""

from .services import launches_sync


def launches_sync_job() -> dict[str, int | str]:
    """Sync Launch Library 2 in the background, as ``manage.py sync_launches`` does; return its counts."""
    summary = launches_sync()
    return {
        "import_run": summary.run.pk,
        "pages": summary.pages,
        "created": summary.created,
        "matched": summary.matched,
        "updated": summary.updated,
        "stopped": summary.stopped,
    }
