"""Fixtures of the Launch Library 2 tests: the fake server, and a client of it that records its waits."""

from collections.abc import Callable, Iterator

import pytest

from missions.ll2.client import LL2Client

from .fake_server import FakeLL2
from .recorded import LATER


@pytest.fixture
def fake_ll2() -> Iterator[FakeLL2]:
    """A fake LL2 on loopback holding the launches after the Kaggle files' last day."""
    fake = FakeLL2(list(LATER))
    yield fake
    fake.stop()


@pytest.fixture
def waits() -> list[float]:
    """The waits a client asked for, in seconds, instead of sleeping them."""
    return []


@pytest.fixture
def ll2_client(fake_ll2, waits) -> Callable[..., LL2Client]:
    """Makes clients of the fake server that record their waits rather than sleep."""

    def make(version: str = "2.3.0", **options) -> LL2Client:
        return LL2Client(base_url=fake_ll2.url(version), sleep=waits.append, **options)

    return make


@pytest.fixture
def ll2_settings(settings, fake_ll2) -> None:
    """The settings point at the fake server, with no wait between requests."""
    settings.LL2_BASE_URL = fake_ll2.url()
    settings.LL2_REQUEST_WAIT_SECONDS = 0
    settings.LL2_TIMEOUT_SECONDS = 5
