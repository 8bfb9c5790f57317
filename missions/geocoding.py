"""Locating launch sites: the shipped gazetteer first, Nominatim only when enabled, the country as a last resort."""

import csv
import logging
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from missions.models import CoordinatePrecision, CoordinateSource, DataVersion, LaunchSite

logger = logging.getLogger(__name__)

GAZETTEER_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.tsv"
# Nominatim's usage policy allows one request per second.
NOMINATIM_MIN_DELAY_SECONDS = 1.0


@dataclass(frozen=True)
class Place:
    """Coordinates of a launch site, where they came from and what they point at."""

    latitude: float
    longitude: float
    source: CoordinateSource
    precision: CoordinatePrecision


def name_key(name: str) -> str:
    """Fold a place name so that spellings such as 'Māhia', 'M?hia' and 'M?\\x81hia' compare equal."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed.casefold() if char.isascii() and char.isalnum())


@dataclass(frozen=True)
class Gazetteer:
    """The launch sites and countries of the shipped gazetteer, looked up by folded name and alias."""

    sites: dict[str, Place]
    countries: dict[str, Place]

    def site(self, name: str) -> Place | None:
        """The gazetteer entry of a site name or one of its aliases."""
        return self.sites.get(name_key(name))

    def country(self, name: str) -> Place | None:
        """The representative point of a country, for sites known only by their country."""
        return self.countries.get(name_key(name))


@cache
def gazetteer() -> Gazetteer:
    """Load the gazetteer shipped with the project (once per process)."""
    sites: dict[str, Place] = {}
    countries: dict[str, Place] = {}
    with GAZETTEER_PATH.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            precision = CoordinatePrecision(row["precision"])
            is_country = precision == CoordinatePrecision.COUNTRY
            source = CoordinateSource.COUNTRY if is_country else CoordinateSource.GAZETTEER
            place = Place(float(row["latitude"]), float(row["longitude"]), source, precision)
            table = countries if is_country else sites
            for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
                table[name_key(name)] = place
    return Gazetteer(sites=sites, countries=countries)


@cache
def _gazetteer_site_names() -> dict[str, str]:
    """Folded site name or alias -> the gazetteer's spelling of the site."""
    with GAZETTEER_PATH.open(encoding="utf-8", newline="") as handle:
        rows = [
            row for row in csv.DictReader(handle, delimiter="\t") if row["precision"] != CoordinatePrecision.COUNTRY
        ]
    return {
        name_key(name): row["name"] for row in rows for name in [row["name"], *filter(None, row["aliases"].split("|"))]
    }


def gazetteer_site_name(name: str) -> str | None:
    """The gazetteer's spelling of a site known by any of its names; None for a site it does not list."""
    return _gazetteer_site_names().get(name_key(name))


class SiteGeocoder:
    """The chain gazetteer -> Nominatim (when enabled) -> country; counts the look-ups it makes."""

    def __init__(
        self,
        *,
        nominatim: bool | None = None,
        adapter_factory: Callable[..., BaseSyncAdapter] | None = None,
    ) -> None:
        self.calls = 0
        self.nominatim_calls = 0
        self._nominatim: Callable[..., object] | None = None
        if settings.GEOCODING_NOMINATIM if nominatim is None else nominatim:
            options = {"adapter_factory": adapter_factory} if adapter_factory else {}
            geocoder = Nominatim(
                user_agent=settings.GEOCODING_USER_AGENT, timeout=settings.GEOCODING_TIMEOUT, **options
            )
            # No retries and no swallowing: a failed request falls through to the country instead.
            self._nominatim = RateLimiter(
                geocoder.geocode, min_delay_seconds=NOMINATIM_MIN_DELAY_SECONDS, max_retries=0, swallow_exceptions=False
            )

    def locate(self, *, name: str, country: str) -> Place | None:
        """Coordinates for a site, from the most precise source that knows it; None if nothing does."""
        self.calls += 1
        return gazetteer().site(name) or self._nominatim_locate(name, country) or gazetteer().country(country)

    def _nominatim_locate(self, name: str, country: str) -> Place | None:
        if self._nominatim is None:
            return None
        self.nominatim_calls += 1
        try:
            found = self._nominatim(f"{name}, {country}", exactly_one=True)
        except GeopyError as error:
            logger.warning("Nominatim could not locate %s, %s: %s", name, country, error)
            return None
        if found is None:
            return None
        return Place(found.latitude, found.longitude, CoordinateSource.NOMINATIM, CoordinatePrecision.SITE)


@dataclass
class GeocodeSummary:
    """What one geocoding run did."""

    sites: int = 0
    located: Counter[str] = field(default_factory=Counter)
    unlocated: list[str] = field(default_factory=list)
    manual: int = 0
    calls: int = 0
    nominatim_calls: int = 0


def sites_geocode(*, refresh: bool = False, geocoder: SiteGeocoder | None = None) -> GeocodeSummary:
    """Locate the sites without coordinates (every site with refresh), leaving manual corrections alone."""
    geocoder = geocoder or SiteGeocoder()
    summary = GeocodeSummary(manual=LaunchSite.objects.filter(coordinate_source=CoordinateSource.MANUAL).count())
    sites = LaunchSite.objects.exclude(coordinate_source=CoordinateSource.MANUAL)
    if not refresh:
        sites = sites.filter(latitude__isnull=True)
    changed = []
    now = timezone.now()
    for site in sites.order_by("name"):
        summary.sites += 1
        place = geocoder.locate(name=site.name, country=site.country)
        if place is None:
            summary.unlocated.append(str(site))
            continue
        site.latitude, site.longitude = place.latitude, place.longitude
        site.coordinate_source, site.coordinate_precision, site.located_at = place.source, place.precision, now
        summary.located[place.source] += 1
        changed.append(site)
    with transaction.atomic():
        # A site corrected by hand while the geocoder was busy keeps its correction.
        corrected = set(
            LaunchSite.objects.select_for_update()
            .filter(pk__in=[site.pk for site in changed], coordinate_source=CoordinateSource.MANUAL)
            .values_list("pk", flat=True)
        )
        located = [site for site in changed if site.pk not in corrected]
        LaunchSite.objects.bulk_update(
            located, ["latitude", "longitude", "coordinate_source", "coordinate_precision", "located_at"]
        )
        if located:
            DataVersion.bump()
    summary.calls, summary.nominatim_calls = geocoder.calls, geocoder.nominatim_calls
    return summary


def site_coordinates_correct(*, site: LaunchSite, latitude: float | None, longitude: float | None) -> LaunchSite:
    """Record coordinates corrected by hand, which geocoding never overwrites; None for both forgets them."""
    site.latitude, site.longitude = latitude, longitude
    if latitude is None or longitude is None:
        # Forgotten coordinates are looked up again by the next geocoding run.
        site.latitude = site.longitude = None
        site.coordinate_source = site.coordinate_precision = ""
        site.located_at = None
    else:
        site.coordinate_source, site.coordinate_precision = CoordinateSource.MANUAL, CoordinatePrecision.SITE
        site.located_at = timezone.now()
    with transaction.atomic():
        site.save(update_fields=["latitude", "longitude", "coordinate_source", "coordinate_precision", "located_at"])
        DataVersion.bump()
    return site
