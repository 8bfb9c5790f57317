"""Merging a page of Launch Library 2 launches into the stored launches.

The matching rule: an LL2 launch is the stored launch that has its LL2 id. Otherwise it is a launch of a file that
no LL2 launch has matched yet, launched within ``MATCH_MINUTES`` of LL2's time (on the same UTC day when either
side knows only the day), whose rocket's family (the first word of its name, folded: "Falcon 9 Block 5" is
"falcon") is the LL2 rocket's; among several, one from the same country first, then the nearest in time. With no
rocket of the family, a launch of the same country that is alone within the time is the match. A matched launch
keeps everything the file gave (prices, names, time); LL2 adds its id and the pad's coordinates. Any other LL2
launch with an outcome is new: stored with LL2's provider (through the alias table), rocket, pad and site.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from missions.models import (
    CoordinatePrecision,
    CoordinateSource,
    Launch,
    LaunchSite,
    Organisation,
    Pad,
    Rocket,
    TimePrecision,
)

from .mapping import LL2Launch, LL2Pad, rocket_family

# How far apart in time an LL2 launch and a file's launch may be and still be one launch.
MATCH_MINUTES = 15


@dataclass
class PageOutcome:
    """What merging one page did."""

    created: int = 0
    matched: int = 0
    updated: int = 0
    unchanged: int = 0
    changed: bool = False  # whether anything that analyses read changed


@dataclass(frozen=True)
class Candidate:
    """A file's launch that an LL2 launch may be."""

    id: int
    launched_at: datetime
    time_precision: str
    rocket: str
    country: str
    pad_id: int


@dataclass
class PageMerger:
    """Merges pages of LL2 launches; remembers the names it created within a sync."""

    organisations: dict[str, int] = field(default_factory=dict)
    rockets: dict[str, int] = field(default_factory=dict)
    pads: dict[str, int] = field(default_factory=dict)
    located: set[int] = field(default_factory=set)  # the pads given LL2's coordinates (or found with some)

    def merge(self, launches: list[LL2Launch]) -> PageOutcome:
        """Store a page's launches with an outcome: update those known, match those of a file, create the rest."""
        outcome = PageOutcome()
        if not launches:
            return outcome
        known = {
            launch.ll2_id: launch for launch in Launch.objects.filter(ll2_id__in=[item.ll2_id for item in launches])
        }
        candidates = Candidates(launches)
        matches: list[Launch] = []
        for item in launches:
            launch = known.get(item.ll2_id)
            if launch is not None:
                self._update(launch, item, outcome)
                continue
            match = match_find(item, candidates.around(item.launched_at))
            if match is not None:
                candidates.remove(match)
                matches.append(Launch(pk=match.id, ll2_id=item.ll2_id))
                self._locate(match.pad_id, item.pad)
                outcome.matched += 1
                outcome.changed = True
            else:
                Launch.objects.create(**self._fields(item), from_file=False, ll2_id=item.ll2_id)
                outcome.created += 1
                outcome.changed = True
        Launch.objects.bulk_update(matches, ["ll2_id"], batch_size=500)
        return outcome

    def _update(self, launch: Launch, item: LL2Launch, outcome: PageOutcome) -> None:
        """A launch stored before: LL2's own launches follow LL2's changes; a file's launch keeps the file's values."""
        if launch.from_file:
            outcome.unchanged += 1
            return
        fields = self._fields(item)
        if all(getattr(launch, name) == value for name, value in fields.items()):
            outcome.unchanged += 1
            return
        for name, value in fields.items():
            setattr(launch, name, value)
        launch.save(update_fields=list(fields))
        outcome.updated += 1
        outcome.changed = True

    def _fields(self, item: LL2Launch) -> dict[str, object]:
        """The launch fields of an LL2 launch, creating its organisation, rocket and pad where they are new."""
        return {
            "organisation_id": self._organisation(item.organisation),
            "rocket_id": self._rocket(item.rocket, item.rocket_status),
            "pad_id": self._pad(item.pad),
            "mission": item.mission[:300],
            "launched_at": item.launched_at,
            "time_precision": item.time_precision,
            "mission_status": item.mission_status,
        }

    def _organisation(self, name: str) -> int:
        if name not in self.organisations:
            self.organisations[name] = Organisation.objects.get_or_create(name=name[:200])[0].pk
        return self.organisations[name]

    def _rocket(self, name: str, status: str) -> int:
        if name not in self.rockets:
            self.rockets[name] = Rocket.objects.get_or_create(name=name[:200], defaults={"status": status})[0].pk
        return self.rockets[name]

    def _pad(self, pad: LL2Pad) -> int:
        if pad.location not in self.pads:
            site, _ = LaunchSite.objects.get_or_create(name=pad.site[:200], country=pad.country[:100])
            stored, _ = Pad.objects.get_or_create(
                location=pad.location[:300],
                defaults={
                    "name": pad.name[:200],
                    "site": site,
                    "region": pad.region[:200],
                    "country": pad.country[:100],
                    "ll2_latitude": pad.latitude,
                    "ll2_longitude": pad.longitude,
                },
            )
            self._locate(stored.pk, pad)
            self.pads[pad.location] = stored.pk
        return self.pads[pad.location]

    def _locate(self, pad_id: int, pad: LL2Pad) -> None:
        """Give a pad LL2's coordinates where it has none, once per sync."""
        if pad_id not in self.located and pad.latitude is not None and pad.longitude is not None:
            _pad_coordinates_fill(pad_id, pad)
            self.located.add(pad_id)


