"""Building the launch-site map: launches per located place in one query, its features, title and summary."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict

from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.utils.dateparse import parse_datetime

from core.renderers import point_feature
from missions.filters import selection_title
from missions.models import LaunchSite, MissionStatus, Organisation, Pad
from missions.selectors import LaunchFilters, launches_filtered

from ..artefacts import Artefacts
from .html import map_html, success_colour
from .png import map_png

MAP_FILES = {"geojson": "application/geo+json", "html": "text/html", "png": "image/png"}


class MapUnavailable(Exception):
    """No map can be drawn: no launch matches, or none of the matching launches' sites has coordinates."""


class SiteRow(TypedDict):
    """Launch statistics of one place on the map (a site, or the spellings of one site that share coordinates)."""

    latitude: float | None
    longitude: float | None
    sites: list[str]
    countries: list[str]
    precision: str
    launches: int
    successes: int
    failures: int
    success_rate: float
    organisations: list[str]
    first_launch: datetime
    last_launch: datetime


def launch_site_stats(*, filters: LaunchFilters) -> list[SiteRow]:
    """Per located place: launches, successes, failures, success rate, organisations, first and last launch.

    Sites are grouped by their coordinates, so the spellings of one site (Cape Canaveral AFS and SFS) make one
    marker; the sites without coordinates come back as one row whose latitude is None.
    """
    # One query in two steps: the launches are first counted per pad and organisation (integer keys, one hash
    # aggregate), and only those rows are joined to the names and grouped per place: the joins and the DISTINCT
    # name lists work on one row per pad and organisation, however many launches there are (bench/maps.py times
    # this query on a million launches).
    per_pad = (
        launches_filtered(filters=filters)
        .order_by()
        .values("pad_id", "organisation_id")
        .annotate(
            launches=Count("id"),
            successes=Count("id", filter=Q(mission_status=MissionStatus.SUCCESS)),
            first_launch=Min("launched_at"),
            last_launch=Max("launched_at"),
        )
    )
    per_pad_sql, params = per_pad.query.sql_with_params()
    names = "JSONB_AGG" if connection.vendor == "postgresql" else "JSON_GROUP_ARRAY"
    table = connection.ops.quote_name
    sql = f"""
        SELECT site.latitude, site.longitude, {names}(DISTINCT site.name), {names}(DISTINCT site.country),
               MAX(site.coordinate_precision), SUM(per_pad.launches), SUM(per_pad.successes),
               {names}(DISTINCT organisation.name), MIN(per_pad.first_launch), MAX(per_pad.last_launch)
        FROM ({per_pad_sql}) AS per_pad
        JOIN {table(Pad._meta.db_table)} AS pad ON pad.id = per_pad.pad_id
        JOIN {table(LaunchSite._meta.db_table)} AS site ON site.id = pad.site_id
        JOIN {table(Organisation._meta.db_table)} AS organisation ON organisation.id = per_pad.organisation_id
        GROUP BY site.latitude, site.longitude
        ORDER BY SUM(per_pad.launches) DESC, site.latitude, site.longitude
    """  # the interpolated parts are table and function names, never input
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_site_row(*row) for row in cursor.fetchall()]


def _site_row(
    latitude, longitude, sites, countries, precision, launches, successes, organisations, first, last
) -> SiteRow:
    """One place's row from the database's types (JSON lists come as text; SQLite's times too)."""
    launches, successes = int(launches), int(successes)
    return {
        "latitude": latitude,
        "longitude": longitude,
        "sites": sorted(_json_list(sites)),
        "countries": sorted(_json_list(countries)),
        "precision": precision,
        "launches": launches,
        "successes": successes,
        "failures": launches - successes,
        "success_rate": round(successes / launches, 4),
        "organisations": sorted(_json_list(organisations)),
        "first_launch": _datetime(first),
        "last_launch": _datetime(last),
    }


def _json_list(value: str | list[str]) -> list[str]:
    return json.loads(value) if isinstance(value, str) else value


def _datetime(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    parsed = parse_datetime(value)  # SQLite keeps UTC times as naive text
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def site_features(rows: list[SiteRow]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection with one point per located place (rows with coordinates) and its statistics."""
    features = [
        point_feature(
            {
                **row,
                "name": " / ".join(row["sites"]),
                "country": " / ".join(row["countries"]),
                "first_launch": row["first_launch"].isoformat(),
                "last_launch": row["last_launch"].isoformat(),
                "marker-color": success_colour(row["success_rate"]),
            }
        )
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def map_title(*, params: dict[str, Any]) -> str:
    """A title naming the selection, e.g. 'Launch sites: SpaceX, 2010–2020'."""
    return f"Launch sites: {selection_title(params=params) or 'all launches'}"


@dataclass(frozen=True)
class SiteMap:
    """Everything a map is drawn from: its title, the located places as rows and features, and a summary."""

    title: str
    rows: list[SiteRow]
    features: dict[str, Any]
    summary: dict[str, Any]


def site_map_build(*, filters: LaunchFilters, params: dict[str, Any]) -> SiteMap:
    """The places to map for a selection (``params`` describe it); raises MapUnavailable rather than map nothing."""
    rows = launch_site_stats(filters=filters)
    unlocated = [row for row in rows if row["latitude"] is None]
    located = [row for row in rows if row["latitude"] is not None]
    launch_count = sum(row["launches"] for row in rows)
    if not rows:
        raise MapUnavailable("No launches match the filters, so there is nothing to map.")
    if not located:
        names = unlocated[0]["sites"]
        listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        raise MapUnavailable(
            f"None of the {launch_count} matching launches has a located site ({listed}); "
            "run `manage.py geocode_sites`."
        )
    title = map_title(params=params)
    summary: dict[str, Any] = {
        "title": title,
        "filters": params,
        "launch_count": launch_count,
        "located_launch_count": sum(row["launches"] for row in located),
        "place_count": len(located),
        "site_count": sum(len(row["sites"]) for row in located),
        "unlocated_launch_count": sum(row["launches"] for row in unlocated),
        "unlocated_sites": unlocated[0]["sites"] if unlocated else [],
    }
    if unlocated:
        summary["warning"] = (
            f"{summary['unlocated_launch_count']} launch(es) from {len(summary['unlocated_sites'])} site(s) "
            "without coordinates are not on the map."
        )
    return SiteMap(title=title, rows=located, features=site_features(located), summary=summary)


def launch_site_map(*, filters: LaunchFilters, params: dict[str, Any]) -> Artefacts:
    """The launch-site map as GeoJSON, interactive HTML and PNG; fails rather than draw an empty map."""
    site_map = site_map_build(filters=filters, params=params)
    return Artefacts(
        files={
            "geojson": json.dumps(site_map.features, ensure_ascii=False).encode(),
            "html": map_html(features=site_map.features, title=site_map.title).encode(),
            "png": map_png(rows=site_map.rows, title=site_map.title),
        },
        summary=site_map.summary,
    )
