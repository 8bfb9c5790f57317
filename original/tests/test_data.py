"""The original service's root routes, called as its README calls them: /data (GET, POST, DELETE) and /help."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import get_resolver, path
from rest_framework.test import APIClient

from config.api import router
from conftest import real_file_only
from missions.models import Launch, LaunchSite, Organisation, Pad
from testsupport.reference import COLUMNS, as_records, file_rows, launch_frame, launch_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(settings, launch_file):
    """POST /data imports the configured dataset: here the launch file, checked against no published checksum."""
    settings.LAUNCH_DATA_URL, settings.LAUNCH_DATA_SHA256 = str(launch_file), ""
    return launch_file


def streamed_json(response) -> list[dict]:
    return json.loads(b"".join(response.streaming_content))


def test_get_data_streams_every_launch_in_the_original_field_names(client, launch_data):
    response = client.get("/data")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    rows = streamed_json(response)
    assert len(rows) == len(launch_rows(launch_data))
    assert all(list(row) == COLUMNS for row in rows)
    assert sorted(tuple(row[column] for column in COLUMNS) for row in rows) == as_records(launch_rows(launch_data))


@real_file_only
def test_get_data_writes_dates_prices_and_statuses_as_the_file_does(client, launch_data):
    rows = streamed_json(client.get("/data"))
    assert rows[0] == {
        "Organisation": "SpaceX",
        "Location": "LC-39A, Kennedy Space Center, Florida, USA",
        "Date": "Fri Aug 07, 2020 05:12 UTC",
        "Detail": "Falcon 9 Block 5 | Starlink V1 L9 & BlackSky",
        "Rocket_Status": "StatusActive",
        "Price": "50.0",
        "Mission_Status": "Success",
    }
    dates = {row["Date"] for row in rows}
    assert "Thu Aug 29, 2019" in dates  # a day-only launch keeps its day-only form
    assert {row["Price"] for row in rows if row["Detail"].startswith("Saturn V |")} == {"1,160.0"}
    assert {row["Rocket_Status"] for row in rows} == {"StatusActive", "StatusRetired"}


def test_post_data_refuses_anonymous_clients_and_imports_nothing(client, empty_launches, dataset):
    response = client.post("/data")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided.", "errors": {}}
    assert Launch.objects.count() == 0


def test_post_data_imports_the_configured_dataset_for_staff(staff_client, empty_launches, dataset):
    response = staff_client.post("/data")
    assert response.status_code == 200
    body = response.json()
    frame = launch_frame(dataset)
    assert body == {
        "message": "Successfully loaded in the dictionary.",
        "run": body["run"],
        "rows": file_rows(dataset),
        "created": len(frame),
        "updated": 0,
        "unchanged": 0,
        "duplicates": 1,
        "rejected": 0,
    }
    assert (Launch.objects.count(), Organisation.objects.count(), Pad.objects.count()) == (
        len(frame),
        frame["Organisation"].nunique(),
        frame["Location"].nunique(),
    )


def test_post_data_twice_changes_nothing_the_second_time(staff_client, empty_launches, dataset):
    staff_client.post("/data")
    body = staff_client.post("/data").json()
    launches = len(launch_rows(dataset))
    assert (body["created"], body["updated"], body["unchanged"], body["duplicates"]) == (0, 0, launches, 1)
    assert Launch.objects.count() == launches


def test_post_data_reports_a_dataset_that_cannot_be_imported(staff_client, db, settings, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("Organisation,Location\nSpaceX\n")
    settings.LAUNCH_DATA_URL = str(broken)
    response = staff_client.post("/data")
    assert response.status_code == 422
    assert "missing column" in response.json()["detail"]


def test_post_data_refuses_a_user_who_is_not_staff(db, dataset):
    user = get_user_model().objects.create_user("reader")
    client = APIClient()
    client.force_authenticate(user)
    assert client.post("/data").status_code == 403


def test_delete_data_refuses_anonymous_clients_and_deletes_nothing(client, launch_data):
    response = client.delete("/data")
    assert response.status_code == 401
    assert Launch.objects.count() == len(launch_rows(launch_data))


def test_delete_data_by_a_non_staff_session_deletes_nothing(launch_data):
    get_user_model().objects.create_user("reader", password="pw-reader-123456")
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="reader", password="pw-reader-123456")
    assert client.delete("/data").status_code == 403
    assert Launch.objects.count() == len(launch_rows(launch_data))


def test_delete_data_clears_every_launch_for_staff(staff_client, launch_data):
    frame = launch_frame(launch_data)
    sites = LaunchSite.objects.count()
    response = staff_client.delete("/data")
    assert response.status_code == 200
    assert response.json() == {
        "message": "Deleted all launch data.",
        "deleted": {
            "launches": len(frame),
            "organisations": frame["Organisation"].nunique(),
            "rockets": frame["rocket"].nunique(),
            "pads": frame["Location"].nunique(),
            "sites": sites,
        },
    }
    assert (Launch.objects.count(), LaunchSite.objects.count()) == (0, 0)
    assert streamed_json(staff_client.get("/data")) == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_help_lists_every_route_as_plain_text(client, db, method):
    response = getattr(client, method)("/help")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    for line in ("GET     /data ", "POST    /data ", "DELETE  /data ", "GET     /help ", "POST    /help "):
        assert line in text
    for prefix, _viewset, _basename in router.registry:
        assert f"  /api/{prefix}/ " in text
        assert f"  /api/{prefix}/<" in text
    for route in ("/api/schema/", "/api/docs/", "/api/redoc/", "/api/auth/token/", "/admin/"):
        assert f"  {route} " in text


def test_help_lists_every_top_level_route_of_the_url_configuration(client, db):
    text = client.get("/help").content.decode()
    paths = {line.split()[1] for line in text.splitlines() if line[:1].isupper() and line.split()[0].isupper()}
    for pattern in get_resolver().url_patterns:
        assert any(path_.startswith("/" + str(pattern.pattern).lstrip("^")) for path_ in paths), pattern


def test_help_follows_the_url_configuration(client, settings):
    settings.ROOT_URLCONF = __name__
    lines = [line.split(None, 2) for line in client.get("/help").content.decode().splitlines()]
    assert ["GET", "/launch-count", "The number of launches, as plain text."] in lines


def launch_count(request):
    """The number of launches, as plain text."""


urlpatterns = [*get_resolver("config.urls").url_patterns, path("launch-count", launch_count)]
