"""Fixtures of the page tests: a live server over the real data and Debian's headless Chromium."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from testsupport.browser import chromium as browser_started
from testsupport.browser import need

VENDOR = Path(settings.BASE_DIR) / "pages" / "static" / "pages" / "vendor"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def page_server(live_url, settings) -> str:
    """The live server, with the map tiles turned off."""
    need("the chart libraries: run `make js`", (VENDOR / "vega-embed.min.js").is_file())
    settings.MAP_TILE_URL = ""  # the setting that turns the map tiles off: no request leaves the machine
    return live_url


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """Debian's headless Chromium through its own chromedriver, with its console and network logged."""
    with browser_started(logged=True) as driver:
        yield driver


@pytest.fixture
def axe_source() -> str:
    """The accessibility engine axe-core, from node_modules (installed by `make js`)."""
    need("axe-core: run `make js`", AXE.is_file())
    return AXE.read_text()
