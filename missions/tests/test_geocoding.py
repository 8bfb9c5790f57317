"""The gazetteer, the geocoder chain, the geocode_sites command and the import that triggers it."""

import csv
import socket
from functools import partial
from io import StringIO

import pytest
from django.core.management import call_command
from geopy.adapters import BaseSyncAdapter
from geopy.distance import geodesic
from geopy.exc import GeocoderTimedOut
from geopy.extra.rate_limiter import RateLimiter

from conftest import DATASETS, shared_file
from missions.geocoding import Place, SiteGeocoder, site_coordinates_correct, sites_geocode
from missions.importer.formats import open_launch_file
from missions.importer.reading import read_launch_chunks
from missions.locations import location_parse
from missions.models import CoordinatePrecision, CoordinateSource, LaunchSite
from missions.names.repairs import table_read
from missions.services import launches_import

# Published coordinates of well-known spaceports (degrees, from their public descriptions), independent of the
# project's gazetteer, with a location string of the datasets for each.
PUBLISHED = {
    "Site 31/6, Baikonur Cosmodrome, Kazakhstan": (45.965, 63.305),
    "LC-39A, Kennedy Space Center, Florida, USA": (28.5241, -80.6508),
    "ELA-3, Guiana Space Centre, French Guiana, France": (5.2333, -52.7667),
    "Site 138 (LA-2B), Jiuquan Satellite Launch Center, China": (40.9606, 100.2983),
    "Second Launch Pad, Satish Dhawan Space Centre, India": (13.7167, 80.2333),
    "LA-Y1, Tanegashima Space Center, Japan": (30.3750, 130.9581),
    "Site 43/4, Plesetsk Cosmodrome, Russia": (62.9271, 40.5750),
    "SLC-4E, Vandenberg AFB, California, USA": (34.7333, -120.5667),
    "SLC-4E, Vandenberg SFB, California, USA": (34.7333, -120.5667),
    "Rocket Lab LC-1A, M?\x81hia Peninsula, New Zealand": (-39.2628, 177.8644),
    "Rocket Lab LC-1A, M?hia Peninsula, New Zealand": (-39.2628, 177.8644),
    "Rocket Lab LC-1B, Māhia Peninsula, New Zealand": (-39.2628, 177.8644),
}


class FakeClock:
    """Stands in for the rate limiter's clock: sleeping advances time instead of waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class FakeNominatimAdapter(BaseSyncAdapter):
    """Answers Nominatim's search requests from a script, recording when each arrived; never opens a socket."""

    def __init__(self, *, proxies, ssl_context, answers: list, requests: list, clock: FakeClock) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self.answers, self.requests, self.clock = answers, requests, clock

    def get_json(self, url, *, timeout, headers):
        self.requests.append({"at": self.clock.now, "url": url, "timeout": timeout, "agent": headers["User-Agent"]})
        self.clock.now += 0.2  # the answer takes a little time
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer() if callable(answer) else answer

    def get_text(self, url, *, timeout, headers):
        raise AssertionError("Nominatim answers in JSON")


def location_locate(location: str, geocoder: SiteGeocoder) -> Place | None:
    """Coordinates for one of the datasets' location strings, e.g. 'LC-39A, Kennedy Space Center, Florida, USA'."""
    parsed = location_parse(location)
    return geocoder.locate(name=parsed.site, country=parsed.country)


def nominatim_answer(latitude: float, longitude: float) -> list[dict]:
    return [{"lat": str(latitude), "lon": str(longitude), "display_name": "somewhere"}]


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(RateLimiter, "_clock", lambda self: fake.now)
    monkeypatch.setattr(RateLimiter, "_sleep", lambda self, seconds: fake.sleep(seconds))
    return fake


@pytest.fixture
def nominatim(clock, settings):
    """A geocoder whose Nominatim requests go to the fake adapter; returns (geocoder, answers, requests)."""
    settings.GEOCODING_USER_AGENT = "sma-tests"
    settings.GEOCODING_TIMEOUT = 3.5
    answers: list = []
    requests: list = []
    factory = partial(FakeNominatimAdapter, answers=answers, requests=requests, clock=clock)
    return SiteGeocoder(nominatim=True, adapter_factory=factory), answers, requests


@pytest.fixture
def network_off(monkeypatch) -> None:
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def dataset_locations() -> set[str]:
    """Every Location string of the three datasets, decoded as the importer decodes them."""
    locations: set[str] = set()
    for name in DATASETS:
        for frame, _errors in read_launch_chunks(open_launch_file(shared_file(name))):
            locations.update(frame["location"])
    return locations


def test_the_datasets_hold_the_160_location_strings_of_the_locations_table():
    with shared_file("locations.tsv").open(encoding="utf-8", newline="") as handle:
        listed = {row["location"] for row in csv.DictReader(handle, delimiter="\t")}
    assert len(listed) == 160
    # Three of them are mangled spellings of locations spelled right elsewhere: the importer repairs them.
    repaired = {row["original"]: row["repaired"] for row in table_read() if row["column"] == "location"}
    assert dataset_locations() == {repaired.get(location, location) for location in listed}
    assert len(dataset_locations()) == 157


