"""The pages over the real data: links, query counts, the explorer's parameters and errors, headers, downloads."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import real_file_only
from missions.models import Launch, LaunchSite, Organisation, Rocket, TimePrecision

# The real file: the crawl and the query counts walk its organisations, rockets and sites.
pytestmark = [pytest.mark.django_db, real_file_only, pytest.mark.slow]


class Links(HTMLParser):
    """The href of every link of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def crawl_key(url: str) -> str:
    """Addresses that differ only in their page number are one kind of page: the crawl opens the first it meets."""
    parts = urlsplit(url)
    query = sorted((key, value) for key, value in parse_qsl(parts.query) if key != "page")
    return f"{parts.path}?{urlencode(query)}"


@pytest.mark.timeout(900)
def test_a_crawl_from_the_dashboard_reaches_no_missing_or_failing_page(launch_data, client):
    seen, queue, statuses = set(), ["/"], {}
    while queue:
        url = queue.pop()
        if crawl_key(url) in seen:
            continue
        seen.add(crawl_key(url))
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        links = Links()
        links.feed(response.content.decode())
        for href in links.hrefs:
            target = urlsplit(href)
            # Downloads (images, CSV, specs) are checked on their own; the API (throttled, with tests of its own),
            # the admin and other hosts are not crawled.
            if target.netloc or "format=" in target.query or target.path.startswith(("/admin/", "/api")):
                continue
            queue.append(href if href.startswith("/") else urlsplit(url).path + href)
    failing = {url: status for url, status in statuses.items() if status >= 400}
    assert failing == {}
    assert {"/launches/", "/organisations/", "/compare/", "/analyses/", "/results/", "/maps/"} <= set(statuses)
    assert sum(url.startswith("/organisations/") for url in statuses) > Organisation.objects.count()
    assert sum(url.startswith("/rockets/") for url in statuses) == Rocket.objects.count()
    assert sum(url.startswith("/sites/") for url in statuses) == LaunchSite.objects.count()


# Each page's queries on its first view and once its figures and charts are cached: the data version, and what is
# read on every view (the parameters' names, the explorer's page of launches, the job lists).
@pytest.mark.parametrize(
    ("path", "queries", "cached"),
    [
        ("/", 7, 1),
        ("/launches/", 4, 3),
        ("/launches/?organisation=SpaceX&year_from=2015", 5, 4),
        ("/organisations/", 2, 1),
        ("/organisations/{organisation}/", 7, 1),
        ("/rockets/{rocket}/", 6, 1),
        ("/sites/{site}/", 6, 1),
        ("/compare/?organisation=SpaceX,CASC", 6, 4),
        ("/analyses/", 1, 1),
        ("/results/", 1, 1),
    ],
)
def test_each_page_runs_a_fixed_number_of_queries_whatever_the_rows(launch_data, client, path, queries, cached):
    path = path.format(
        organisation=Organisation.objects.get(name="SpaceX").pk,
        rocket=Rocket.objects.get(name="Falcon 9 Block 5").pk,
        site=LaunchSite.objects.get(name="Kennedy Space Center").pk,
    )
    with CaptureQueriesContext(connection) as first:
        assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get(path).status_code == 200
    assert (len(first), len(again)) == (queries, cached)


def test_the_explorer_names_a_bad_parameter_by_its_label_and_answers_400(launch_data, client):
    response = client.get("/launches/", {"year_from": "abc", "year_to": "1990"})

    assert response.status_code == 400
    assert "From year: Enter a whole number." in response.content.decode()


def test_the_explorer_shows_a_day_precision_launch_as_a_date_never_midnight(launch_data, client):
    launch = Launch.objects.filter(time_precision=TimePrecision.DAY).order_by("launched_at").first()
    day = launch.launched_at.date().isoformat()

    html = client.get("/launches/", {"launched_after": day, "launched_before": day}).content.decode()

    assert f">{day}</time>" in html
    assert "00:00" not in re.sub(r'datetime="[^"]*"', "", html)


def test_the_explorer_links_its_selection_to_the_api_the_csv_and_the_map(launch_data, client):
    html = client.get("/launches/", {"organisation": "spacex", "year_from": "2019"}).content.decode()

    assert 'href="/api/launches/?organisation=SpaceX&amp;year_from=2019&amp;format=csv"' in html
    assert 'href="/api/launches/?organisation=SpaceX&amp;year_from=2019"' in html
    assert 'href="/maps/?organisation=SpaceX&amp;year_from=2019"' in html
    count = Launch.objects.filter(organisation__name="SpaceX", launched_at__year__gte=2019).count()
    assert f"<strong>{count}</strong> launches — SpaceX, 2019–…" in html


def test_an_empty_selection_says_how_to_clear_the_filters(launch_data, client):
    html = client.get("/launches/", {"search": "no-such-mission-anywhere"}).content.decode()

    assert 'No launches match — <a href="/launches/">clear the filters</a>.' in html


def test_pages_carry_a_content_security_policy_without_unsafe_eval(launch_data, client):
    policy = client.get("/")["Content-Security-Policy"]

    assert "script-src 'self';" in policy
    assert "unsafe-eval" not in policy
    assert "default-src 'self'" in policy


def test_a_page_chart_downloads_as_csv_of_its_table_and_refuses_an_unknown_chart(launch_data, client):
    table = client.get("/", {"chart": "spending", "format": "csv"})
    unknown = client.get("/", {"chart": "nope", "format": "png"})

    assert table["Content-Type"] == "text/csv; charset=utf-8"
    header, first = table.content.decode().splitlines()[:2]
    assert header.startswith("Year,Total (Million USD)")
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == {"chart": ["Choose one of outcomes, busiest, countries, spending."]}


def test_compare_needs_two_to_six_of_one_kind(launch_data, client):
    one = client.get("/compare/", {"organisation": "SpaceX"})
    mixed = client.get("/compare/", {"organisation": "SpaceX,CASC", "country": "USA,China"})
    good = client.get("/compare/", {"country": "usa,china"})

    assert one.status_code == mixed.status_code == 400
    assert "Organisations: Give 2 to 6, separated by commas." in one.content.decode()
    assert "Compare one kind at a time" in mixed.content.decode()
    assert good.status_code == 200
    assert [row["group"] for row in good.context["rates"]] == ["China", "USA"]


def test_an_analysis_form_with_a_bad_value_names_the_field_and_queues_nothing(launch_data, client):
    from analysis.models import Job

    before = Job.objects.count()  # jobs the browser tests' live server committed stay

    response = client.post("/analyses/success_rates/", {"group_by": "planet"})

    assert response.status_code == 400
    assert "Group by: Select a valid choice. planet is not one of the available choices." in response.content.decode()
    assert Job.objects.count() == before
