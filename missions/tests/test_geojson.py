"""The launch sites as GeoJSON: ``/api/sites/?format=geojson``."""

import json

import pytest

from conftest import real_file_only
from missions.geocoding import sites_geocode
from missions.models import LaunchSite

pytestmark = pytest.mark.django_db


def features_of(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


@real_file_only
def test_sites_as_a_feature_collection_with_page_links(client, launch_data):
    collection = features_of(client.get("/api/sites/", {"format": "geojson", "page_size": 5}))
    assert (collection["type"], collection["count"], len(collection["features"])) == ("FeatureCollection", 42, 5)
    assert collection["next"] == "http://testserver/api/sites/?format=geojson&page=2&page_size=5"
    baikonur = next(f for f in collection["features"] if f["properties"]["name"] == "Baikonur Cosmodrome")
    assert baikonur["geometry"] == {"type": "Point", "coordinates": [63.305, 45.965]}
    assert baikonur["id"] == baikonur["properties"]["id"]
    assert {key: baikonur["properties"][key] for key in ("country", "coordinate_source", "launches")} == {
        "country": "Kazakhstan",
        "coordinate_source": "gazetteer",
        "launches": 701,
    }
    assert "latitude" not in baikonur["properties"]


def test_every_imported_site_is_a_point(client, launch_data):
    collection = features_of(client.get("/api/sites/", {"format": "geojson", "page_size": 1000}))
    assert len(collection["features"]) == LaunchSite.objects.count() > 0
    assert {feature["geometry"]["type"] for feature in collection["features"]} == {"Point"}


@pytest.mark.usefixtures("empty_launches")
def test_a_site_without_coordinates_has_a_null_geometry(client):
    LaunchSite.objects.create(name="Nowhere Field", country="Atlantis")
    LaunchSite.objects.create(name="Kennedy Space Center", country="USA")
    sites_geocode()
    collection = features_of(client.get("/api/sites/", {"format": "geojson", "ordering": "name"}))
    assert [(f["properties"]["name"], f["geometry"]) for f in collection["features"]] == [
        ("Kennedy Space Center", {"type": "Point", "coordinates": [-80.6043, 28.6084]}),
        ("Nowhere Field", None),
    ]


@pytest.mark.usefixtures("empty_launches")
def test_one_site_is_a_feature(client):
    site = LaunchSite.objects.create(name="Kennedy Space Center", country="USA", latitude=28.6, longitude=-80.6)
    feature = features_of(client.get(f"/api/sites/{site.pk}/", {"format": "geojson"}))
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [-80.6, 28.6]}


def test_errors_keep_the_api_error_shape(client):
    response = client.get("/api/sites/", {"format": "geojson", "page": "999"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page.", "errors": {}}
