"""Building the launch-site map: its numbers against pandas on the imported file, its artefacts, and the map job."""

import io
import json
import re

import pandas as pd
import pytest
from PIL import Image

from analysis.maps.build import MapUnavailable, launch_site_map, launch_site_stats, map_title, site_map_build
from analysis.maps.html import success_colour
from analysis.maps.png import PNG_SIZE
from conftest import real_file_only
from missions.models import Launch, LaunchSite, Pad
from missions.selectors import ALL_LAUNCHES
from testsupport.reference import launch_frame

pytestmark = pytest.mark.django_db


@pytest.fixture
def frame(launch_data) -> pd.DataFrame:
    """The imported file read by pandas."""
    return launch_frame(launch_data)


def pandas_site_stats(frame: pd.DataFrame, *, query: str | None = None) -> list[dict]:
    """Per-place statistics computed with pandas from the file, placed with the pads' stored coordinates."""
    if query:
        frame = frame.query(query)
    pads = pd.DataFrame(
        list(Pad.objects.values("location", latitude=F_site("latitude"), longitude=F_site("longitude")))
    )
    frame = frame.merge(pads, left_on="Location", right_on="location")
    frame["success"] = frame["Mission_Status"] == "Success"
    grouped = frame.groupby(["latitude", "longitude"]).agg(
        launches=("success", "size"),
        successes=("success", "sum"),
        organisations=("Organisation", lambda names: sorted(set(names))),
        first_launch=("launched_at", "min"),
        last_launch=("launched_at", "max"),
    )
    rows = [
        {
            "latitude": latitude,
            "longitude": longitude,
            "launches": int(row.launches),
            "successes": int(row.successes),
            "failures": int(row.launches - row.successes),
            "success_rate": round(row.successes / row.launches, 4),
            "organisations": row.organisations,
            "first_launch": row.first_launch.to_pydatetime(),
            "last_launch": row.last_launch.to_pydatetime(),
        }
        for (latitude, longitude), row in grouped.iterrows()
    ]
    return sorted(rows, key=lambda row: (-row["launches"], row["latitude"], row["longitude"]))


def F_site(field: str):  # noqa: N802 - reads like the F() it wraps
    from django.db.models import F

    return F(f"site__{field}")


def comparable(rows: list[dict]) -> list[dict]:
    keys = ("latitude", "longitude", "launches", "successes", "failures", "success_rate", "organisations")
    return [{key: row[key] for key in (*keys, "first_launch", "last_launch")} for row in rows]


def test_site_statistics_match_pandas(frame):
    assert comparable(launch_site_stats(filters=ALL_LAUNCHES)) == pandas_site_stats(frame)


@real_file_only
def test_site_statistics_of_the_real_file(launch_data):
    rows = launch_site_stats(filters=ALL_LAUNCHES)
    assert len(rows) == 42
    assert sum(row["launches"] for row in rows) == 4323
    baikonur = next(row for row in rows if row["sites"] == ["Baikonur Cosmodrome"])
    assert {key: baikonur[key] for key in ("launches", "successes", "failures", "success_rate", "countries")} == {
        "launches": 701,
        "successes": 608,
        "failures": 93,
        "success_rate": 0.8673,
        "countries": ["Kazakhstan"],
    }


@pytest.mark.parametrize(
    ("filters", "query"),
    [
        ({"organisation": "SpaceX"}, "Organisation == 'SpaceX'"),
        ({"year_from": 1990, "year_to": 1999}, "launched_at.dt.year >= 1990 and launched_at.dt.year <= 1999"),
        ({"mission_status": "Failure"}, "Mission_Status == 'Failure'"),
        # The Yellow Sea barges lie in China's waters (see the data README).
        ({"country": "china"}, "Location.str.endswith(', China') or Location.str.endswith(', Yellow Sea')"),
    ],
)
def test_filtered_site_statistics_match_pandas(frame, selection, filters, query):
    expected = pandas_site_stats(frame, query=query)
    assert expected
    assert comparable(launch_site_stats(filters=selection(**filters)["filters"])) == expected


@real_file_only
def test_the_map_of_all_launches_has_one_feature_per_site_and_three_artefacts(launch_data, selection):
    artefacts = launch_site_map(**selection())
    geojson = json.loads(artefacts.files["geojson"])
    assert geojson["type"] == "FeatureCollection"
    assert len(geojson["features"]) == 42
    kennedy = next(f for f in geojson["features"] if f["properties"]["name"] == "Kennedy Space Center")
    assert kennedy["geometry"] == {"type": "Point", "coordinates": [-80.6043, 28.6084]}
    assert kennedy["properties"]["launches"] == 176
    assert kennedy["properties"]["marker-color"] == success_colour(kennedy["properties"]["success_rate"])
    assert artefacts.summary == {
        "title": "Launch sites: all launches",
        "filters": {},
        "launch_count": 4323,
        "located_launch_count": 4323,
        "place_count": 42,
        "site_count": 42,
        "unlocated_launch_count": 0,
        "unlocated_sites": [],
    }
    image = Image.open(io.BytesIO(artefacts.files["png"]))
    assert (image.format, image.size) == ("PNG", PNG_SIZE)
    html = artefacts.files["html"].decode()
    assert '<script src="/static/maps/leaflet/leaflet.js">' in html
    assert '<link rel="stylesheet" href="/static/maps/leaflet/leaflet.css">' in html
    # Every script and stylesheet comes from the app itself; only the tiles may come from elsewhere.
    assert re.findall(r'(?:src|href)="(https?:[^"]*)"', html) == []
    embedded = re.search(r'<script id="launch-map-data" type="application/json">(.*?)</script>', html, re.S)
    assert json.loads(embedded.group(1)) == geojson


