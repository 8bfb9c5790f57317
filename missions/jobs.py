"""Background jobs of the launch data, run by RQ workers on the default queue."""

from .services import launches_sync


def launches_sync_job(max_seconds: float) -> dict[str, int | str]:
    """Sync Launch Library 2 in the background for at most ``max_seconds``, as ``sync_launches`` does; its counts."""
    summary = launches_sync(max_seconds=max_seconds)
    return {
        "import_run": summary.run.pk,
        "pages": summary.pages,
        "created": summary.created,
        "matched": summary.matched,
        "updated": summary.updated,
        "stopped": summary.stopped,
    }