def test_every_location_of_the_three_datasets_is_located_from_the_gazetteer_with_the_network_off(network_off):
    geocoder = SiteGeocoder(nominatim=False)
    places = {location: location_locate(location, geocoder=geocoder) for location in dataset_locations()}
    assert len(places) == 157
    assert {location for location, place in places.items() if place is None} == set()
    assert {place.source for place in places.values()} == {CoordinateSource.GAZETTEER}
    assert geocoder.calls == 157
    assert geocoder.nominatim_calls == 0


def test_the_gazetteer_answers_before_nominatim_even_when_nominatim_is_enabled(network_off, nominatim):
    geocoder, _answers, requests = nominatim
    place = location_locate("LC-39A, Kennedy Space Center, Florida, USA", geocoder=geocoder)
    assert place.source == CoordinateSource.GAZETTEER
    assert requests == []


@pytest.mark.parametrize(("location", "published"), PUBLISHED.items())
def test_well_known_sites_lie_within_50_km_of_their_published_coordinates(network_off, location, published):
    place = location_locate(location, geocoder=SiteGeocoder(nominatim=False))
    assert place.precision == CoordinatePrecision.SITE
    assert geodesic((place.latitude, place.longitude), published).km < 50


def test_spellings_of_one_site_share_its_coordinates():
    def point(location: str) -> tuple[float, float]:
        place = location_locate(location, geocoder=SiteGeocoder(nominatim=False))
        return place.latitude, place.longitude

    assert point("SLC-40, Cape Canaveral AFS, Florida, USA") == point("SLC-40, Cape Canaveral SFS, Florida, USA")
    assert point("SLC-6, Vandenberg AFB, California, USA") == point("SLC-6, Vandenberg SFB, California, USA")
    assert point("VLS Pad, Alc?›ntara Launch Center, Maranh?œo, Brazil") == point(
        "VLS Pad, Alcântara Launch Center, Maranhão, Brazil"
    )
    assert point("Launch Plateform, Shahrud Missile Test Site") == point(
        "Launch Platform, Shahrud Missile Test Site, Iran"
    )


def test_nominatim_locates_a_site_the_gazetteer_does_not_know(nominatim):
    geocoder, answers, requests = nominatim
    answers.append(nominatim_answer(57.5, -4.2))
    place = geocoder.locate(name="Sutherland Spaceport", country="United Kingdom")
    assert (place.latitude, place.longitude, place.source) == (57.5, -4.2, CoordinateSource.NOMINATIM)
    assert len(requests) == 1
    assert "Sutherland+Spaceport%2C+United+Kingdom" in requests[0]["url"]
    assert (requests[0]["agent"], requests[0]["timeout"]) == ("sma-tests", 3.5)


def test_nominatim_requests_are_at_least_one_second_apart(nominatim):
    geocoder, answers, requests = nominatim
    answers.extend(nominatim_answer(10 + n, 20) for n in range(4))
    for n in range(4):
        geocoder.locate(name=f"Unlisted Field {n}", country="Atlantis")
    gaps = [later["at"] - earlier["at"] for earlier, later in zip(requests, requests[1:], strict=False)]
    assert len(requests) == 4
    assert min(gaps) >= 1.0


def test_a_nominatim_timeout_falls_through_to_the_country(nominatim):
    geocoder, answers, requests = nominatim
    answers.append(GeocoderTimedOut("timed out"))
    place = geocoder.locate(name="Sutherland Spaceport", country="United Kingdom")
    assert (place.source, place.precision) == (CoordinateSource.COUNTRY, CoordinatePrecision.COUNTRY)
    assert (place.latitude, place.longitude) == (55.3781, -3.436)
    assert len(requests) == 1


def test_a_site_of_an_unknown_country_nominatim_cannot_find_stays_unlocated(nominatim):
    geocoder, answers, _requests = nominatim
    answers.append([])
    assert geocoder.locate(name="Nowhere Field", country="Atlantis") is None


@pytest.mark.usefixtures("empty_launches")
def test_sites_geocode_stores_coordinates_source_and_precision():
    LaunchSite.objects.create(name="Baikonur Cosmodrome", country="Kazakhstan")
    LaunchSite.objects.create(name="Mystery Range", country="Japan")
    LaunchSite.objects.create(name="Nowhere Field", country="Atlantis")
    summary = sites_geocode(geocoder=SiteGeocoder(nominatim=False))
    rows = list(
        LaunchSite.objects.order_by("name").values_list(
            "name", "latitude", "longitude", "coordinate_source", "coordinate_precision"
        )
    )
    assert rows == [
        ("Baikonur Cosmodrome", 45.965, 63.305, "gazetteer", "site"),
        ("Mystery Range", 36.2048, 138.2529, "country", "country"),
        ("Nowhere Field", None, None, "", ""),
    ]
    assert (summary.sites, summary.calls, dict(summary.located)) == (3, 3, {"gazetteer": 1, "country": 1})
    assert summary.unlocated == ["Nowhere Field, Atlantis"]
    assert LaunchSite.objects.get(name="Baikonur Cosmodrome").located_at is not None


