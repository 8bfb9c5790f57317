"""Merging a page of Launch Library 2 launches into the stored launches.

The matching rule: an LL2 launch is the stored launch that has its LL2 id. Otherwise it is a launch of a file that
no LL2 launch has matched yet, launched within ``MATCH_MINUTES`` of LL2's time (on the same UTC day when either
side knows only the day), whose rocket's family (the first word of its name, folded: "Falcon 9 Block 5" is
"falcon") is the LL2 rocket's; among several, one from the same country first, then the nearest in time. With no
rocket of the family, a launch of the same country that is alone within the time is the match. A matched launch
keeps everything the file gave (prices, names); LL2 adds its id, the pad's coordinates, and its time where the file
gives only the day. Any other LL2 launch with an outcome is new: stored with LL2's provider (through the alias
table), rocket, pad and site. A file imported later runs the same rule the other way (``ll2_launches_merge``): a
launch only LL2 knew that is one of the file's launches is merged into it.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

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
# The fields of a file's launch that a match sets.
MERGED_FIELDS = ["ll2_id", "launched_at", "time_precision"]


@dataclass
class PageOutcome:
    """What merging one page did."""

    created: int = 0
    matched: int = 0
    updated: int = 0
    unchanged: int = 0
    changed: bool = False  # whether anything that analyses read changed


class Timed(Protocol):
    """A launch's time and its precision."""

    @property
    def launched_at(self) -> datetime: ...
    @property
    def time_precision(self) -> str: ...


class Matchable(Timed, Protocol):
    """What the matching rule reads of a launch: an LL2 launch, or a stored one."""

    @property
    def family(self) -> str: ...
    @property
    def country(self) -> str: ...


@dataclass(frozen=True)
class Candidate:
    """A stored launch as the matching rule reads it: a file's launch, or a launch only LL2 knew."""

    id: int
    launched_at: datetime
    time_precision: str
    rocket: str
    country: str
    pad_id: int

    @property
    def family(self) -> str:
        """The rocket's family as the merge compares it."""
        return rocket_family(self.rocket)


# The columns of a stored launch that make a Candidate, in its fields' order.
CANDIDATE_COLUMNS = ["id", "launched_at", "time_precision", "rocket__name", "pad__country", "pad_id"]


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
        candidates = Candidates([item.launched_at for item in launches])
        matches: list[Launch] = []
        for item in launches:
            launch = known.get(item.ll2_id)
            if launch is not None:
                self._update(launch, item, outcome)
                continue
            match = match_find(item, candidates.around(item.launched_at))
            if match is not None:
                candidates.remove(match)
                matches.append(launch_merged(match, ll2=item, ll2_id=item.ll2_id))
                self._locate(match.pad_id, item.pad)
                outcome.matched += 1
                outcome.changed = True
            else:
                Launch.objects.create(**self._fields(item), from_file=False, ll2_id=item.ll2_id)
                outcome.created += 1
                outcome.changed = True
        Launch.objects.bulk_update(matches, MERGED_FIELDS, batch_size=500)
        return outcome

    def _update(self, launch: Launch, item: LL2Launch, outcome: PageOutcome) -> None:
        """A launch stored before: LL2's own follow LL2's changes; a file's keeps its values, takes LL2's finer time."""
        if launch.from_file:
            fields = dict(zip(("launched_at", "time_precision"), time_best(launch, item), strict=True))
        else:
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
            _pad_coordinates_fill(pad_id, latitude=pad.latitude, longitude=pad.longitude)
            self.located.add(pad_id)


def ll2_launches_merge() -> int:
    """Merge each launch only LL2 knew into the file's launch it is, by the matching rule; return how many merged.

    The file's launch takes the LL2 id, the pad's coordinates and LL2's time where the file gives only the day; the
    launch only LL2 knew is deleted, with the names only it used. Run after a file's import, within its transaction.
    """
    rows = (
        Launch.objects.filter(from_file=False, ll2_id__isnull=False)
        .order_by("launched_at", "id")
        .values_list(*CANDIDATE_COLUMNS, "ll2_id", "pad__ll2_latitude", "pad__ll2_longitude")
    )
    ll2_only = {Candidate(*row[: len(CANDIDATE_COLUMNS)]): row[len(CANDIDATE_COLUMNS) :] for row in rows}
    if not ll2_only:
        return 0
    candidates = Candidates([launch.launched_at for launch in ll2_only])
    merged: list[Launch] = []
    located: set[int] = set()
    for launch, (ll2_id, latitude, longitude) in ll2_only.items():
        match = match_find(launch, candidates.around(launch.launched_at))
        if match is None:
            continue
        candidates.remove(match)
        merged.append(launch_merged(match, ll2=launch, ll2_id=ll2_id))
        if match.pad_id not in located and latitude is not None and longitude is not None:
            _pad_coordinates_fill(match.pad_id, latitude=latitude, longitude=longitude)
            located.add(match.pad_id)
    if not merged:
        return 0
    # The launches only LL2 knew go first: their LL2 ids, unique, move to the file's launches.
    gone = Launch.objects.filter(ll2_id__in=[launch.ll2_id for launch in merged])
    used = list(gone.values_list("organisation_id", "rocket_id", "pad_id"))
    gone.delete()
    Launch.objects.bulk_update(merged, MERGED_FIELDS, batch_size=500)
    organisations, rockets, pads = (set(ids) for ids in zip(*used, strict=True))
    _unused_names_delete(organisations=organisations, rockets=rockets, pads=pads)
    return len(merged)


