"""The data steps of the launch migrations."""

import importlib
import uuid

import pytest
from django.apps import apps
from django.db.models import F

from missions.models import Launch

pytestmark = pytest.mark.django_db


def test_the_file_time_of_each_file_launch_is_its_time_and_a_launch_only_ll2_knows_has_none(few_launches):
    migration = importlib.import_module("missions.migrations.0005_launch_file_time")
    ll2_only = Launch.objects.order_by("launched_at").first()
    Launch.objects.filter(pk=ll2_only.pk).update(from_file=False, ll2_id=uuid.uuid4())
    Launch.objects.update(file_launched_at=None)

    migration.file_times_fill(apps, None)

    assert Launch.objects.filter(file_launched_at=F("launched_at")).count() == 4
    assert list(Launch.objects.filter(file_launched_at__isnull=True).values_list("pk", flat=True)) == [ll2_only.pk]
