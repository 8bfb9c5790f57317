"""The REST API under /api/ on the imported launch file, checked against pandas with exact values."""

import csv
import io
import re
from decimal import Decimal

import pandas as pd
import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from conftest import real_file_only
from missions.models import ImportRun, Launch, Organisation, Rocket
from testsupport.reference import COLUMNS, as_records, launch_frame, launch_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def frame(launch_data) -> pd.DataFrame:
    """The imported file read by pandas, its columns named as the API names them."""
    names = {"Organisation": "organisation", "Location": "location", "Rocket_Status": "rocket_status"}
    return launch_frame(launch_data).rename(columns={**names, "Mission_Status": "mission_status"})


def get_all(client: APIClient, url: str) -> list[dict]:
    """Every result of a list, following the pages."""
    results = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        results += response.json()["results"]
        url = response.json()["next"]
    return results


def count(client: APIClient, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def test_launch_list_pages_every_launch_fifty_at_a_time(client, frame):
    body = client.get("/api/launches/").json()
    assert body["count"] == len(frame)
    assert len(body["results"]) == 50
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/launches/?page=2"


@real_file_only
def test_launch_shows_the_names_of_what_it_refers_to(client, launch_data):
    launch = Launch.objects.select_related("organisation", "rocket", "pad__site").get(
        mission="Starlink V1 L9 & BlackSky"
    )
    assert client.get(f"/api/launches/{launch.pk}/").json() == {
        "id": launch.pk,
        "launched_at": "2020-08-07T05:12:00Z",
        "time_precision": "minute",
        "organisation": "SpaceX",
        "organisation_id": launch.organisation_id,
        "rocket": "Falcon 9 Block 5",
        "rocket_id": launch.rocket_id,
        "rocket_status": "active",
        "mission": "Starlink V1 L9 & BlackSky",
        "mission_status": "Success",
        "price": 50.0,
        "location": "LC-39A, Kennedy Space Center, Florida, USA",
        "pad": "LC-39A",
        "pad_id": launch.pad_id,
        "site": "Kennedy Space Center",
        "site_id": launch.pad.site_id,
        "country": "USA",
        "sources": ["file"],
        "ll2_id": None,
    }


def test_newest_launch_comes_first(client, frame):
    first = client.get("/api/launches/?page_size=1").json()["results"][0]
    assert first["launched_at"] == frame["launched_at"].max().strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("organisation=SpaceX", lambda f: f["organisation"] == "SpaceX"),
        ("organisation=spacex,CASC", lambda f: f["organisation"].isin(["SpaceX", "CASC"])),
        ("rocket=Delta IV Medium%2B (4,2)", lambda f: f["rocket"] == "Delta IV Medium+ (4,2)"),
        (
            "rocket=Delta IV Medium%2B (5,4),Falcon 9 Block 5",
            lambda f: f["rocket"].isin(["Delta IV Medium+ (5,4)", "Falcon 9 Block 5"]),
        ),
        ("country=Kazakhstan", lambda f: f["location"].str.endswith(", Kazakhstan")),
        ("country=japan,Kazakhstan", lambda f: f["location"].str.endswith((", Japan", ", Kazakhstan"))),
        ("site=Baikonur Cosmodrome", lambda f: f["location"].str.contains(", Baikonur Cosmodrome,", regex=False)),
        ("pad=LC-39A", lambda f: f["location"].str.startswith("LC-39A, ")),
        ("mission_status=Failure", lambda f: f["mission_status"] == "Failure"),
        (
            "mission_status=Partial Failure,Prelaunch Failure",
            lambda f: f["mission_status"].isin(["Partial Failure", "Prelaunch Failure"]),
        ),
        ("year=2019", lambda f: f["year"] == 2019),
        ("year_from=1970&year_to=1979", lambda f: f["year"].between(1970, 1979)),
        (
            "launched_after=2020-01-01&launched_before=2020-03-31",
            lambda f: f["launched_at"].between(
                pd.Timestamp("2020-01-01", tz="UTC"), pd.Timestamp("2020-03-31 23:59:59.999999", tz="UTC")
            ),
        ),
        ("price_min=100&price_max=200", lambda f: f["price"].between(100, 200)),
        ("price_min=29.75", lambda f: f["price"] >= 29.75),
        ("has_price=true", lambda f: f["price"].notna()),
        ("has_price=false", lambda f: f["price"].isna()),
        (
            "organisation=SpaceX&year=2020&has_price=true",
            lambda f: (f["organisation"] == "SpaceX") & (f["year"] == 2020) & f["price"].notna(),
        ),
    ],
)
def test_launch_filters_match_pandas(client, frame, query, expected):
    assert count(client, f"/api/launches/?{query}") == int(expected(frame).sum())


