"""The /maps/ page, its downloads and the land outline, and the API root's link to the page."""

import io
import json
import re

import pytest
from PIL import Image

from analysis.maps.basemap import boundary_lines
from analysis.maps.png import PNG_SIZE
from conftest import real_file_only
from missions.models import Launch

pytestmark = pytest.mark.django_db


@real_file_only
def test_the_maps_page_shows_the_map_of_all_launches(client, launch_data):
    response = client.get("/maps/")
    assert response.status_code == 200
    page = response.content.decode()
    features = json.loads(re.search(r'id="launch-map-data" type="application/json">(.*?)</script>', page).group(1))
    assert len(features["features"]) == 42
    assert "4323 launches from 42 launch sites." in " ".join(page.split())
    assert '<option value="SpaceX">SpaceX</option>' in page


def test_the_maps_page_filters_by_organisation_and_years(client, launch_data):
    response = client.get("/maps/", {"organisation": "spacex", "year_from": "2015", "year_to": ""})
    page = response.content.decode()
    features = json.loads(re.search(r'id="launch-map-data" type="application/json">(.*?)</script>', page).group(1))
    assert response.status_code == 200
    assert (
        sum(f["properties"]["launches"] for f in features["features"])
        == Launch.objects.filter(organisation__name="SpaceX", launched_at__year__gte=2015).count()
    )
    assert '<option value="SpaceX" selected>SpaceX</option>' in page


def test_the_maps_page_refuses_bad_filters_naming_the_field(client, launch_data):
    response = client.get("/maps/", {"year_from": "soon"})
    assert response.status_code == 400
    assert "From year: Enter a whole number." in response.content.decode()


def test_the_maps_page_says_when_nothing_matches(client, launch_data):
    response = client.get("/maps/", {"year_from": "2100"})
    assert response.status_code == 200
    assert "No launches match the filters, so there is nothing to map." in response.content.decode()
    assert "launch-map-data" not in response.content.decode()


def test_a_download_of_an_empty_map_is_not_found_in_the_error_shape(client, launch_data):
    response = client.get("/maps/", {"year_from": "2100", "format": "geojson"})
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No launches match the filters, so there is nothing to map.", "errors": {}},
    )


@real_file_only
def test_the_maps_page_downloads_geojson_and_png(client, launch_data):
    geojson = client.get("/maps/", {"organisation": "SpaceX", "format": "geojson"})
    assert geojson["Content-Type"] == "application/geo+json"
    assert sum(f["properties"]["launches"] for f in json.loads(geojson.content)["features"]) == 100
    png = client.get("/maps/", {"format": "png"})
    assert png["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == PNG_SIZE


def test_the_maps_page_refuses_unknown_downloads_and_filters(client, launch_data):
    response = client.get("/maps/", {"format": "svg"})
    assert (response.status_code, response.json()["errors"]) == (400, {"format": ["Must be geojson or png."]})
    response = client.get("/maps/", {"format": "png", "organisation": "Acme"})
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"organisation": ["Unknown organisation 'Acme'."]},
    )


def test_the_land_outline_is_served_for_maps_without_tiles(client):
    response = client.get("/maps/land.geojson")
    assert response["Content-Type"] == "application/geo+json"
    assert response["Cache-Control"] == "public, max-age=86400"
    geometry = json.loads(response.content)["geometry"]
    assert geometry["type"] == "MultiPolygon"
    assert len(geometry["coordinates"]) == len([1 for level, _line in boundary_lines("gshhs", "c") if level == 1])
    assert all(ring[0] == ring[-1] for (ring,) in geometry["coordinates"])


def test_the_api_root_links_the_maps_page(client):
    response = client.get("/api/")
    assert response.json()["maps"] == "http://testserver/maps/"
    assert response.json()["sites"] == "http://testserver/api/sites/"