@pytest.mark.usefixtures("empty_launches")
def test_a_manual_correction_is_never_overwritten_or_looked_up(nominatim):
    geocoder, answers, requests = nominatim
    corrected = LaunchSite.objects.create(name="Sutherland Spaceport", country="United Kingdom")
    site_coordinates_correct(site=corrected, latitude=58.51, longitude=-4.51)
    LaunchSite.objects.create(name="Unlisted Field", country="United Kingdom")
    answers.append(nominatim_answer(51.0, -1.0))
    summary = sites_geocode(refresh=True, geocoder=geocoder)
    corrected.refresh_from_db()
    assert (corrected.latitude, corrected.longitude, corrected.coordinate_source) == (58.51, -4.51, "manual")
    assert len(requests) == 1 and "Unlisted+Field" in requests[0]["url"]
    assert (summary.sites, summary.manual, dict(summary.located)) == (1, 1, {"nominatim": 1})


@pytest.mark.usefixtures("empty_launches")
def test_a_correction_made_while_geocoding_runs_wins(nominatim):
    geocoder, answers, _requests = nominatim
    site = LaunchSite.objects.create(name="Unlisted Field", country="United Kingdom")

    def correct_meanwhile() -> list[dict]:
        site_coordinates_correct(site=LaunchSite.objects.get(pk=site.pk), latitude=1.0, longitude=2.0)
        return nominatim_answer(51.0, -1.0)

    answers.append(correct_meanwhile)
    sites_geocode(geocoder=geocoder)
    site.refresh_from_db()
    assert (site.latitude, site.longitude, site.coordinate_source) == (1.0, 2.0, "manual")


@pytest.mark.usefixtures("empty_launches")
def test_geocode_sites_fills_missing_sites_and_a_second_run_makes_no_calls():
    LaunchSite.objects.create(name="Kennedy Space Center", country="USA")
    LaunchSite.objects.create(name="Cape Canaveral AFS", country="USA")
    first, second = StringIO(), StringIO()
    call_command("geocode_sites", stdout=first)
    call_command("geocode_sites", stdout=second)
    assert first.getvalue().splitlines() == [
        "2 site(s) looked up with 2 geocoder call(s) (0 to Nominatim); located: 2 from gazetteer; "
        "0 manual correction(s) kept.",
        "Every launch site has coordinates.",
    ]
    assert second.getvalue().splitlines()[0].startswith("0 site(s) looked up with 0 geocoder call(s)")


@pytest.mark.usefixtures("empty_launches")
def test_geocode_sites_refresh_relocates_every_site_but_manual_ones():
    site = LaunchSite.objects.create(name="Kennedy Space Center", country="USA", latitude=1.0, longitude=1.0)
    site_coordinates_correct(
        site=LaunchSite.objects.create(name="Baikonur Cosmodrome", country="Kazakhstan"), latitude=46.0, longitude=63.0
    )
    out, err = StringIO(), StringIO()
    call_command("geocode_sites", "--refresh", stdout=out, stderr=err)
    site.refresh_from_db()
    assert (site.latitude, site.longitude) == (28.6084, -80.6043)
    assert LaunchSite.objects.get(name="Baikonur Cosmodrome").latitude == 46.0
    assert "1 manual correction(s) kept" in out.getvalue()
    assert err.getvalue() == ""


@pytest.mark.usefixtures("empty_launches")
def test_geocode_sites_names_the_sites_it_cannot_locate():
    LaunchSite.objects.create(name="Nowhere Field", country="Atlantis")
    out, err = StringIO(), StringIO()
    call_command("geocode_sites", stdout=out, stderr=err)
    assert err.getvalue() == "Could not locate Nowhere Field, Atlantis\n"
    assert out.getvalue().splitlines()[-1] == "1 site(s) still without coordinates."


@pytest.mark.usefixtures("empty_launches")
def test_an_import_locates_the_sites_it_creates_once_committed(
    network_off, space_missions_csv, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        launches_import(source=str(space_missions_csv))
        assert LaunchSite.objects.filter(latitude__isnull=False).count() == 0
    sites = LaunchSite.objects.all()
    assert len(callbacks) == 1
    assert sites.count() == 46  # "M?hia Peninsula" is repaired to "Māhia Peninsula" on import
    assert sites.filter(latitude__isnull=True).count() == 0
    assert set(sites.values_list("coordinate_source", flat=True)) == {"gazetteer"}


@pytest.mark.usefixtures("empty_launches")
def test_a_dry_run_import_locates_nothing(network_off, sample_launches_csv, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        launches_import(source=str(sample_launches_csv), dry_run=True)
    assert callbacks == []