def test_organisation_filter_takes_ids_and_names(client, frame):
    spacex = Organisation.objects.get(name="SpaceX")
    expected = int(frame["organisation"].isin(["SpaceX", "NASA"]).sum())
    assert count(client, f"/api/launches/?organisation={spacex.pk},NASA") == expected


def test_rocket_status_filter_uses_each_rockets_latest_status(client, frame):
    latest = frame.sort_values("launched_at").drop_duplicates("rocket", keep="last").set_index("rocket")
    active = latest.index[latest["rocket_status"] == "StatusActive"]
    assert count(client, "/api/launches/?rocket_status=active") == int(frame["rocket"].isin(active).sum())
    assert count(client, "/api/launches/?rocket_status=retired") == int((~frame["rocket"].isin(active)).sum())


def test_filtered_launches_are_the_pandas_rows(client, frame):
    results = get_all(client, "/api/launches/?organisation=Rocket Lab&page_size=5")
    expected = frame[frame["organisation"] == "Rocket Lab"]
    assert sorted(row["mission"] for row in results) == sorted(expected["mission"])
    assert {row["organisation"] for row in results} == {"Rocket Lab"}


@pytest.mark.parametrize("words", ["starlink", "STARLINK", "Falcon starlink", "Kennedy", "Arianespace", "Ariane 5 ECA"])
def test_search_matches_every_word_in_mission_rocket_organisation_or_location(client, frame, words):
    match = pd.Series(True, index=frame.index)
    for word in words.lower().split():
        # a row matches a word when any one field contains it
        fields = [
            frame[column].str.lower().str.contains(word, regex=False)
            for column in ("mission", "rocket", "organisation", "location")
        ]
        match &= fields[0] | fields[1] | fields[2] | fields[3]
    assert count(client, f"/api/launches/?search={words}") == int(match.sum())


def test_ordering_by_price_puts_unpriced_launches_last_both_ways(client, frame):
    prices = frame["price"].dropna()
    ascending = get_all(client, "/api/launches/?ordering=price&has_price=true&page_size=1000")
    assert [row["price"] for row in ascending] == sorted(prices.tolist())
    descending = client.get("/api/launches/?ordering=-price&page_size=3").json()["results"]
    assert [row["price"] for row in descending] == sorted(prices.tolist(), reverse=True)[:3]
    last_page = client.get("/api/launches/?ordering=-price&page=last&page_size=1000").json()["results"]
    assert last_page[-1]["price"] is None


@real_file_only
def test_ordering_by_launch_time_starts_with_sputnik(client, frame):
    first = client.get("/api/launches/?ordering=launched_at&page_size=1").json()["results"][0]
    oldest = frame.loc[frame["launched_at"].idxmin()]
    assert (first["mission"], first["launched_at"]) == (oldest["mission"], "1957-10-04T19:28:00Z")


def test_ordering_by_organisation_then_newest(client, frame):
    rows = get_all(
        client, "/api/launches/?organisation=NASA,CASC,SpaceX&ordering=organisation,-launched_at&page_size=1000"
    )
    names = [row["organisation"] for row in rows]
    counts = frame["organisation"].value_counts()
    assert names == ["CASC"] * counts["CASC"] + ["NASA"] * counts["NASA"] + ["SpaceX"] * counts["SpaceX"]
    spacex = [row["launched_at"] for row in rows if row["organisation"] == "SpaceX"]
    assert spacex == sorted(spacex, reverse=True)


def test_pages_never_overlap(client, frame):
    ids = [row["id"] for row in get_all(client, "/api/launches/?ordering=organisation&page_size=100")]
    assert len(ids) == len(set(ids)) == len(frame)


