"""The job admin: deleting a job there deletes it as the API does."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from analysis.models import Job, JobListVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def job_with_file(media) -> Job:
    """A finished job with one stored artefact."""
    name = default_storage.save("jobs/result.csv", ContentFile(b"a,b\n"))
    return Job.objects.create(analysis="organisations", params={}, params_key="k", artefacts={"csv": name})


def test_a_job_deleted_in_the_admin_takes_its_files_and_moves_the_job_list_on(admin_client, job_with_file):
    version = JobListVersion.current()

    response = admin_client.post(reverse("admin:analysis_job_delete", args=[job_with_file.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Job.objects.exists()
    assert not default_storage.exists(job_with_file.artefacts["csv"])
    assert JobListVersion.current() != version


def test_jobs_deleted_in_bulk_in_the_admin_take_their_files(admin_client, job_with_file):
    other = Job.objects.create(analysis="organisations", params={}, params_key="other")
    version = JobListVersion.current()

    response = admin_client.post(
        reverse("admin:analysis_job_changelist"),
        {"action": "delete_selected", "_selected_action": [job_with_file.pk, other.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Job.objects.exists()
    assert not default_storage.exists(job_with_file.artefacts["csv"])
    assert JobListVersion.current() != version


def test_a_jobs_page_links_its_files_instead_of_naming_their_storage_paths(admin_client, media):
    job = Job.objects.create(
        analysis="launch_site_map",
        params={},
        params_key="k",
        artefacts={"html": "jobs/x/map.html", "png": "jobs/x/map.png", "geojson": "jobs/x/map.geojson"},
    )

    html = admin_client.get(reverse("admin:analysis_job_change", args=[job.pk])).content.decode()

    result = f"/api/jobs/{job.pk}/result/"
    assert f'<a href="{result}?format=html">Map (HTML)</a>' in html
    assert f'<a href="{result}?format=png">Map (PNG)</a>' in html
    assert f'<a href="{result}?format=geojson">GeoJSON</a>' in html
    assert "jobs/x/map" not in html
