"""Launch Library 2 pages for the tests, written in LL2's documented launch format (API 2.3.0, mode=normal).

``file_launches`` writes, for each launch of a launch file, the record LL2 keeps of it: LL2's provider names (the
alias table's), LL2's pad and location names, times a few seconds off the file's, and a time of day where the file
has only the day. ``LATER`` holds launches after the Kaggle files' last day, one with no outcome yet and one
without a pad. ``as_v220`` turns a 2.3.0 launch into the 2.2.0 shape.
"""

import csv
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from missions.names.aliases import organisation_aliases

STATUSES = {
    "Success": {"id": 3, "name": "Launch Successful", "abbrev": "Success"},
    "Failure": {"id": 4, "name": "Launch Failure", "abbrev": "Failure"},
    "Partial Failure": {"id": 7, "name": "Launch was a Partial Failure", "abbrev": "Partial Failure"},
    "Prelaunch Failure": {"id": 4, "name": "Launch Failure", "abbrev": "Failure"},
    "Go": {"id": 1, "name": "Go for Launch", "abbrev": "Go"},
}
PRECISIONS = {
    "Minute": {"id": 1, "name": "Minute", "abbrev": "MIN", "description": "The T-0 is accurate to the minute."},
    "Second": {"id": 0, "name": "Second", "abbrev": "SEC", "description": "The T-0 is accurate to the second."},
    "Day": {"id": 5, "name": "Day", "abbrev": "DAY", "description": "The T-0 is accurate to the day."},
}
# The files' country -> LL2's country object.
COUNTRIES = {
    "USA": ("USA", "United States of America"),
    "Russia": ("RUS", "Russian Federation"),
    "Kazakhstan": ("KAZ", "Republic of Kazakhstan"),
    "China": ("CHN", "People's Republic of China"),
    "France": ("GUF", "French Guiana"),
    "Japan": ("JPN", "Japan"),
    "India": ("IND", "Republic of India"),
    "New Zealand": ("NZL", "New Zealand"),
}
LL2_NAMES = {name: ll2_name for ll2_name, name in reversed(list(organisation_aliases().items()))}
UPDATED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    """A time as LL2 writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def launch(
    *,
    key: str,
    net: datetime,
    updated: datetime,
    provider: str,
    rocket: str,
    mission: str,
    pad: str,
    location: str,
    country: str,
    status: str = "Success",
    precision: str = "Minute",
    coordinates: tuple[float, float] = (28.5618, -80.577),
) -> dict[str, Any]:
    """One launch in LL2's 2.3.0 format (the fields a mode=normal page gives that the sync reads, and a few more)."""
    ll2_id = str(uuid.uuid5(uuid.NAMESPACE_URL, key))
    code, country_name = COUNTRIES.get(country, ("", country))
    country_object = {"id": 1, "name": country_name, "alpha_2_code": code[:2], "alpha_3_code": code}
    return {
        "id": ll2_id,
        "url": f"https://ll.thespacedevs.com/2.3.0/launches/{ll2_id}/",
        "name": f"{rocket} | {mission}",
        "response_mode": "normal",
        "slug": ll2_id,
        "status": STATUSES[status],
        "last_updated": iso(updated),
        "net": iso(net),
        "net_precision": PRECISIONS[precision],
        "window_start": iso(net),
        "window_end": iso(net),
        "launch_service_provider": {"id": 1, "name": provider, "abbrev": "", "type": {"id": 1, "name": "Commercial"}},
        "rocket": {
            "id": 1,
            "configuration": {"id": 1, "name": rocket, "full_name": rocket, "variant": "", "families": []},
        },
        "mission": {"id": 1, "name": mission, "type": "Unknown", "description": ""},
        "pad": {
            "id": 1,
            "name": pad,
            "latitude": coordinates[0],
            "longitude": coordinates[1],
            "country": country_object,
            "location": {"id": 1, "name": location, "country": country_object, "timezone_name": "UTC"},
        },
        "webcast_live": False,
    }


