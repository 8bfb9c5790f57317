"""A job for the worker shutdown test: it runs until the test lets it finish, leaving marker files behind."""

import time
from pathlib import Path

RELEASE_WAIT_SECONDS = 120


def marker_job(*, directory: str) -> str:
    """Write ``started``, wait for the test to create ``release``, then write ``finished``."""
    folder = Path(directory)
    (folder / "started").touch()
    deadline = time.monotonic() + RELEASE_WAIT_SECONDS
    while not (folder / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{folder / 'release'} never appeared")
        time.sleep(0.05)
    (folder / "finished").write_text("finished")
    return "finished"
