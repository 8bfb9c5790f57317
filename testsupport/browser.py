"""What the browser tests share: a live server over the test database, and Debian's headless Chromium."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1400,1000",
]


def need(what: str, present: bool) -> None:
    """Skip a test without ``what``, except in CI, which must have it."""
    if not present:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide {what}")
        pytest.skip(f"needs {what}")


@contextmanager
def live_server() -> Iterator[str]:
    """A server thread over the committed test data, with the static files; yields its address."""
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()


@contextmanager
def chromium(*, logged: bool = False) -> Iterator:
    """Debian's headless Chromium through its own chromedriver (nothing downloaded); console and network logged."""
    need("Debian's chromium and chromium-driver", bool(shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)))
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    if logged:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
