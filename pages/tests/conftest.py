"""Fixtures of the page tests: a live server over the real data and Debian's headless Chromium."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
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
VENDOR = Path(settings.BASE_DIR) / "pages" / "static" / "pages" / "vendor"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def need(what: str, present: bool) -> None:
    """Skip a browser test without ``what``, except in CI, which must have it."""
    if not present:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide {what}")
        pytest.skip(f"needs {what}")


@pytest.fixture
def page_server(launch_data, db, settings) -> Iterator[str]:
    """A live server over the committed real data, with the map tiles turned off."""
    need("the chart libraries: run `make js`", (VENDOR / "vega-embed.min.js").is_file())
    settings.MAP_TILE_URL = ""  # the setting that turns the map tiles off: no request leaves the machine
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """Debian's headless Chromium through its own chromedriver, with its console and network logged."""
    need("Debian's chromium and chromium-driver", bool(shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)))
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def axe_source() -> str:
    """The accessibility engine axe-core, from node_modules (installed by `make js`)."""
    need("axe-core: run `make js`", AXE.is_file())
    return AXE.read_text()