def test_csv_export_streams_the_whole_filtered_list_in_the_original_columns(client, launch_data):
    response = client.get("/api/launches/?format=csv&organisation=SpaceX&page_size=10")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == COLUMNS
    expected = launch_rows(launch_data)
    assert sorted(map(tuple, rows[1:])) == as_records(expected[expected["Organisation"] == "SpaceX"])


def test_csv_export_of_everything_reproduces_the_file(client, launch_data):
    text = b"".join(client.get("/api/launches/?format=csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert sorted(map(tuple, rows[1:])) == as_records(launch_rows(launch_data))


def test_csv_export_with_a_bad_filter_answers_json(client, launch_data):
    response = client.get("/api/launches/?format=csv&year=abc")
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": {"year": ["Enter a whole number."]}}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year=abc", "year"),
        ("year=0", "year"),
        ("year_from=10000", "year_from"),
        ("launched_after=2020-13-01", "launched_after"),
        ("launched_before=yesterday", "launched_before"),
        ("mission_status=Exploded", "mission_status"),
        ("mission_status=Success,Exploded", "mission_status"),
        ("rocket_status=flying", "rocket_status"),
        ("price_min=-1", "price_min"),
        ("price_max=1e20", "price_max"),
        ("price_min=NaN", "price_min"),
        ("has_price=maybe", "has_price"),
        ("page_size=100000", "page_size"),
        ("page_size=0", "page_size"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("ordering=colour", "ordering"),
        ("search=a%00b", "search"),
    ],
)
def test_a_bad_query_value_answers_400_naming_the_parameter(client, launch_data, query, parameter):
    response = client.get(f"/api/launches/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid input."
    assert list(body["errors"]) == [parameter]
    assert all(isinstance(message, str) and message for message in body["errors"][parameter])


def test_exact_messages_for_the_documented_bad_values(client, launch_data):
    assert client.get("/api/launches/?mission_status=Exploded").json()["errors"] == {
        "mission_status": ["Select a valid choice. Exploded is not one of the available choices."]
    }
    assert client.get("/api/launches/?page_size=100000").json()["errors"] == {"page_size": ["Must be at most 1000."]}
    assert client.get("/api/launches/?page=0").json()["errors"] == {"page": ["Must be at least 1."]}
    assert client.get("/api/launches/?launched_after=2020-13-01").json()["errors"] == {
        "launched_after": ["Enter a valid date."]
    }


def test_largest_page_size_is_accepted(client, frame):
    assert len(client.get("/api/launches/?page_size=1000").json()["results"]) == min(1000, len(frame))


def test_a_page_past_the_last_answers_404(client, launch_data):
    response = client.get("/api/launches/?page=999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page.", "errors": {}}


@pytest.mark.parametrize(
    ("url", "model"),
    [
        ("/api/launches/0/", "Launch"),
        ("/api/organisations/0/", "Organisation"),
        ("/api/rockets/0/", "Rocket"),
        ("/api/sites/0/", "LaunchSite"),
    ],
)
def test_an_unknown_id_answers_404_in_the_error_shape(client, launch_data, url, model):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": f"No {model} matches the given query.", "errors": {}}


def test_an_unknown_path_answers_404_in_the_error_shape(client, db):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


@pytest.mark.parametrize(
    "url",
    [
        "/api/launches/",
        "/api/launches/?organisation=SpaceX&ordering=-price",
        "/api/organisations/",
        "/api/rockets/",
        "/api/sites/",
    ],
)
def test_queries_per_list_request_do_not_grow_with_the_page_size(client, launch_data, settings, url):
    settings.API_CACHE_SECONDS = 0  # count the queries that compute an answer, not a cached one
    separator = "&" if "?" in url else "?"
    counts = []
    for size in (10, 500):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{url}{separator}page_size={size}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3


def test_launch_list_takes_two_queries(client, launch_data, settings, django_assert_num_queries):
    settings.API_CACHE_SECONDS = 0
    for size in (10, 500):
        with django_assert_num_queries(2):  # the count and the page
            client.get(f"/api/launches/?page_size={size}")


def test_organisations_match_pandas(client, frame):
    rows = {row["name"]: row for row in get_all(client, "/api/organisations/?page_size=1000")}
    assert len(rows) == frame["organisation"].nunique()
    for name, group in frame.groupby("organisation"):
        status = group["mission_status"].value_counts()
        successes = int(status.get("Success", 0))
        prices = group["price"].dropna()
        row = rows[name]
        assert row["launches"] == len(group)
        assert row["successes"] == successes
        assert row["failures"] == int(status.get("Failure", 0))
        assert row["partial_failures"] == int(status.get("Partial Failure", 0))
        assert row["prelaunch_failures"] == int(status.get("Prelaunch Failure", 0))
        assert row["success_rate"] == successes / len(group)
        assert row["first_launch"] == group["launched_at"].min().strftime("%Y-%m-%dT%H:%M:%SZ")
        assert row["last_launch"] == group["launched_at"].max().strftime("%Y-%m-%dT%H:%M:%SZ")
        assert row["priced_launches"] == len(prices)
        expected_total = sum(Decimal(str(price)) for price in prices) if len(prices) else None
        assert (None if row["total_price"] is None else Decimal(str(row["total_price"]))) == expected_total


@real_file_only
def test_spacex_in_numbers(client, launch_data):
    spacex = client.get("/api/organisations/?search=SpaceX").json()["results"]
    assert [(row["name"], row["launches"], row["successes"], row["failures"]) for row in spacex] == [
        ("SpaceX", 100, 94, 4)
    ]


def test_organisation_detail_adds_launches_per_year(client, frame):
    casc = Organisation.objects.get(name="CASC")
    body = client.get(f"/api/organisations/{casc.pk}/").json()
    group = frame[frame["organisation"] == "CASC"]
    expected = [
        {"year": int(year), "launches": len(rows), "successes": int((rows["mission_status"] == "Success").sum())}
        for year, rows in group.groupby("year")
    ]
    assert body["launches_per_year"] == expected
    assert body["launches"] == len(group)


def test_organisations_order_by_launches(client, frame):
    top = client.get("/api/organisations/?ordering=-launches&page_size=3").json()["results"]
    expected = frame["organisation"].value_counts().head(3)
    assert [(row["name"], row["launches"]) for row in top] == list(zip(expected.index, expected.tolist(), strict=True))


def test_rockets_match_pandas(client, frame):
    rows = {row["name"]: row for row in get_all(client, "/api/rockets/?page_size=1000")}
    assert len(rows) == frame["rocket"].nunique()
    for name, group in frame.groupby("rocket"):
        row = rows[name]
        successes = int((group["mission_status"] == "Success").sum())
        assert row["organisations"] == sorted(group["organisation"].unique())
        assert row["launches"] == len(group)
        assert row["successes"] == successes
        assert row["success_rate"] == successes / len(group)
        assert row["first_launch"] == group["launched_at"].min().strftime("%Y-%m-%dT%H:%M:%SZ")
        assert row["last_launch"] == group["launched_at"].max().strftime("%Y-%m-%dT%H:%M:%SZ")


def test_rockets_filter_by_organisation_and_status(client, frame):
    spacex = get_all(client, "/api/rockets/?organisation=SpaceX")
    assert sorted(row["name"] for row in spacex) == sorted(
        frame.loc[frame["organisation"] == "SpaceX", "rocket"].unique()
    )
    assert {row["launches"] for row in spacex if row["name"] == "Falcon 9 Block 5"} == {
        int((frame["rocket"] == "Falcon 9 Block 5").sum())
    }
    active = get_all(client, "/api/rockets/?status=active&page_size=1000")
    assert {row["status"] for row in active} == {"active"}
    assert len(active) == Rocket.objects.filter(status="active").count()


def test_sites_count_their_launches_and_pads(client, frame):
    body = client.get("/api/sites/?search=Baikonur").json()
    assert body["count"] == 1
    site = body["results"][0]
    at_baikonur = frame[frame["location"].str.contains(", Baikonur Cosmodrome,", regex=False)]
    assert (site["name"], site["country"], site["launches"]) == ("Baikonur Cosmodrome", "Kazakhstan", len(at_baikonur))
    assert sorted((pad["location"], pad["launches"]) for pad in site["pads"]) == sorted(
        at_baikonur["location"].value_counts().items()
    )
    assert {"latitude", "longitude"} <= set(site)


def test_sites_cover_every_launch(client, frame):
    sites = get_all(client, "/api/sites/?page_size=1000")
    assert sum(site["launches"] for site in sites) == len(frame)
    assert sum(len(site["pads"]) for site in sites) == frame["location"].nunique()


def test_sites_filter_by_country(client, frame):
    sites = get_all(client, "/api/sites/?country=usa")
    assert {site["country"] for site in sites} == {"USA"}


def test_import_history_is_staff_only(client, frame, staff_token, user_token):
    assert client.get("/api/imports/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_token}")
    assert client.get("/api/imports/").status_code == 403
    client.credentials(HTTP_AUTHORIZATION=f"Token {staff_token}")
    body = client.get("/api/imports/").json()
    latest = ImportRun.objects.order_by("-started_at", "-id").first()
    assert body["results"][0]["id"] == latest.pk
    assert (body["results"][0]["status"], body["results"][0]["created"], body["results"][0]["duplicates"]) == (
        "succeeded",
        len(frame),
        1,
    )


def test_a_token_is_issued_for_a_username_and_password(client, staff_token):
    response = client.post("/api/auth/token/", {"username": "ops", "password": "pw-ops-123456"}, format="json")
    assert response.json() == {"token": staff_token}


def test_the_api_is_read_only_for_everyone(client, launch_data, staff_token):
    launch = Launch.objects.first()
    client.credentials(HTTP_AUTHORIZATION=f"Token {staff_token}")
    assert client.delete(f"/api/launches/{launch.pk}/").status_code == 405
    assert client.post("/api/organisations/", {"name": "X"}).status_code == 405
    assert Launch.objects.filter(pk=launch.pk).exists()


def test_anonymous_clients_are_throttled(client, db, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": None}}
    assert [client.get("/api/organisations/").status_code for _ in range(4)] == [200, 200, 200, 429]
    body = client.get("/api/organisations/").json()
    assert body["detail"].startswith("Request was throttled.")
    assert body["errors"] == {}


def test_signed_in_users_have_their_own_rate(client, db, settings, user_token):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "user": "2/minute"},
    }
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_token}")
    assert [client.get("/api/rockets/").status_code for _ in range(3)] == [200, 200, 429]