def file_launches(path: Path) -> list[dict[str, Any]]:
    """LL2's record of each launch of a Kaggle file (read here with the csv module), oldest first, ties in updates."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seen: set[tuple[str, str]] = set()
    launches = []
    for number, row in enumerate(reversed(rows)):
        if (row["Location"], row["Date"]) in seen:
            continue  # the file's one repeated row
        seen.add((row["Location"], row["Date"]))
        timed = row["Date"].endswith("UTC")
        moment = datetime.strptime(row["Date"], "%a %b %d, %Y %H:%M UTC" if timed else "%a %b %d, %Y")
        net = moment.replace(tzinfo=UTC) + (timedelta(seconds=42) if timed else timedelta(hours=13, minutes=5))
        rocket, _, mission = row["Detail"].partition(" | ")
        parts = [part.strip() for part in row["Location"].split(",")]
        country = parts[-1]
        launches.append(
            launch(
                key=f"file:{row['Location']}:{row['Date']}",
                net=net,
                updated=UPDATED + timedelta(seconds=number // 3),  # three launches share each update time
                provider=LL2_NAMES.get(row["Organisation"], row["Organisation"]),
                rocket=rocket,
                mission=mission,
                pad=parts[0] if len(parts) > 2 else "Unknown Pad",
                location=f"{parts[-2] if len(parts) > 1 else country}, {country}",
                country=country,
                status=row["Mission_Status"],
                precision="Second" if timed else "Minute",
            )
        )
    return launches


def _later(**fields: Any) -> dict[str, Any]:
    """A launch after the Kaggle files' last day, updated after every launch of ``file_launches``."""
    return launch(updated=UPDATED + timedelta(days=30), **fields)


LATER = [
    _later(
        key="later:starlink-10",
        net=datetime(2020, 8, 18, 14, 31, 16, tzinfo=UTC),
        provider="SpaceX",
        rocket="Falcon 9 Block 5",
        mission="Starlink-10 & SkySat 19-21",
        pad="Space Launch Complex 40",
        location="Cape Canaveral SFS, FL, USA",
        country="USA",
        precision="Second",
    ),
    _later(
        key="later:they-go-up-so-fast",
        net=datetime(2021, 3, 22, 22, 30, tzinfo=UTC),
        provider="Rocket Lab Ltd",
        rocket="Electron",
        mission="They Go Up So Fast",
        pad="Rocket Lab Launch Complex 1A",
        location="Rocket Lab Launch Complex 1, Mahia Peninsula, New Zealand",
        country="New Zealand",
        coordinates=(-39.2615, 177.8649),
    ),
    _later(
        key="later:oneweb-10",
        net=datetime(2021, 9, 14, 18, 7, 19, tzinfo=UTC),
        provider="Russian Federal Space Agency (ROSCOSMOS)",
        rocket="Soyuz 2.1b/Fregat-M",
        mission="OneWeb 10",
        pad="43/4 (43L)",
        location="Plesetsk Cosmodrome, Russian Federation",
        country="Russia",
        coordinates=(62.92, 40.57),
    ),
    _later(
        key="later:astra-3",
        net=datetime(2021, 8, 28, 22, 35, tzinfo=UTC),
        provider="Astra Space",
        rocket="Rocket 3",
        mission="STP-27AD1",
        pad="Launch Pad B",
        location="Pacific Spaceport Complex, Alaska, USA",
        country="USA",
        status="Failure",
        precision="Day",
        coordinates=(57.4356, -152.3378),
    ),
    _later(
        key="later:upcoming",
        net=datetime(2030, 1, 1, tzinfo=UTC),
        provider="SpaceX",
        rocket="Starship",
        mission="Not flown yet",
        pad="Orbital Launch Mount A",
        location="SpaceX Starbase, TX, USA",
        country="USA",
        status="Go",
    ),
]
WITHOUT_PAD = {
    **_later(
        key="later:no-pad",
        net=datetime(2021, 1, 1, tzinfo=UTC),
        provider="SpaceX",
        rocket="Falcon 9 Block 5",
        mission="Unknown pad",
        pad="",
        location="",
        country="USA",
    ),
    "pad": None,
}
LATER.append(WITHOUT_PAD)


def as_v220(data: dict[str, Any]) -> dict[str, Any]:
    """A 2.3.0 launch in the 2.2.0 shape: country codes instead of objects, coordinates as strings, no precision."""
    launch = {key: value for key, value in data.items() if key not in ("net_precision", "response_mode")}
    launch["url"] = data["url"].replace("2.3.0", "2.2.0")
    launch["tbdtime"] = data["net_precision"]["name"] not in ("Second", "Minute")
    configuration = data["rocket"]["configuration"]
    launch["rocket"] = {"id": 1, "configuration": {**configuration, "family": configuration["name"].split()[0]}}
    if data.get("pad"):
        pad = data["pad"]
        code = pad["country"]["alpha_3_code"]
        launch["pad"] = {
            "id": pad["id"],
            "name": pad["name"],
            "latitude": str(pad["latitude"]),
            "longitude": str(pad["longitude"]),
            "country_code": code,
            "location": {"id": 1, "name": pad["location"]["name"], "country_code": code},
        }
    return launch
