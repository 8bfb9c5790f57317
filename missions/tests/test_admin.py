"""The admin: every list answers with the imported data, in a number of queries that does not grow with the page."""

import pytest
from django.urls import reverse

from missions.models import ImportRun, Launch, Organisation
from testsupport.reference import launch_frame, launch_rows

pytestmark = pytest.mark.usefixtures("launch_data")


@pytest.mark.parametrize("model", ["launch", "organisation", "rocket", "pad", "launchsite", "importrun"])
def test_every_changelist_answers(admin_client, model):
    response = admin_client.get(reverse(f"admin:missions_{model}_changelist"))

    assert response.status_code == 200


def test_launch_list_queries_do_not_grow_with_the_page(admin_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:missions_launch_changelist"), {"o": "-1"})
    assert len(response.context["cl"].result_list) == 100


def test_launch_filters_and_search_match_pandas(admin_client, launch_data):
    frame = launch_frame(launch_data)
    expected = frame[(frame["Organisation"] == "SpaceX") & (frame["year"] == 2019)]
    url = reverse("admin:missions_launch_changelist")

    spacex = Organisation.objects.get(name="SpaceX")
    by_year = admin_client.get(url, {"year": "2019", "organisation__id__exact": spacex.pk})
    searched = admin_client.get(url, {"q": "Starlink"})

    assert by_year.context["cl"].result_count == len(expected)
    starlink = frame["mission"].str.contains("Starlink", regex=False)
    assert searched.context["cl"].result_count == starlink.sum() > 0


def test_organisation_list_shows_launch_counts(admin_client, launch_data):
    response = admin_client.get(reverse("admin:missions_organisation_changelist"), {"q": "RVSN USSR"})

    (row,) = response.context["cl"].result_list
    frame = launch_rows(launch_data)
    assert (
        row.launch_count
        == (frame["Organisation"] == "RVSN USSR").sum()
        == Launch.objects.filter(organisation__name="RVSN USSR").count()
    )


def test_import_runs_are_read_only(admin_client):
    run = ImportRun.objects.latest("pk")
    url = reverse("admin:missions_importrun_change", args=[run.pk])

    response = admin_client.post(url, {"source": "changed"})

    assert response.status_code == 403
    run.refresh_from_db()
    assert run.source != "changed"


def test_a_launch_added_here_is_found_by_the_next_import_of_it(admin_client, few_launches):
    from missions.services import launches_import

    launch = Launch.objects.order_by("launched_at").first()
    fields = {
        "organisation": launch.organisation_id,
        "rocket": launch.rocket_id,
        "pad": launch.pad_id,
        "mission": launch.mission,
        "launched_at_0": launch.launched_at.strftime("%Y-%m-%d"),
        "launched_at_1": launch.launched_at.strftime("%H:%M:%S"),
        "time_precision": launch.time_precision,
        "price": "" if launch.price is None else str(launch.price),
        "mission_status": launch.mission_status,
    }
    launch.delete()

    response = admin_client.post(reverse("admin:missions_launch_add"), fields)

    assert response.status_code == 302, response.content.decode()[:2000]
    added = Launch.objects.get(mission=fields["mission"])
    assert added.file_launched_at == added.launched_at
    run = launches_import(source=str(few_launches))
    assert (run.created, run.unchanged) == (0, 5)
    assert Launch.objects.filter(mission=fields["mission"]).count() == 1
