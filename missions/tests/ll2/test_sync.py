"""The Launch Library 2 sync against a fake LL2 on loopback: paging, resuming, rate limits, errors and deadlines."""

import uuid
from datetime import datetime

import pytest

from missions.ll2.client import SyncFailed
from missions.ll2.merging import PageMerger
from missions.models import DataVersion, ImportRun, ImportStatus, Launch, SyncCursor
from missions.services import launches_sync

from .recorded import LATER, WITHOUT_PAD, file_launches

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    """Every stored launch by what it holds, not by its row id."""
    return sorted(
        Launch.objects.values_list(
            "ll2_id",
            "organisation__name",
            "rocket__name",
            "pad__location",
            "pad__site__name",
            "pad__country",
            "mission",
            "launched_at",
            "time_precision",
            "mission_status",
            "price",
            "from_file",
        ),
        key=str,
    )


@pytest.fixture
def recorded(fake_ll2, mission_launches_csv) -> list[dict]:
    """The fake server holds 250 old launches and the later ones: three pages of 100."""
    fake_ll2.launches = file_launches(mission_launches_csv)[:250] + LATER
    return fake_ll2.launches


def _stored_ids(launches: list[dict]) -> set[uuid.UUID]:
    """The LL2 ids of the launches a sync stores: those with a pad and an outcome."""
    return {uuid.UUID(launch["id"]) for launch in launches if launch.get("pad") and launch["status"]["id"] in (3, 4, 7)}


def test_a_full_sync_from_empty_stores_exactly_the_recorded_launches(empty_launches, recorded, ll2_client):
    summary = launches_sync(client=ll2_client())

    assert set(Launch.objects.values_list("ll2_id", flat=True)) == _stored_ids(recorded)
    assert Launch.objects.count() == 254
    assert (summary.pages, summary.requests, summary.created) == (3, 3, 254)  # pages overlap at their edges
    starlink = Launch.objects.select_related("organisation", "rocket", "pad__site").get(
        mission__startswith="Starlink-10"
    )
    assert (starlink.organisation.name, starlink.rocket.name) == ("SpaceX", "Falcon 9 Block 5")
    assert starlink.pad.location == "Space Launch Complex 40, Cape Canaveral SFS, FL, USA"
    assert (starlink.pad.site.name, starlink.pad.region, starlink.pad.country) == ("Cape Canaveral SFS", "FL", "USA")
    assert starlink.launched_at.isoformat() == "2020-08-18T14:31:16+00:00"
    assert (starlink.time_precision, starlink.mission_status, starlink.sources) == ("minute", "Success", ["ll2"])
    electron = Launch.objects.select_related("organisation", "pad__site").get(mission="They Go Up So Fast")
    assert (electron.organisation.name, electron.pad.site.name) == ("Rocket Lab", "Māhia Peninsula")
    assert (electron.pad.ll2_latitude, electron.pad.ll2_longitude) == (-39.2615, 177.8649)
    oneweb = Launch.objects.select_related("organisation", "pad").get(mission="OneWeb 10")
    assert (oneweb.organisation.name, oneweb.pad.country) == ("Roscosmos", "Russia")
    astra = Launch.objects.get(mission="STP-27AD1")
    assert (astra.launched_at.isoformat(), astra.time_precision) == ("2021-08-28T00:00:00+00:00", "day")
    assert astra.mission_status == "Failure"
    run = ImportRun.objects.get(pk=summary.run.pk)
    assert (run.format, run.status, run.created, run.rejected) == ("ll2", "succeeded", 254, 2)
    assert sorted(row["reason"] for row in run.rejected_rows) == ["has no outcome yet", "has no pad"]


def test_a_second_run_with_nothing_new_makes_one_request_and_changes_nothing(
    empty_launches, recorded, fake_ll2, ll2_client
):
    launches_sync(client=ll2_client())
    before, version = snapshot(), DataVersion.current()
    fake_ll2.requests.clear()

    summary = launches_sync(client=ll2_client())

    assert len(fake_ll2.requests) == 1
    assert fake_ll2.requests[0]["last_updated__gte"] == max(launch["last_updated"] for launch in recorded)
    assert (summary.created, summary.matched, summary.updated) == (0, 0, 0)
    assert snapshot() == before
    assert DataVersion.current() == version


def test_a_launch_changed_in_ll2_is_fetched_again_and_updated(empty_launches, recorded, fake_ll2, ll2_client):
    launches_sync(client=ll2_client())
    changed = next(launch for launch in recorded if launch["mission"]["name"] == "OneWeb 10")
    changed.update(last_updated="2025-01-01T00:00:00Z", status={"id": 7, "name": "Partial", "abbrev": "Partial"})
    fake_ll2.requests.clear()

    summary = launches_sync(client=ll2_client())

    assert (len(fake_ll2.requests), summary.updated, summary.created) == (1, 1, 0)
    assert Launch.objects.get(mission="OneWeb 10").mission_status == "Partial Failure"


