"""repair_names: names stored before imports repaired them are repaired, and a re-import finds its launches again."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from missions.importer import cleaning
from missions.models import Launch, LaunchSite, Organisation, Pad
from missions.names.repairs import NameRepairs, is_mangled
from missions.services import launches_import

pytestmark = pytest.mark.django_db


def _launches() -> list[tuple]:
    """Every stored launch by its names, time and values."""
    return sorted(
        Launch.objects.values_list(
            "organisation__name", "pad__location", "pad__site__name", "rocket__name", "mission", "launched_at", "price"
        ),
        key=str,
    )


def test_stored_mangled_names_are_repaired_and_merged_into_the_right_spellings(
    empty_launches, mission_launches_csv, space_missions_csv, monkeypatch
):
    launches_import(source=str(mission_launches_csv))
    launches_import(source=str(space_missions_csv))
    fresh = _launches()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The test's one transaction still holds the imports' deferred key checks, which TRUNCATE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Launch.objects.all().delete()
    Organisation.objects.all().delete()
    Pad.objects.all().delete()
    LaunchSite.objects.all().delete()
    # The same two files imported as they were before imports repaired names.
    monkeypatch.setattr(cleaning, "name_repairs", lambda: NameRepairs([]))
    launches_import(source=str(mission_launches_csv))
    launches_import(source=str(space_missions_csv))
    monkeypatch.undo()
    assert Organisation.objects.filter(name__startswith="Arm").count() == 2
    assert Launch.objects.count() > len(fresh)  # the launches of mangled pads, stored twice

    out = StringIO()
    call_command("repair_names", stdout=out)

    counts = {name: int(count) for count, name in (part.split() for part in out.getvalue().strip().split(", "))}
    # Arm??e de l'Air; the three mangled locations; the 13 Māhia and 3 Alcântara launches that both files held.
    assert {key: counts[key] for key in ("organisations", "rockets", "pads", "duplicates")} == {
        "organisations": 1,
        "rockets": 0,
        "pads": 3,
        "duplicates": 16,
    }
    names = [
        *Organisation.objects.values_list("name", flat=True),
        *Pad.objects.values_list("location", flat=True),
        *LaunchSite.objects.values_list("name", flat=True),
        *Launch.objects.values_list("mission", flat=True),
    ]
    assert [name for name in names if is_mangled(name) and name != "Jilin-1 Mofang-01A (?)"] == []
    assert Launch.objects.count() == len(fresh)
    # Re-importing the newer file finds every launch and brings back its values.
    summary = launches_import(source=str(space_missions_csv))
    assert summary.created == 0
    assert _launches() == fresh
