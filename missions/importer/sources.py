"""Where launch files come from: a local path, or an http(s) URL downloaded once into a cache."""

import contextlib
import hashlib
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import requests
from django.conf import settings

from .formats import LaunchFileError


@dataclass(frozen=True)
class LocalSource:
    """A launch file ready to read, with where it came from and its checksum."""

    path: Path
    source: str
    sha256: str


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def is_url(source: str) -> bool:
    """Whether a source names an http(s) URL rather than a local path."""
    return urlparse(source).scheme in {"http", "https"}


def source_fetch(*, source: str | None = None) -> LocalSource:
    """Resolve a path or URL (the configured default dataset when none is given) to a local file."""
    default = source is None
    source = settings.LAUNCH_DATA_URL if default else source
    if is_url(source):
        path = _download(source)
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            raise LaunchFileError(f"{source}: no such file")
    sha256 = file_sha256(path)
    expected = settings.LAUNCH_DATA_SHA256
    if default and expected and sha256 != expected:
        raise LaunchFileError(
            f"{source}: this is not the expected default dataset (sha256 {sha256}, expected {expected}); "
            "pass the file explicitly to import it anyway, or set LAUNCH_DATA_SHA256"
        )
    return LocalSource(path=path, source=source, sha256=sha256)


def _download(url: str) -> Path:
    """Download a URL into the cache (once per URL), within the configured timeout for the whole download."""
    cache_dir = Path(settings.LAUNCH_DATA_CACHE_DIR)
    cache_dir.mkdir(parents=True, exist_ok=True)
    name = Path(urlparse(url).path).name or "launches.csv"
    target = cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()[:16]}-{name}"
    if target.is_file():
        return target
    timeout = settings.LAUNCH_DATA_TIMEOUT
    deadline = time.monotonic() + timeout
    late = LaunchFileError(f"{url}: download did not finish within {timeout:g} s")
    cut_off = threading.Event()
    partial = target.with_suffix(target.suffix + ".part")
    try:
        with requests.get(url, stream=True, timeout=timeout) as response:
            response.raise_for_status()
            # The timeout bounds each wait for a byte, and a server sending one byte at a time never reaches it: at
            # the deadline the socket is shut down instead, which ends the read under way.
            watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _cut_off, [response, cut_off])
            watchdog.start()
            try:
                with partial.open("wb") as handle:
                    for block in response.iter_content(1 << 16):
                        handle.write(block)
            finally:
                watchdog.cancel()
            if cut_off.is_set():  # a body without a length just ends when its socket is shut down
                raise late
    except requests.RequestException as error:
        partial.unlink(missing_ok=True)
        if cut_off.is_set():
            raise late from error
        raise LaunchFileError(f"{url}: could not download: {error}") from error
    except LaunchFileError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return target


def _cut_off(response: requests.Response, cut_off: threading.Event) -> None:
    """End a download's reads, whatever one is waiting for; a response already released has nothing to end."""
    cut_off.set()
    with contextlib.suppress(ValueError, RuntimeError, OSError):
        response.raw.shutdown()
