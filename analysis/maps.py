"""The launch-site map: launches per located site in one query, as GeoJSON, an interactive HTML map and a PNG."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from django.db.models import Aggregate, Count, F, JSONField, Max, Min, Q, QuerySet

from missions.models import Launch, MissionStatus

from .artefacts import Artefacts
from .map_render import map_html, map_png, success_colour

MAP_FILES = {"geojson": "application/geo+json", "html": "text/html", "png": "image/png"}


class MapUnavailable(Exception):
    """No map can be drawn: no launch matches, or none of the matching launches' sites has coordinates."""


class DistinctList(Aggregate):
    """The distinct values of a group as a JSON list (PostgreSQL jsonb_agg, SQLite json_group_array)."""

    function = "JSONB_AGG"
    allow_distinct = True
    output_field = JSONField()

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, distinct=True, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


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


def map_launches(
    *,
    organisation: str | None = None,
    country: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    mission_status: str | None = None,
    rocket_status: str | None = None,
) -> QuerySet[Launch]:
    """The launches a map shows, filtered by organisation, pad country, year range and outcome."""
    launches = Launch.objects.all()
    if organisation:
        launches = launches.filter(organisation__name=organisation)
    if country:
        launches = launches.filter(pad__country__iexact=country)
    if year_from is not None:
        launches = launches.filter(launched_at__year__gte=year_from)
    if year_to is not None:
        launches = launches.filter(launched_at__year__lte=year_to)
    if mission_status:
        launches = launches.filter(mission_status=mission_status)
    if rocket_status:
        launches = launches.filter(rocket__status=rocket_status)
    return launches


def launch_site_stats(**filters: Any) -> list[SiteRow]:
    """Per located place: launches, successes, failures, success rate, organisations, first and last launch.

    Sites are grouped by their coordinates, so the spellings of one site (Cape Canaveral AFS and SFS) make one
    marker; the sites without coordinates come back as one row whose latitude is None.
    """
    rows = (
        map_launches(**filters)
        .order_by()
        .values(latitude=F("pad__site__latitude"), longitude=F("pad__site__longitude"))
        .annotate(
            sites=DistinctList("pad__site__name"),
            countries=DistinctList("pad__site__country"),
            precision=Max("pad__site__coordinate_precision"),
            launches=Count("id"),
            successes=Count("id", filter=Q(mission_status=MissionStatus.SUCCESS)),
            organisations=DistinctList("organisation__name"),
            first_launch=Min("launched_at"),
            last_launch=Max("launched_at"),
        )
        .order_by("-launches", "latitude", "longitude")
    )
    return [
        {
            **row,
            "sites": sorted(row["sites"]),
            "countries": sorted(row["countries"]),
            "organisations": sorted(row["organisations"]),
            "failures": row["launches"] - row["successes"],
            "success_rate": round(row["successes"] / row["launches"], 4),
        }
        for row in rows
    ]


def site_features(rows: list[SiteRow]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection with one point per located place (rows with coordinates) and its statistics."""
    features = []
    for row in rows:
        properties = {key: value for key, value in row.items() if key not in ("latitude", "longitude")}
        properties["name"] = " / ".join(row["sites"])
        properties["country"] = " / ".join(row["countries"])
        properties["first_launch"] = row["first_launch"].isoformat()
        properties["last_launch"] = row["last_launch"].isoformat()
        properties["marker-color"] = success_colour(row["success_rate"])
        features.append(
            {
                "type": "Feature",
                # GeoJSON orders a position as longitude, latitude.
                "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def map_title(*, filters: dict[str, Any]) -> str:
    """A title naming the filters, e.g. 'Launch sites: SpaceX, 2010–2020'."""
    years = ""
    if filters.get("year_from") is not None or filters.get("year_to") is not None:
        years = f"{filters.get('year_from') or '…'}–{filters.get('year_to') or '…'}"
    parts = [
        filters.get("organisation"),
        filters.get("country"),
        years,
        filters.get("mission_status"),
        filters.get("rocket_status") and f"{filters['rocket_status']} rockets",
    ]
    described = ", ".join(part for part in parts if part)
    return f"Launch sites: {described}" if described else "Launch sites: all launches"


@dataclass(frozen=True)
class SiteMap:
    """Everything a map is drawn from: its title, the located places as rows and features, and a summary."""

    title: str
    rows: list[SiteRow]
    features: dict[str, Any]
    summary: dict[str, Any]


def site_map_build(**filters: Any) -> SiteMap:
    """The places to map for the filters; raises MapUnavailable rather than describe an empty map."""
    rows = launch_site_stats(**filters)
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
    title = map_title(filters=filters)
    summary: dict[str, Any] = {
        "title": title,
        "filters": filters,
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


def launch_site_map(**filters: Any) -> Artefacts:
    """The launch-site map as GeoJSON, interactive HTML and PNG; fails rather than draw an empty map."""
    site_map = site_map_build(**filters)
    return Artefacts(
        files={
            "geojson": json.dumps(site_map.features, ensure_ascii=False).encode(),
            "html": map_html(features=site_map.features, title=site_map.title).encode(),
            "png": map_png(rows=site_map.rows, title=site_map.title),
        },
        summary=site_map.summary,
    )
