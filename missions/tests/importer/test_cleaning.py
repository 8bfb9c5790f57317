"""Cleaning launch rows: dates, prices and details as the data README describes them, and the rows rejected."""

from decimal import Decimal

import pytest

from missions.models import Launch, Pad
from missions.services import ImportFailed, launches_import

from ..launch_files import GOOD, HEADER, NEW, write


def test_import_parses_dates_prices_and_details_as_the_data_readme_describes(empty_launches, mission_launches_csv):
    launches_import(source=str(mission_launches_csv))

    newest = Launch.objects.select_related("rocket", "organisation", "pad").get(mission="Starlink V1 L9 & BlackSky")
    assert (newest.rocket.name, newest.organisation.name) == ("Falcon 9 Block 5", "SpaceX")
    assert newest.launched_at.isoformat() == "2020-08-07T05:12:00+00:00"
    assert (newest.time_precision, newest.price) == ("minute", Decimal("50.00"))
    day_only = Launch.objects.filter(time_precision="day")
    assert day_only.count() == 126
    assert Launch.objects.filter(price=Decimal("5000.00")).count() == 2  # "5,000.0", Energiya
    assert Launch.objects.filter(price=Decimal("1160.00")).count() == 13  # "1,160.0", Saturn V
    assert Launch.objects.filter(price__isnull=True).count() == 4323 - 963  # blank prices are null, never 0
    pad = Pad.objects.select_related("site").get(location="LC-39A, Kennedy Space Center, Florida, USA")
    assert (pad.name, pad.site.name, pad.region, pad.country) == ("LC-39A", "Kennedy Space Center", "Florida", "USA")


def test_a_year_outside_the_space_age_is_rejected(empty_launches, tmp_path):
    path = write(tmp_path, "year.csv", HEADER + GOOD.replace("2020", "0000") + NEW)

    with pytest.raises(ImportFailed) as failure:
        launches_import(source=str(path))

    assert failure.value.errors == [f"{path}:2: date: is not between 1900 and 2100: 'Fri Aug 07, 0000 05:12 UTC'"]
