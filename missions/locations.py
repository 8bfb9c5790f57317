"""Splitting the datasets' free-text locations into pad, site, region and country."""

from typing import NamedTuple

# Last parts that are a sea, region or site rather than a country (see the data README), with the country they lie in
# and whether the part names a region or the site itself. Sea Launch's "Pacific Ocean" lies in no country and stays.
NON_COUNTRY_TAILS: dict[str, tuple[str, str]] = {
    "New Mexico": ("region", "USA"),
    "Barents Sea": ("region", "Russia"),
    "Gran Canaria": ("region", "Spain"),
    "Yellow Sea": ("region", "China"),
    "Pacific Missile Range Facility": ("site", "USA"),
    "Shahrud Missile Test Site": ("site", "Iran"),
}


class ParsedLocation(NamedTuple):
    """The parts of one location string."""

    pad: str
    site: str
    region: str
    country: str


def location_parse(location: str) -> ParsedLocation:
    """Split 'LC-39A, Kennedy Space Center, Florida, USA' into its pad, site, region and country."""
    parts = [part.strip() for part in location.split(",") if part.strip()]
    if not parts:
        raise ValueError("empty location")
    country = parts.pop()
    region_parts: list[str] = []
    site = ""
    if country in NON_COUNTRY_TAILS:
        kind, real_country = NON_COUNTRY_TAILS[country]
        if kind == "site":
            site = country
        else:
            region_parts.append(country)
        country = real_country
    if not parts:
        return ParsedLocation(pad="", site=site or country, region=", ".join(region_parts), country=country)
    if site:
        # "LP-41, Kauai" before a site tail: pad first, the rest describes the region.
        pad, *rest = parts
        return ParsedLocation(pad=pad, site=site, region=", ".join(rest + region_parts), country=country)
    if len(parts) == 1:
        return ParsedLocation(pad="", site=parts[0], region=", ".join(region_parts), country=country)
    pad, site, *rest = parts
    return ParsedLocation(pad=pad, site=site, region=", ".join(rest + region_parts), country=country)
