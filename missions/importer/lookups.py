"""The ids of the organisations, rockets and pads a file names, and the rockets' statuses as of its newest launches.

Every stored name is read once; the names a chunk is the first to use are created (a pad with its site, from its
location string) before its launches are written, and the ids of a chunk's names come from the dictionaries.
"""

import numpy as np
import pandas as pd

from missions.locations import location_parse
from missions.models import LaunchSite, Organisation, Pad, Rocket

from .comparison import launch_micros


class RocketStatuses:
    """Each rocket's stored status, and its status as of its newest launch in the file, which is saved at the end."""

    def __init__(self, *, stored: dict[str, str]) -> None:
        self.stored = stored
        self.newest: dict[str, tuple[int, str]] = {}  # rocket -> (launch time in microseconds, status)

    def note(self, frame: pd.DataFrame) -> None:
        """Keep each rocket's status as of its newest launch in the file: the dataset's status is 'as of' then."""
        if frame.empty:
            return
        codes, rockets = pd.factorize(frame["rocket"])
        micros = launch_micros(frame["launched_at"])
        # The rows by rocket, launch time and file line: each rocket's last row is its newest, the later one on ties.
        order = np.lexsort((frame["line"].to_numpy(), micros, codes))
        last = order[np.append(codes[order][1:] != codes[order][:-1], True)]
        # Only the last rows' statuses leave Arrow as Python strings.
        statuses = frame["rocket_status"].take(last).to_numpy()
        for rocket, launched, status in zip(rockets.take(codes[last]), micros[last], statuses, strict=True):
            current = self.newest.get(rocket)
            if current is None or launched >= current[0]:
                self.newest[rocket] = (launched, status)

    def changed(self, rocket_ids: dict[str, int]) -> list[Rocket]:
        """The rockets whose status the file changes, with their new status."""
        return [
            Rocket(pk=rocket_ids[name], status=status)
            for name, (_, status) in self.newest.items()
            if self.stored.get(name) != status
        ]


class NameLookups:
    """The id of every organisation and rocket by name and of every pad by location, creating those a file adds."""

    def __init__(self) -> None:
        self.organisations: dict[str, int] = dict(Organisation.objects.values_list("name", "id"))
        rockets = list(Rocket.objects.values_list("name", "id", "status"))
        self.rockets: dict[str, int] = {name: pk for name, pk, _ in rockets}
        self.rocket_statuses = RocketStatuses(stored={name: status for name, _, status in rockets})
        self.pads: dict[str, int] = dict(Pad.objects.values_list("location", "id"))
        self.changed = False  # whether the import created a name or changed a rocket's status

    def has_unknown(self, frame: pd.DataFrame) -> bool:
        """Whether a chunk names an organisation, rocket or pad not stored yet."""
        return any(self._unknown(frame))

    def create_unknown(self, frame: pd.DataFrame) -> None:
        """Create the organisations, rockets and pads a chunk names for the first time."""
        organisations, rockets, locations = self._unknown(frame)
        if organisations:
            self._create_organisations(organisations)
        if rockets:
            self._create_rockets(rockets, dict(zip(frame["rocket"], frame["rocket_status"], strict=True)))
        if locations:
            self._create_pads(locations)

    def with_ids(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A cleaned chunk as rows of the launch table: each row's line and its names replaced by their ids."""
        return pd.DataFrame(
            {
                "line": frame["line"],
                "organisation_id": _ids(self.organisations, frame["organisation"]),
                "pad_id": _ids(self.pads, frame["location"]),
                "rocket_id": _ids(self.rockets, frame["rocket"]),
                "mission": frame["mission"],
                "launched_at": frame["launched_at"],
                "time_precision": frame["time_precision"],
                "price": frame["price"],
                "mission_status": frame["mission_status"],
            }
        )

    def rocket_statuses_save(self) -> None:
        """Update the rockets whose status the file changes."""
        changed = self.rocket_statuses.changed(self.rockets)
        if changed:
            Rocket.objects.bulk_update(changed, ["status"])
            self.changed = True

    def _unknown(self, frame: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
        """The organisations, rockets and pad locations a chunk names that are not stored yet."""
        return (
            [name for name in frame["organisation"].unique() if name not in self.organisations],
            [name for name in frame["rocket"].unique() if name not in self.rockets],
            [name for name in frame["location"].unique() if name not in self.pads],
        )

    def _create_organisations(self, names: list[str]) -> None:
        """Create organisations a chunk names for the first time."""
        Organisation.objects.bulk_create([Organisation(name=name) for name in names])
        self.organisations.update(Organisation.objects.filter(name__in=names).values_list("name", "id"))
        self.changed = True

    def _create_rockets(self, names: list[str], statuses: dict[str, str]) -> None:
        """Create rockets a chunk names for the first time; their status as of their newest launch is set at the end."""
        rockets = [Rocket(name=name, status=statuses[name]) for name in names]
        Rocket.objects.bulk_create(rockets)
        self.rockets.update(Rocket.objects.filter(name__in=names).values_list("name", "id"))
        self.rocket_statuses.stored.update({rocket.name: rocket.status for rocket in rockets})
        self.changed = True

    def _create_pads(self, locations: list[str]) -> None:
        """Create the pads (and their sites) of locations a chunk names for the first time."""
        sites = dict(((site.name, site.country), site.pk) for site in LaunchSite.objects.all())
        parsed = {location: location_parse(location) for location in locations}
        # The new sites in the order the file names them, created in one statement.
        named = dict.fromkeys((place.site, place.country) for place in parsed.values())
        new_sites = [LaunchSite(name=name, country=country) for name, country in named if (name, country) not in sites]
        created = LaunchSite.objects.bulk_create(new_sites)
        sites.update(((site.name, site.country), site.pk) for site in created)
        Pad.objects.bulk_create(
            Pad(
                location=location,
                name=place.pad,
                site_id=sites[(place.site, place.country)],
                region=place.region,
                country=place.country,
            )
            for location, place in parsed.items()
        )
        self.pads.update(Pad.objects.filter(location__in=locations).values_list("location", "id"))
        self.changed = True


def _ids(known: dict[str, int], names: pd.Series) -> np.ndarray:
    """The row id of every name of a chunk."""
    codes, uniques = pd.factorize(names)
    return np.array([known[name] for name in uniques], dtype=np.int64)[codes]
