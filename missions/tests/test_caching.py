"""Cached API answers: served without querying the launches, and never stale after the data changes."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import real_file_only
from missions.geocoding import site_coordinates_correct
from missions.models import Launch, LaunchSite, Organisation
from missions.services import launches_clear

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("launch_data")]


@pytest.fixture
def api() -> APIClient:
    """An anonymous API client."""
    return APIClient()


def test_a_repeated_read_is_answered_from_the_cache(api, django_assert_num_queries):
    first = api.get("/api/launches/?organisation=SpaceX&page_size=5")

    with django_assert_num_queries(1):  # the data version, nothing else
        second = api.get("/api/launches/?organisation=SpaceX&page_size=5")

    assert second.status_code == 200
    assert second.json() == first.json()
    assert second["Content-Type"] == "application/json"


def test_an_organisation_with_its_launches_per_year_is_answered_from_the_cache(api, django_assert_num_queries):
    url = f"/api/organisations/{Organisation.objects.get(name='SpaceX').pk}/"
    first = api.get(url)

    with django_assert_num_queries(1):  # the data version, nothing else
        second = api.get(url)

    assert second.json() == first.json()
    assert first.json()["launches_per_year"]


def test_clearing_the_data_makes_cached_answers_unreachable(api):
    assert api.get("/api/launches/").json()["count"] == Launch.objects.count() > 0

    launches_clear()

    assert api.get("/api/launches/").json()["count"] == 0


@real_file_only
def test_an_admin_edit_shows_at_once(api, admin_client):
    launch = Launch.objects.select_related("organisation", "pad", "rocket").get(mission="Starlink V1 L9 & BlackSky")
    url = f"/api/launches/{launch.pk}/"
    assert api.get(url).json()["mission"] == "Starlink V1 L9 & BlackSky"

    response = admin_client.post(
        reverse("admin:missions_launch_change", args=[launch.pk]),
        {
            "organisation": launch.organisation_id,
            "pad": launch.pad_id,
            "rocket": launch.rocket_id,
            "mission": "Renamed mission",
            "launched_at_0": "2020-08-07",
            "launched_at_1": "05:12:00",
            "time_precision": launch.time_precision,
            "price": "50.00",
            "mission_status": launch.mission_status,
        },
    )

    assert response.status_code == 302
    assert api.get(url).json()["mission"] == "Renamed mission"


def test_a_coordinate_correction_shows_at_once(api):
    site = LaunchSite.objects.get(name="Kennedy Space Center")
    url = f"/api/sites/{site.pk}/"
    api.get(url)

    site_coordinates_correct(site=site, latitude=28.6, longitude=-80.6)

    body = api.get(url).json()
    assert (body["latitude"], body["longitude"]) == (28.6, -80.6)


def test_the_cache_can_be_turned_off(api, settings, django_assert_num_queries):
    settings.API_CACHE_SECONDS = 0
    api.get("/api/organisations/")

    with django_assert_num_queries(2):  # the count and the page: computed again
        api.get("/api/organisations/")
