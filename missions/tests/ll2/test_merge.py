"""Merging Launch Library 2 with an imported file: one launch each, prices kept, later launches added, sources shown."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.urls import reverse

from analysis import services as analysis_services
from missions.ll2.mapping import LL2Launch, LL2Pad
from missions.ll2.merging import Candidate, match_find
from missions.models import ImportRun, Launch
from missions.services import launches_import, launches_sync

from .recorded import file_launches

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(empty_launches, mission_launches_csv, fake_ll2, ll2_client) -> dict:
    """mission_launches.csv imported, then LL2 pages of the same launches and the later ones synced."""
    launches_import(source=str(mission_launches_csv))
    before = Launch.objects.aggregate(count=Count("id"), priced=Count("price"), total=Sum("price"))
    fake_ll2.launches = file_launches(mission_launches_csv) + fake_ll2.launches
    summary = launches_sync(client=ll2_client())
    return {"before": before, "summary": summary}


def test_every_launch_of_the_file_is_matched_its_price_kept_and_the_later_ones_added(merged):
    before, summary = merged["before"], merged["summary"]

    assert before["count"] == 4323  # 4,324 rows, one repeated
    assert (summary.matched, summary.created, summary.unmatched) == (4323, 4, 0)
    after = Launch.objects.filter(from_file=True).aggregate(
        count=Count("id"), priced=Count("price"), total=Sum("price")
    )
    assert after == before
    assert Launch.objects.count() == 4323 + 4
    assert Launch.objects.filter(from_file=True, ll2_id__isnull=True).count() == 0
    run = ImportRun.objects.get(pk=summary.run.pk)
    assert (run.matched, run.created, run.unmatched) == (4323, 4, 0)
    newest = Launch.objects.get(mission="Starlink V1 L9 & BlackSky")
    assert (newest.price, newest.organisation.name, newest.sources) == (Decimal("50.00"), "SpaceX", ["file", "ll2"])
    assert (newest.pad.ll2_latitude, newest.pad.ll2_longitude) == (28.5618, -80.577)  # LL2's pad coordinates


def test_each_launchs_sources_are_in_the_api_and_the_admin(merged, client, admin_client):
    answer = client.get("/api/launches/", {"search": "Starlink V1 L9", "page_size": 1}).json()["results"][0]
    later = client.get("/api/launches/", {"search": "They Go Up So Fast"}).json()["results"][0]

    assert answer["sources"] == ["file", "ll2"]
    assert answer["ll2_id"] == str(Launch.objects.get(mission="Starlink V1 L9 & BlackSky").ll2_id)
    assert (later["sources"], later["organisation"], later["site"]) == (["ll2"], "Rocket Lab", "Māhia Peninsula")
    launch = Launch.objects.get(mission="Starlink V1 L9 & BlackSky")

    page = admin_client.get(reverse("admin:missions_launch_change", args=[launch.pk])).content.decode()
    listing = admin_client.get(reverse("admin:missions_launch_changelist"), {"q": "They Go Up"}).content.decode()

    assert "file, ll2" in page and str(launch.ll2_id) in page
    assert '<td class="field-sources">ll2</td>' in listing


def test_an_analysis_counts_synced_launches_like_any_other(merged, media):
    job = analysis_services.job_create(analysis="organisations", params={}).job
    analysis_services.job_run(job_id=str(job.pk))
    job.refresh_from_db()

    counts = {row["organisation"]: row["launch_count"] for row in job.result}
    # Independently: the launches per organisation name, counted in the database.
    expected = dict(Launch.objects.values_list("organisation__name").annotate(Count("id")))
    assert counts == expected
    assert counts["Astra"] == 1  # a launch only LL2 knows
    assert counts["Rocket Lab"] == Launch.objects.filter(organisation__name="Rocket Lab", from_file=True).count() + 1


def _ll2(minute: int, rocket: str, country: str = "USA", precision: str = "minute") -> LL2Launch:
    """An LL2 launch on 2020-01-01 at 10:``minute``."""
    from datetime import UTC, datetime

    pad = LL2Pad("P, S, X", "P", "S", "", country, None, None)
    return LL2Launch(
        ll2_id=None, last_updated=None, launched_at=datetime(2020, 1, 1, 10, minute, tzinfo=UTC),
        time_precision=precision, mission_status="Success", organisation="O", rocket=rocket,
        rocket_status="active", mission="M", pad=pad,
    )  # fmt: skip


def _file(pk: int, hour: int, minute: int, rocket: str, country: str = "USA", precision: str = "minute") -> Candidate:
    """A file's launch on 2020-01-01 at ``hour``:``minute``."""
    from datetime import UTC, datetime

    return Candidate(pk, datetime(2020, 1, 1, hour, minute, tzinfo=UTC), precision, rocket, country, pk)


def test_the_matching_rule():
    falcon, atlas = _file(1, 10, 5, "Falcon 9 Block 5"), _file(2, 10, 1, "Atlas V 401")

    assert match_find(_ll2(0, "Falcon 9 Block 5"), [falcon, atlas]) == falcon  # the family before the nearest
    assert match_find(_ll2(0, "Falcon Heavy"), [_file(3, 10, 16, "Falcon 9")]) is None  # 16 minutes apart
    assert match_find(_ll2(0, "Falcon 9", precision="day"), [_file(4, 23, 0, "Falcon 9")]).id == 4  # same day
    same_country = _file(6, 10, 9, "Falcon 9", "USA")
    assert match_find(_ll2(0, "Falcon 9"), [_file(5, 10, 1, "Falcon 9", "China"), same_country]) == same_country
    assert match_find(_ll2(0, "Zenit-3SL"), [_file(7, 10, 2, "Zenit 3SL", "USA")]).id == 7  # alone, same country
    assert match_find(_ll2(0, "Zenit-3SL"), [_file(8, 10, 2, "Proton-M", "Russia")]) is None
