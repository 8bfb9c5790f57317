"""Reads of the launch records: the original rows, per-year counts, rocket organisations and the data version."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from missions.models import DataVersion, Launch, LaunchSite, Organisation, Pad, Rocket
from missions.selectors import (
    data_version,
    launch_list,
    launch_original_rows,
    organisation_launches_per_year,
    rocket_organisations,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def launches(empty_launches) -> dict[str, object]:
    site = LaunchSite.objects.create(name="Kennedy Space Center", country="USA")
    pad = Pad.objects.create(
        location="LC-39A, Kennedy Space Center, Florida, USA", name="LC-39A", site=site, country="USA"
    )
    spacex, nasa = Organisation.objects.create(name="SpaceX"), Organisation.objects.create(name="NASA")
    falcon = Rocket.objects.create(name="Falcon 9 Block 5", status="active")
    saturn = Rocket.objects.create(name="Saturn V", status="retired")
    common = {"pad": pad, "mission_status": "Success"}
    Launch.objects.create(
        organisation=spacex,
        rocket=falcon,
        mission="Starlink",
        launched_at=datetime(2020, 8, 7, 5, 12, tzinfo=UTC),
        price=Decimal("50.00"),
        **common,
    )
    Launch.objects.create(
        organisation=nasa,
        rocket=falcon,
        mission="Crew-1",
        launched_at=datetime(2019, 8, 29, tzinfo=UTC),
        time_precision="day",
        **common,
    )
    Launch.objects.create(
        organisation=nasa,
        rocket=saturn,
        mission="Apollo 11",
        launched_at=datetime(1969, 7, 16, 13, 32, tzinfo=UTC),
        price=Decimal("1160.00"),
        pad=pad,
        mission_status="Partial Failure",
    )
    return {"nasa": nasa, "falcon": falcon, "saturn": saturn}


def test_original_rows_use_the_files_spellings(launches):
    assert list(launch_original_rows()) == [
        {
            "Organisation": "SpaceX",
            "Location": "LC-39A, Kennedy Space Center, Florida, USA",
            "Date": "Fri Aug 07, 2020 05:12 UTC",
            "Detail": "Falcon 9 Block 5 | Starlink",
            "Rocket_Status": "StatusActive",
            "Price": "50.0",
            "Mission_Status": "Success",
        },
        {
            "Organisation": "NASA",
            "Location": "LC-39A, Kennedy Space Center, Florida, USA",
            "Date": "Thu Aug 29, 2019",
            "Detail": "Falcon 9 Block 5 | Crew-1",
            "Rocket_Status": "StatusActive",
            "Price": "",
            "Mission_Status": "Success",
        },
        {
            "Organisation": "NASA",
            "Location": "LC-39A, Kennedy Space Center, Florida, USA",
            "Date": "Wed Jul 16, 1969 13:32 UTC",
            "Detail": "Saturn V | Apollo 11",
            "Rocket_Status": "StatusRetired",
            "Price": "1,160.0",
            "Mission_Status": "Partial Failure",
        },
    ]


def test_original_rows_of_a_filtered_list(launches):
    rows = launch_original_rows(launches=launch_list().filter(organisation__name="SpaceX"))
    assert [row["Detail"] for row in rows] == ["Falcon 9 Block 5 | Starlink"]


def test_launches_per_year_count_successes(launches):
    assert organisation_launches_per_year(organisation=launches["nasa"]) == [
        {"year": 1969, "launches": 1, "successes": 0},
        {"year": 2019, "launches": 1, "successes": 1},
    ]


def test_rocket_organisations_in_one_query(launches, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = rocket_organisations(rockets=[launches["falcon"], launches["saturn"]])
    assert names == {launches["falcon"].pk: ["NASA", "SpaceX"], launches["saturn"].pk: ["NASA"]}


def test_data_version_is_zero_before_any_import():
    DataVersion.objects.all().delete()
    assert data_version() == 0
    DataVersion.objects.create(pk=1, number=7)
    assert data_version() == 7
