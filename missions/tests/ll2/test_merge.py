"""Merging Launch Library 2 with an imported file: one launch each, prices kept, later launches added, sources shown."""

from decimal import Decimal

import pytest
from django.db.models import Count, F, Sum
from django.urls import reverse

from analysis import services as analysis_services
from missions.ll2.mapping import LL2Launch, LL2Pad
from missions.ll2.merging import Candidate, match_find
from missions.models import ImportRun, Launch, LaunchSite, Organisation, Pad, Rocket
from missions.services import launches_import, launches_sync

from .recorded import PRECISIONS, file_launches

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


def test_ll2_gives_a_launch_the_file_knows_by_its_day_its_time_and_a_reimport_keeps_it(merged, mission_launches_csv):
    dnepr = Launch.objects.get(mission="Rubin 2 & Others")

    assert (dnepr.launched_at.isoformat(), dnepr.time_precision) == ("2002-12-20T13:05:00+00:00", "minute")
    assert (dnepr.file_launched_at.isoformat(), dnepr.price) == ("2002-12-20T00:00:00+00:00", Decimal("29.00"))
    assert Launch.objects.filter(from_file=True, time_precision="day").count() == 0
    assert Launch.objects.filter(from_file=True).exclude(launched_at=F("file_launched_at")).count() == 126
    before = sorted(Launch.objects.values_list("id", "ll2_id", "launched_at", "time_precision", "price"), key=str)

    summary = launches_import(source=str(mission_launches_csv))

    assert (summary.created, summary.updated, summary.unchanged, summary.matched) == (0, 0, 4323, 0)
    after = sorted(Launch.objects.values_list("id", "ll2_id", "launched_at", "time_precision", "price"), key=str)
    assert after == before


# Four launches of mission_launches.csv: the first three LL2 knows too (one by its day only in the file), the
# Starship hop it does not.
SMALL_FILE = (
    ",Unnamed: 0,Organisation,Location,Date,Detail,Rocket_Status,Price,Mission_Status\n"
    '0,0,SpaceX,"LC-39A, Kennedy Space Center, Florida, USA","Fri Aug 07, 2020 05:12 UTC",'
    "Falcon 9 Block 5 | Starlink V1 L9 & BlackSky,StatusActive,50.0,Success\n"
    '1,1,CASC,"Site 9401 (SLS-2), Jiuquan Satellite Launch Center, China","Thu Aug 06, 2020 04:01 UTC",'
    "Long March 2D | Gaofen-9 04 & Q-SAT,StatusActive,29.75,Success\n"
    '2,2,SpaceX,"Pad A, Boca Chica, Texas, USA","Tue Aug 04, 2020 23:57 UTC",'
    "Starship Prototype | 150 Meter Hop,StatusActive,,Success\n"
    '1067,1067,Kosmotras,"Site 109/95, Baikonur Cosmodrome, Kazakhstan","Fri Dec 20, 2002",'
    "Dnepr | Rubin 2 & Others,StatusRetired,29.0,Success\n"
)


def test_a_file_imported_after_a_sync_takes_in_the_launches_only_ll2_knew(
    empty_launches, fake_ll2, ll2_client, tmp_path
):
    path = tmp_path / "small.csv"
    path.write_text(SMALL_FILE)
    known = [launch for launch in file_launches(path) if "150 Meter Hop" not in launch["name"]]
    fake_ll2.launches = known + fake_ll2.launches
    assert launches_sync(client=ll2_client()).created == 3 + 4  # the three of the file and four later ones

    summary = launches_import(source=str(path))

    assert (summary.created, summary.matched) == (4, 3)
    assert ImportRun.objects.get(pk=summary.run.pk).matched == 3
    assert Launch.objects.count() == 4 + 4
    merged = Launch.objects.filter(from_file=True).order_by("launched_at")
    assert [(launch.mission, launch.price, launch.sources) for launch in merged] == [
        ("Rubin 2 & Others", Decimal("29.00"), ["file", "ll2"]),
        ("150 Meter Hop", None, ["file"]),
        ("Gaofen-9 04 & Q-SAT", Decimal("29.75"), ["file", "ll2"]),
        ("Starlink V1 L9 & BlackSky", Decimal("50.00"), ["file", "ll2"]),
    ]
    assert {str(launch.ll2_id) for launch in merged if launch.ll2_id} == {launch["id"] for launch in known}
    dnepr, starlink = merged[0], merged[3]
    assert (dnepr.launched_at.isoformat(), dnepr.time_precision) == ("2002-12-20T13:05:00+00:00", "minute")
    assert (starlink.launched_at.isoformat(), starlink.time_precision) == ("2020-08-07T05:12:00+00:00", "minute")
    assert starlink.pad.location == "LC-39A, Kennedy Space Center, Florida, USA"
    assert (starlink.pad.ll2_latitude, starlink.pad.ll2_longitude) == (28.5618, -80.577)
    # LL2's pad of LC-39A ("LC-39A, Florida, USA") went with its launch; every name left is used.
    assert not Pad.objects.filter(location="LC-39A, Florida, USA").exists()
    assert [model.objects.filter(launches__isnull=True).count() for model in (Organisation, Rocket, Pad)] == [0, 0, 0]
    assert LaunchSite.objects.filter(pads__isnull=True).count() == 0
    stored = sorted(Launch.objects.values_list("id", "ll2_id", "launched_at", "time_precision", "price"), key=str)

    again = launches_import(source=str(path))
    synced = launches_sync(client=ll2_client(), full=True)

    assert (again.created, again.updated, again.unchanged, again.matched) == (0, 0, 4, 0)
    assert (synced.created, synced.matched) == (0, 0)
    assert (
        sorted(Launch.objects.values_list("id", "ll2_id", "launched_at", "time_precision", "price"), key=str) == stored
    )


def test_a_file_launch_matched_by_its_day_takes_the_time_ll2_learns_later(
    empty_launches, fake_ll2, ll2_client, tmp_path
):
    path = tmp_path / "small.csv"
    path.write_text(SMALL_FILE)
    launches_import(source=str(path))
    dnepr = next(launch for launch in file_launches(path) if "Rubin 2" in launch["name"])
    fake_ll2.launches = [{**dnepr, "net_precision": PRECISIONS["Day"]}]
    launches_sync(client=ll2_client())
    matched = Launch.objects.get(mission="Rubin 2 & Others")
    assert (matched.launched_at.isoformat(), matched.time_precision) == ("2002-12-20T00:00:00+00:00", "day")
    fake_ll2.launches = [{**dnepr, "last_updated": "2024-06-01T00:00:00Z"}]

    summary = launches_sync(client=ll2_client())

    matched.refresh_from_db()
    assert (summary.matched, summary.updated) == (0, 1)
    assert (matched.launched_at.isoformat(), matched.time_precision) == ("2002-12-20T13:05:00+00:00", "minute")
    assert (matched.price, matched.sources) == (Decimal("29.00"), ["file", "ll2"])