def test_schema_documents_every_launch_filter(client, db):
    schema = client.get("/api/schema/?format=json").json()
    parameters = {parameter["name"] for parameter in schema["paths"]["/api/launches/"]["get"]["parameters"]}
    assert parameters >= {
        "organisation",
        "rocket",
        "country",
        "site",
        "pad",
        "mission_status",
        "rocket_status",
        "launched_after",
        "launched_before",
        "year",
        "year_from",
        "year_to",
        "price_min",
        "price_max",
        "has_price",
        "search",
        "ordering",
        "page",
        "page_size",
    }
    for parameter in schema["paths"]["/api/launches/"]["get"]["parameters"]:
        assert parameter.get("description"), parameter["name"]


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_load_their_scripts_and_styles_from_this_server(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "fonts.googleapis" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the page references no scripts or styles"
    for asset in assets:
        assert asset.startswith("/"), asset
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
        else:
            assert client.get(asset).status_code == 200, asset


def test_the_redoc_script_fetches_nothing_from_its_cdn(client, db):
    script = client.get("/api/redoc/redoc.standalone.js")

    assert script["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"Redoc" in script.content and b"cdn.redoc.ly" not in script.content


def test_browsable_api_offers_session_login(client, db):
    response = client.get("/api/launches/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "/api-auth/login/" in response.content.decode()
    assert client.get("/api-auth/login/").status_code == 200


@pytest.mark.parametrize("path", ["/api/launches/", "/api/organisations/", "/api/rockets/", "/api/sites/", "/maps/"])
def test_a_search_of_1990_words_is_refused_before_any_search_runs(client, launch_data, path):
    words = " ".join(["falcon"] * 1990)
    answer = {"format": "geojson" if path == "/maps/" else "json"}

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"search": words, **answer})

    assert response.status_code == 400
    assert response.json()["errors"] == {"search": ["At most 10 words."]}
    assert not any("LIKE" in query["sql"].upper() for query in queries)
    assert client.get(path, {"search": "a" * 201, **answer}).json()["errors"] == {
        "search": ["Ensure this value has at most 200 characters (it has 201)."]
    }
    ten_words = client.get(path, {"search": " ".join(["falcon"] * 10), **answer})
    assert ten_words.status_code == 200
