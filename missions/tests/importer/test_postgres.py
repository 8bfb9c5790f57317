"""PostgreSQL's paths of the importer: the bulk load into an empty table."""

import pytest
from django.db import connection

from missions.models import Launch
from missions.services import launches_import


@pytest.mark.usefixtures("empty_launches", "postgres")
def test_a_load_into_an_empty_table_restores_its_indexes_and_constraints(mission_launches_csv):
    with connection.cursor() as cursor:
        before = connection.introspection.get_constraints(cursor, "missions_launch")

    summary = launches_import(source=str(mission_launches_csv))

    with connection.cursor() as cursor:
        after = connection.introspection.get_constraints(cursor, "missions_launch")
    assert summary.created == Launch.objects.count() == 4323
    assert after == before
