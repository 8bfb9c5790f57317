"""Repairing the names stored before the repairs table existed, so that a re-import finds its launches again.

A stored name the table repairs takes the repaired spelling. Where that spelling is stored already (the Maven file
spelled it right), the two are one: the launches move to the stored one, and a launch that the mangled pad held at
a time the other pad holds too is the same launch imported twice, so the copy under the mangled pad goes.
"""

from django.db import transaction

from missions.locations import location_parse
from missions.models import DataVersion, Launch, LaunchSite, Organisation, Pad, Rocket

from .repairs import name_repairs


def stored_names_repair() -> dict[str, int]:
    """Repair the stored organisation, rocket, pad, site and mission names; count what changed."""
    counts = {"organisations": 0, "rockets": 0, "pads": 0, "missions": 0, "duplicates": 0}
    with transaction.atomic():
        counts["organisations"] = _named_repair(Organisation, "organisation", "organisation")
        counts["rockets"] = _named_repair(Rocket, "rocket", "rocket")
        for pad in list(Pad.objects.select_related("site")):
            counts["duplicates"] += _pad_repair(pad, counts)
        launches = []
        for launch in Launch.objects.only("id", "mission"):
            repair = name_repairs().repair("mission", launch.mission)
            if repair is not None and repair.repaired != launch.mission:
                launch.mission = repair.repaired
                launches.append(launch)
        Launch.objects.bulk_update(launches, ["mission"], batch_size=1000)
        counts["missions"] = len(launches)
        LaunchSite.objects.filter(pads__isnull=True).delete()
        if any(counts.values()):
            DataVersion.bump()
    return counts


def _named_repair(model: type[Organisation] | type[Rocket], column: str, field: str) -> int:
    """Rename the rows of a name table that the table repairs, merging into a row that has the repaired name."""
    changed = 0
    for row in list(model.objects.all()):
        repair = name_repairs().repair(column, row.name)
        if repair is None or repair.repaired == row.name:
            continue
        existing = model.objects.filter(name=repair.repaired).first()
        if existing is None:
            row.name = repair.repaired
            row.save(update_fields=["name"])
        else:
            Launch.objects.filter(**{field: row}).update(**{field: existing})
            row.delete()
        changed += 1
    return changed


def _pad_repair(pad: Pad, counts: dict[str, int]) -> int:
    """Repair a pad's location (and so its site); return how many duplicate launches merging it removed."""
    repair = name_repairs().repair("location", pad.location)
    if repair is None or repair.repaired == pad.location:
        return 0
    counts["pads"] += 1
    existing = Pad.objects.filter(location=repair.repaired).first()
    if existing is None:
        parsed = location_parse(repair.repaired)
        site, _ = LaunchSite.objects.get_or_create(
            name=parsed.site,
            country=parsed.country,
            defaults={
                "latitude": pad.site.latitude,
                "longitude": pad.site.longitude,
                "coordinate_source": pad.site.coordinate_source,
                "coordinate_precision": pad.site.coordinate_precision,
                "located_at": pad.site.located_at,
            },
        )
        pad.location, pad.name, pad.region, pad.site = repair.repaired, parsed.pad, parsed.region, site
        pad.save(update_fields=["location", "name", "region", "site"])
        return 0
    taken = set(existing.launches.filter(file_launched_at__isnull=False).values_list("file_launched_at", flat=True))
    duplicates = pad.launches.filter(file_launched_at__in=taken)
    removed = duplicates.count()
    duplicates.delete()
    pad.launches.update(pad=existing)
    pad.delete()
    return removed