def test_an_interrupted_sync_resumed_ends_as_an_uninterrupted_one(
    empty_launches, recorded, fake_ll2, ll2_client, monkeypatch
):
    merges = []
    original = PageMerger.merge

    def interrupted(self, launches):
        merges.append(len(launches))
        if len(merges) == 2:
            # Halfway through the second page: part of it is written when Ctrl-C comes.
            original(self, launches[:10])
            raise KeyboardInterrupt
        return original(self, launches)

    monkeypatch.setattr(PageMerger, "merge", interrupted)
    with pytest.raises(KeyboardInterrupt):
        launches_sync(client=ll2_client())
    assert Launch.objects.count() == 100  # the first page, and nothing of the second
    assert ImportRun.objects.latest("id").status == ImportStatus.FAILED
    monkeypatch.setattr(PageMerger, "merge", original)
    fake_ll2.requests.clear()

    launches_sync(client=ll2_client())
    resumed = snapshot()

    first_page = sorted(recorded, key=lambda launch: (launch["last_updated"], launch["id"]))[:100]
    assert fake_ll2.requests[0]["last_updated__gte"] == first_page[-1]["last_updated"]
    assert fake_ll2.requests[0]["offset"] == "0"
    Launch.objects.all().delete()
    launches_sync(client=ll2_client(), full=True)
    assert snapshot() == resumed
    assert len(resumed) == 254


def test_a_429_is_waited_out_for_as_long_as_retry_after_says(empty_launches, recorded, fake_ll2, ll2_client, waits):
    fake_ll2.faults = {2: ("429", "7")}

    summary = launches_sync(client=ll2_client())

    assert waits == [7.0]
    assert summary.requests == 4  # three pages, one of them asked for twice
    assert Launch.objects.count() == 254


def test_the_configured_wait_comes_between_requests(empty_launches, recorded, ll2_client, waits):
    launches_sync(client=ll2_client(wait_seconds=3600))

    assert len(waits) == 2 and all(0 < wait <= 3600 for wait in waits)  # the wait less the request's time


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (("500",), "Launch Library 2 answered 500 for http://127.0.0.1:"),
        (("timeout",), "Launch Library 2 did not answer within 0.3 s"),
        (("malformed",), "Launch Library 2 answered malformed JSON for http://127.0.0.1:"),
    ],
)
def test_an_error_ends_the_run_with_a_message_and_the_cursor_after_the_last_stored_page(
    empty_launches, recorded, fake_ll2, ll2_client, fault, message
):
    fake_ll2.faults = {2: fault}

    with pytest.raises(SyncFailed) as failure:
        launches_sync(client=ll2_client(timeout_seconds=0.3))

    assert str(failure.value).startswith(message)
    first_page = sorted(recorded, key=lambda launch: (launch["last_updated"], launch["id"]))[:100]
    cursor = SyncCursor.objects.get(name="ll2")
    assert cursor.updated_since == datetime.fromisoformat(first_page[-1]["last_updated"])
    assert cursor.offset == 0
    assert set(Launch.objects.values_list("ll2_id", flat=True)) == _stored_ids(first_page)
    run = ImportRun.objects.latest("id")
    assert (run.status, run.error) == (ImportStatus.FAILED, str(failure.value))


def test_a_deadline_before_the_next_request_stops_the_run_to_go_on_next_time(
    empty_launches, recorded, fake_ll2, ll2_client
):
    summary = launches_sync(client=ll2_client(wait_seconds=600, deadline=0))

    assert summary.stopped.startswith("the deadline comes before the next request (between requests, ")
    assert (summary.pages, Launch.objects.count()) == (1, 100)
    launches_sync(client=ll2_client())
    assert Launch.objects.count() == 254


def test_pages_of_api_2_2_0_give_the_same_launches(empty_launches, recorded, ll2_client):
    launches_sync(client=ll2_client("2.3.0"))
    from_230 = snapshot()
    Launch.objects.all().delete()

    launches_sync(client=ll2_client("2.2.0"), full=True)

    assert snapshot() == from_230
    assert Launch.objects.get(mission="They Go Up So Fast").pad.ll2_latitude == -39.2615


def test_since_asks_only_for_launches_from_that_day(empty_launches, recorded, fake_ll2, ll2_client):
    summary = launches_sync(client=ll2_client(), since=datetime(2020, 8, 8).date())

    assert fake_ll2.requests[0]["net__gte"] == "2020-08-08T00:00:00Z"
    assert summary.created == 4
    assert WITHOUT_PAD["id"] in {row["ll2_id"] for row in summary.run.rejected_rows}
