"""One Launch Library 2 launch in the project's terms: organisation, rocket, mission, pad, time and outcome.

API 2.3.0 and 2.2.0 pages differ a little: 2.3.0 gives the pad's country as an object and its coordinates as
numbers, 2.2.0 a ``country_code`` and coordinates as strings; 2.2.0 pages may have no ``net_precision``.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from missions.geocoding import gazetteer_site_name, name_key
from missions.models import MissionStatus, RocketStatus, TimePrecision
from missions.names.aliases import organisation_name

# LL2's launch status ids of the outcomes the project stores; any other status has no outcome yet.
OUTCOMES = {3: MissionStatus.SUCCESS, 4: MissionStatus.FAILURE, 7: MissionStatus.PARTIAL_FAILURE}
# LL2's net precisions that give the time of day; coarser ones keep the day only.
TIMED_PRECISIONS = {"second", "minute"}
# Country codes (ISO alpha-3, as LL2 gives them) -> the country names of the launch files.
COUNTRIES = {
    "USA": "USA",
    "RUS": "Russia",
    "KAZ": "Kazakhstan",
    "CHN": "China",
    "GUF": "France",
    "FRA": "France",
    "DZA": "France",
    "JPN": "Japan",
    "IND": "India",
    "NZL": "New Zealand",
    "IRN": "Iran",
    "ISR": "Israel",
    "PRK": "North Korea",
    "KOR": "South Korea",
    "BRA": "Brazil",
    "AUS": "Australia",
    "KEN": "Kenya",
    "MHL": "USA",
    "ESP": "Spain",
}


class LaunchUnusable(Exception):
    """An LL2 launch that cannot be stored, with the reason."""


@dataclass(frozen=True)
class LL2Pad:
    """A pad as the project stores it: its location string, name, site, region, country and coordinates."""

    location: str
    name: str
    site: str
    region: str
    country: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class LL2Launch:
    """The fields of an LL2 launch that the project stores."""

    ll2_id: uuid.UUID
    last_updated: datetime
    launched_at: datetime
    time_precision: str
    mission_status: str | None  # None: no outcome yet
    organisation: str
    rocket: str
    rocket_status: str
    mission: str
    pad: LL2Pad

    @property
    def family(self) -> str:
        """The rocket's family as the merge compares it."""
        return rocket_family(self.rocket)

    @property
    def country(self) -> str:
        """The pad's country, in the files' names."""
        return self.pad.country


def rocket_family(name: str) -> str:
    """The folded first word of a rocket's name: "Falcon 9 Block 5" and "Falcon Heavy" are "falcon"."""
    match = re.match(r"[^\W\d_]+", name.strip())
    return name_key(match[0]) if match else name_key(name)


def launch_map(data: dict[str, Any]) -> LL2Launch:
    """An LL2 launch (2.3.0 or 2.2.0) in the project's terms; LaunchUnusable names what is missing."""
    try:
        ll2_id = uuid.UUID(str(data["id"]))
    except (KeyError, ValueError) as error:
        raise LaunchUnusable("has no valid id") from error
    net, last_updated = _time(data.get("net")), _time(data.get("last_updated"))
    if net is None or last_updated is None:
        raise LaunchUnusable("has no valid net or last_updated")
    timed = _timed(data)
    provider = (data.get("launch_service_provider") or {}).get("name")
    configuration = (data.get("rocket") or {}).get("configuration") or {}
    rocket = configuration.get("full_name") or configuration.get("name")
    if not provider or not rocket:
        raise LaunchUnusable("has no launch service provider or rocket configuration")
    status_id = (data.get("status") or {}).get("id")
    active = configuration.get("active", True)
    return LL2Launch(
        ll2_id=ll2_id,
        last_updated=last_updated,
        launched_at=net if timed else net.replace(hour=0, minute=0, second=0, microsecond=0),
        time_precision=TimePrecision.MINUTE if timed else TimePrecision.DAY,
        mission_status=OUTCOMES.get(status_id),
        organisation=organisation_name(provider),
        rocket=rocket.strip(),
        rocket_status=RocketStatus.ACTIVE if active is not False else RocketStatus.RETIRED,
        mission=_mission(data),
        pad=pad_map(data.get("pad")),
    )


def pad_map(pad: dict[str, Any] | None) -> LL2Pad:
    """A pad and its location as the project stores them: the site as the gazetteer spells it, the files' country."""
    if not pad or not pad.get("name") or not (pad.get("location") or {}).get("name"):
        raise LaunchUnusable("has no pad")
    location = pad["location"]
    parts = [part.strip() for part in location["name"].split(",") if part.strip()]
    site = gazetteer_site_name(parts[0]) or parts[0]
    return LL2Pad(
        location=f"{pad['name'].strip()}, {location['name'].strip()}",
        name=pad["name"].strip(),
        site=site,
        region=", ".join(parts[1:-1]),
        country=_country(pad, parts),
        latitude=_coordinate(pad.get("latitude")),
        longitude=_coordinate(pad.get("longitude")),
    )


def _country(pad: dict[str, Any], parts: list[str]) -> str:
    """The files' name of a pad's country, from 2.3.0's country object or 2.2.0's country code."""
    location = pad.get("location") or {}
    country = pad.get("country") or location.get("country") or {}
    code = country.get("alpha_3_code") if isinstance(country, dict) else None
    code = code or pad.get("country_code") or location.get("country_code") or ""
    if code in COUNTRIES:
        return COUNTRIES[code]
    return (country.get("name") if isinstance(country, dict) else None) or parts[-1]


def _mission(data: dict[str, Any]) -> str:
    """The mission's name, or what follows " | " in the launch's name."""
    mission = (data.get("mission") or {}).get("name")
    if mission:
        return mission.strip()
    name = str(data.get("name") or "")
    return name.partition(" | ")[2].strip() or name.strip() or "Unknown Payload"


def _timed(data: dict[str, Any]) -> bool:
    """Whether the launch's time of day is known: 2.3.0's net_precision, else 2.2.0's tbdtime."""
    precision = data.get("net_precision")
    if isinstance(precision, dict) and precision.get("name"):
        return precision["name"].strip().lower() in TIMED_PRECISIONS
    return not data.get("tbdtime", False)


def _time(value: object) -> datetime | None:
    """An ISO time of the API, None when missing or invalid."""
    try:
        moment = parse_datetime(str(value)) if value else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _coordinate(value: object) -> float | None:
    """A latitude or longitude, given as a number (2.3.0) or a string (2.2.0)."""
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
