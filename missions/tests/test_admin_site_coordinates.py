"""Correcting a launch site's coordinates by hand in the admin: geocoding keeps the correction."""

import pytest
from django.test import Client

from missions.geocoding import sites_geocode
from missions.models import LaunchSite

pytestmark = pytest.mark.django_db


@pytest.fixture
def kennedy(empty_launches) -> LaunchSite:
    LaunchSite.objects.create(name="Kennedy Space Center", country="USA")
    sites_geocode()
    return LaunchSite.objects.get()


def change(client: Client, site: LaunchSite, **coordinates):
    return client.post(f"/admin/missions/launchsite/{site.pk}/change/", coordinates)


def test_coordinates_edited_in_the_admin_are_marked_manual_and_kept_by_geocoding(admin_client, kennedy):
    response = change(admin_client, kennedy, latitude="28.5729", longitude="-80.649")
    assert response.status_code == 302
    sites_geocode(refresh=True)
    kennedy.refresh_from_db()
    assert (kennedy.latitude, kennedy.longitude, kennedy.coordinate_source, kennedy.coordinate_precision) == (
        28.5729,
        -80.649,
        "manual",
        "site",
    )


def test_clearing_both_coordinates_lets_geocoding_locate_the_site_again(admin_client, kennedy):
    change(admin_client, kennedy, latitude="1", longitude="2")
    assert change(admin_client, kennedy, latitude="", longitude="").status_code == 302
    kennedy.refresh_from_db()
    assert (kennedy.latitude, kennedy.coordinate_source) == (None, "")
    sites_geocode()
    kennedy.refresh_from_db()
    assert (kennedy.latitude, kennedy.longitude, kennedy.coordinate_source) == (28.6084, -80.6043, "gazetteer")


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("28.5", "", "Give both latitude and longitude, or clear both to geocode the site again."),
        ("91", "0", "Ensure this value is less than or equal to 90."),
        ("0", "-181", "Ensure this value is greater than or equal to -180."),
    ],
)
def test_the_admin_refuses_incomplete_or_impossible_coordinates(admin_client, kennedy, latitude, longitude, message):
    response = change(admin_client, kennedy, latitude=latitude, longitude=longitude)
    assert response.status_code == 200
    assert message in response.content.decode()
    kennedy.refresh_from_db()
    assert (kennedy.latitude, kennedy.coordinate_source) == (28.6084, "gazetteer")