@real_file_only
def test_sites_without_coordinates_are_named_in_the_result(launch_data, selection):
    LaunchSite.objects.filter(name="Hammaguir").update(latitude=None, longitude=None)
    summary = launch_site_map(**selection()).summary
    assert summary["unlocated_sites"] == ["Hammaguir"]
    assert summary["unlocated_launch_count"] == Launch.objects.filter(pad__site__name="Hammaguir").count() == 4
    assert summary["located_launch_count"] == 4319
    assert summary["warning"] == "4 launch(es) from 1 site(s) without coordinates are not on the map."


@real_file_only
def test_a_map_whose_sites_cannot_be_located_fails_instead_of_drawing_nothing(launch_data, selection):
    LaunchSite.objects.update(latitude=None, longitude=None)
    with pytest.raises(MapUnavailable, match=r"None of the 100 matching launches has a located site .*geocode_sites"):
        launch_site_map(**selection(organisation="SpaceX"))


def test_a_map_of_no_launches_fails(launch_data, selection):
    with pytest.raises(MapUnavailable, match="No launches match the filters"):
        site_map_build(**selection(year_from=2100))


def test_titles_name_the_filters():
    assert map_title(params={}) == "Launch sites: all launches"
    assert map_title(params={"organisation": "CASC", "year_from": 2000, "year_to": 2010}) == (
        "Launch sites: CASC, 2000–2010"
    )
    assert map_title(params={"year_to": 1970, "mission_status": "Failure"}) == "Launch sites: …–1970, Failure"


@pytest.fixture
def submit(client, analysis_queue, media, django_capture_on_commit_callbacks, work):
    """POST to a job route with its enqueue-on-commit carried out, then run the queued job."""

    def post(path: str, payload: dict | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(path, payload, format="json")
        work(analysis_queue)
        return response

    return post


@real_file_only
def test_the_map_job_serves_geojson_html_and_png(launch_data, client, submit):
    response = submit("/api/jobs/", {"analysis": "launch_site_map", "params": {"organisation": "spacex"}})
    assert response.status_code == 202
    job = client.get(response["Location"]).json()
    assert (job["status"], job["error"]) == ("finished", "")
    assert job["result"] == {
        "title": "Launch sites: SpaceX",
        "filters": {"organisation": "SpaceX"},
        "launch_count": 100,
        "located_launch_count": 100,
        "place_count": 5,
        "site_count": 5,
        "unlocated_launch_count": 0,
        "unlocated_sites": [],
    }
    assert set(job["result_urls"]) == {"geojson", "html", "png"}
    geojson = client.get(job["result_urls"]["geojson"])
    assert geojson["Content-Type"] == "application/geo+json"
    features = json.loads(b"".join(geojson.streaming_content))["features"]
    assert sorted((f["properties"]["name"], f["properties"]["launches"]) for f in features) == [
        ("Boca Chica", 1),
        ("Cape Canaveral AFS", 56),
        ("Kennedy Space Center", 23),
        ("Ronald Reagan Ballistic Missile Defense Test Site", 5),
        ("Vandenberg AFB", 15),
    ]
    html = client.get(job["result_urls"]["html"])
    assert html["Content-Type"] == "text/html"
    assert b'<script src="/static/maps/leaflet/leaflet.js">' in b"".join(html.streaming_content)
    assert html["Content-Security-Policy"] == (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data: https://tile.openstreetmap.org; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'self'"
    )
    assert "Content-Security-Policy" not in geojson
    png = client.get(job["result_urls"]["png"])
    assert png["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(png.streaming_content))).size == PNG_SIZE


def test_the_map_html_runs_under_its_content_security_policy(launch_data, selection):
    """Under script-src 'self' and style-src 'self', inline scripts, handlers and style attributes would not run."""
    html = launch_site_map(**selection()).files["html"].decode()

    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in tag or 'type="application/json"' in tag for tag in scripts)
    markup = re.sub(r"<script.*?</script>", "", html, flags=re.DOTALL)
    assert not re.search(r"<style|\sstyle=|\son[a-z]+=", markup)


@real_file_only
def test_the_original_map_of_launches_route_runs_the_map(launch_data, client, submit):
    response = submit("/jobs/map_of_launches")
    assert response.status_code == 202
    job = client.get(f"/api/jobs/{response.json()['id']}/").json()
    assert (job["analysis"], job["status"], job["result"]["place_count"]) == ("launch_site_map", "finished", 42)


@real_file_only
def test_a_map_job_without_located_sites_fails_saying_why(launch_data, client, submit):
    LaunchSite.objects.update(latitude=None, longitude=None)
    response = submit("/api/jobs/", {"analysis": "launch_site_map", "params": {"year_from": 2019}})
    job = client.get(response["Location"]).json()
    assert job["status"] == "failed"
    assert job["error"] == (
        "MapUnavailable: None of the 172 matching launches has a located site (Baikonur Cosmodrome, Boca Chica, "
        "Cape Canaveral AFS and 21 more); run `manage.py geocode_sites`."
    )
    result = client.get(f"/api/jobs/{job['id']}/result/?format=png")
    assert result.status_code == 409