def match_find(item: LL2Launch, candidates: list[Candidate]) -> Candidate | None:
    """The file's launch an LL2 launch is, by the matching rule of this module; None for none."""
    near = [candidate for candidate in candidates if _close_in_time(item, candidate)]
    family = [candidate for candidate in near if rocket_family(candidate.rocket) == item.family]
    if not family:
        same_country = [candidate for candidate in near if candidate.country == item.pad.country]
        return same_country[0] if len(near) == 1 and same_country else None
    return min(
        family,
        key=lambda candidate: (candidate.country != item.pad.country, abs(candidate.launched_at - item.launched_at)),
    )


def _close_in_time(item: LL2Launch, candidate: Candidate) -> bool:
    """Within MATCH_MINUTES, or on the same UTC day when either side knows only the day."""
    if TimePrecision.DAY in (item.time_precision, candidate.time_precision):
        return item.launched_at.astimezone(UTC).date() == candidate.launched_at.astimezone(UTC).date()
    return abs(item.launched_at - candidate.launched_at) <= timedelta(minutes=MATCH_MINUTES)


class Candidates:
    """The file launches without an LL2 id on the days around a page's launches, by UTC day, read in one query."""

    def __init__(self, launches: list[LL2Launch]) -> None:
        days = {item.launched_at.date() + timedelta(days=step) for item in launches for step in (-1, 0, 1)}
        rows = (
            Launch.objects.filter(from_file=True, ll2_id__isnull=True, launched_at__date__in=days)
            .order_by("launched_at", "id")
            .values_list("id", "launched_at", "time_precision", "rocket__name", "pad__country", "pad_id")
        )
        self.by_day: dict[date, list[Candidate]] = {}
        for row in rows:
            candidate = Candidate(*row)
            self.by_day.setdefault(candidate.launched_at.astimezone(UTC).date(), []).append(candidate)

    def around(self, moment: datetime) -> list[Candidate]:
        """The candidates of the day of ``moment`` and the days either side."""
        day = moment.astimezone(UTC).date()
        return [found for step in (-1, 0, 1) for found in self.by_day.get(day + timedelta(days=step), [])]

    def remove(self, candidate: Candidate) -> None:
        """A candidate matched: no other LL2 launch may match it."""
        self.by_day[candidate.launched_at.astimezone(UTC).date()].remove(candidate)


def _pad_coordinates_fill(pad_id: int, pad: LL2Pad) -> None:
    """Give a pad LL2's coordinates where it has none, and its site too: the maps place the site there."""
    Pad.objects.filter(pk=pad_id, ll2_latitude__isnull=True).update(
        ll2_latitude=pad.latitude, ll2_longitude=pad.longitude
    )
    LaunchSite.objects.filter(pads__pk=pad_id, latitude__isnull=True).update(
        latitude=pad.latitude,
        longitude=pad.longitude,
        coordinate_source=CoordinateSource.LL2,
        coordinate_precision=CoordinatePrecision.PAD,
        located_at=timezone.now(),
    )