def _unused_names_delete(*, organisations: set[int], rockets: set[int], pads: set[int]) -> None:
    """Delete those of some organisations, rockets and pads that no launch uses any more, and their pads' sites."""
    sites = set(Pad.objects.filter(pk__in=pads).values_list("site_id", flat=True))
    Pad.objects.filter(pk__in=pads, launches__isnull=True).delete()
    LaunchSite.objects.filter(pk__in=sites, pads__isnull=True).delete()
    Organisation.objects.filter(pk__in=organisations, launches__isnull=True).delete()
    Rocket.objects.filter(pk__in=rockets, launches__isnull=True).delete()


def launch_merged(match: Candidate, *, ll2: Timed, ll2_id: uuid.UUID) -> Launch:
    """The file's launch as a match with an LL2 launch leaves it, in MERGED_FIELDS."""
    launched_at, precision = time_best(match, ll2)
    return Launch(pk=match.id, ll2_id=ll2_id, launched_at=launched_at, time_precision=precision)


def time_best(stored: Timed, ll2: Timed) -> tuple[datetime, str]:
    """A file's launch's time and precision, or LL2's where the file gives only the day and LL2 knows the time."""
    if stored.time_precision == TimePrecision.DAY and ll2.time_precision != TimePrecision.DAY:
        return ll2.launched_at, ll2.time_precision
    return stored.launched_at, stored.time_precision


def match_find(item: Matchable, candidates: list[Candidate]) -> Candidate | None:
    """The launch among the candidates that ``item`` is, by the matching rule of this module; None for none."""
    near = [candidate for candidate in candidates if _close_in_time(item, candidate)]
    family = [candidate for candidate in near if candidate.family == item.family]
    if not family:
        same_country = [candidate for candidate in near if candidate.country == item.country]
        return same_country[0] if len(near) == 1 and same_country else None
    return min(
        family,
        key=lambda candidate: (candidate.country != item.country, abs(candidate.launched_at - item.launched_at)),
    )


def _close_in_time(item: Matchable, candidate: Candidate) -> bool:
    """Within MATCH_MINUTES, or on the same UTC day when either side knows only the day."""
    if TimePrecision.DAY in (item.time_precision, candidate.time_precision):
        return item.launched_at.astimezone(UTC).date() == candidate.launched_at.astimezone(UTC).date()
    return abs(item.launched_at - candidate.launched_at) <= timedelta(minutes=MATCH_MINUTES)


class Candidates:
    """The file launches without an LL2 id on the days around some moments, by UTC day, read in one query."""

    def __init__(self, moments: list[datetime]) -> None:
        days = {moment.astimezone(UTC).date() + timedelta(days=step) for moment in moments for step in (-1, 0, 1)}
        rows = (
            Launch.objects.filter(from_file=True, ll2_id__isnull=True, launched_at__date__in=days)
            .order_by("launched_at", "id")
            .values_list(*CANDIDATE_COLUMNS)
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


def _pad_coordinates_fill(pad_id: int, *, latitude: float, longitude: float) -> None:
    """Give a pad LL2's coordinates where it has none, and its site too: the maps place the site there."""
    Pad.objects.filter(pk=pad_id, ll2_latitude__isnull=True).update(ll2_latitude=latitude, ll2_longitude=longitude)
    LaunchSite.objects.filter(pads__pk=pad_id, latitude__isnull=True).update(
        latitude=latitude,
        longitude=longitude,
        coordinate_source=CoordinateSource.LL2,
        coordinate_precision=CoordinatePrecision.PAD,
        located_at=timezone.now(),
    )
