"""The job API under bad, odd and unlucky input: every refusal is a 4xx or 503 in the error shape, never a 500."""

import json

import pytest
from django.db import connection

from analysis.models import Job
from conftest import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def lenient_client(client):
    """The anonymous client, answering a server error with its 500 instead of raising it in the test."""
    client.raise_request_exception = False
    return client


def test_a_json_body_nested_5000_deep_answers_400(lenient_client):
    body = "[" * 5000 + "]" * 5000

    response = lenient_client.post("/api/jobs/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - the body is nested too deeply.", "errors": {}}
    assert Job.objects.count() == 0


def test_form_encoded_params_nested_5000_deep_answer_400(lenient_client):
    params = "[" * 5000 + "]" * 5000

    response = lenient_client.post("/api/jobs/", {"analysis": "spending", "params": params})

    assert response.status_code == 400
    assert response.json()["errors"] == {"params": ["The JSON is nested too deeply."]}


def test_form_encoded_params_reach_the_job(few_launches, client, analysis_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/jobs/", {"analysis": "success_rates", "params": '{"group_by": "year"}'})

    assert response.status_code == 202
    assert Job.objects.get().params == {"group_by": "year", "partial_failures_as_failures": True}


def test_the_browsable_api_job_form_offers_the_request_fields_only(client):
    page = client.get("/api/jobs/", HTTP_ACCEPT="text/html").content.decode()
    form = page[page.index('<form action="/api/jobs/"') :]

    assert 'name="analysis"' in form and 'name="params"' in form
    for server_managed in ("status", "created_at", "started_at", "finished_at", "error", "data_version"):
        assert f'name="{server_managed}"' not in form


def test_the_job_list_page_size_is_capped_like_the_other_lists(client):
    response = client.get("/api/jobs/?page_size=100000")

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": {"page_size": ["Must be at most 1000."]}}
    assert client.get("/api/jobs/?page_size=1000").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_submitting_while_postgresql_is_down_answers_503(postgres, lenient_client):
    real = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())  # nothing listens there: connections are refused
    try:
        response = lenient_client.post("/api/jobs/", {"analysis": "organisations"}, format="json")
    finally:
        connection.close()
        connection.settings_dict.update(real)

    assert response.status_code == 503
    assert response.json() == {
        "detail": "The database is not available right now; try again shortly.",
        "errors": {},
    }
    assert Job.objects.count() == 0


@pytest.mark.parametrize("analysis", ["rockets_by_organisation", "total_cost_by_organisation", "launch_site_map"])
@pytest.mark.parametrize("organisation", ["Space\u0000X", "\ud800"])
def test_an_unwritable_organisation_answers_400(few_launches, lenient_client, analysis, organisation):
    body = json.dumps({"analysis": analysis, "params": {"organisation": organisation}})

    response = lenient_client.post("/api/jobs/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"params.organisation": ["Must not contain NUL characters or lone surrogates."]}


def test_an_unwritable_organisation_in_an_original_route_answers_400(few_launches, lenient_client):
    response = lenient_client.post("/jobs/get_rockets_by_org-Space%00X")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["params.organisation"]


@pytest.mark.parametrize("file_format", ["", "&format=geojson", "&format=png"])
def test_an_unwritable_organisation_on_the_map_answers_400(few_launches, lenient_client, file_format):
    assert lenient_client.get(f"/maps/?organisation=%00{file_format}").status_code == 400


def test_the_browsable_api_is_titled_and_branded_space_mission_analysis_with_the_site_navigation(client):
    html = client.get("/api/", HTTP_ACCEPT="text/html").content.decode()

    assert "<title>Space Mission Analysis API – Space Mission Analysis</title>" in html
    assert '<a class="site-brand" href="/">Space Mission Analysis</a>' in html
    assert "Maps Linking" not in html and "Django REST framework" not in html
    for path in ("/", "/launches/", "/organisations/", "/compare/", "/analyses/", "/maps/", "/api/", "/api/docs/"):
        assert f'<li><a href="{path}"' in html


def test_a_finished_job_whose_file_is_gone_answers_404(client, media):
    job = Job.objects.create(analysis="launch_site_map", params={}, params_key="k")
    job.mark_finished(result={}, artefacts={"png": "analysis/gone/launch_site_map.png"})

    response = client.get(f"/api/jobs/{job.pk}/result/?format=png")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "The job's file is gone; submit the job again with ?refresh=true.",
        "errors": {},
    }
