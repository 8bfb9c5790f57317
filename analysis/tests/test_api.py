"""The analysis catalogue and the job API under /api/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analysis.models import Job
from analysis.registry import ANALYSES

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(client, analysis_queue, django_capture_on_commit_callbacks):
    """POST a job as an anonymous client, with its enqueue-on-commit carried out."""

    def post(payload: dict, query: str = ""):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/api/jobs/{query}", payload, format="json")

    return post


def test_catalogue_lists_every_analysis_with_its_parameters(client):
    response = client.get("/api/analyses/")

    assert response.status_code == 200
    assert [analysis["name"] for analysis in response.json()] == list(ANALYSES)
    success_rates = client.get("/api/analyses/success_rates/").json()
    assert success_rates == {
        "name": "success_rates",
        "description": "Success rate by organisation, rocket, country or year, with a 95% Wilson interval.",
        "formats": ["json", "csv"],
        "params": [
            {
                "name": "group_by",
                "type": "choice",
                "required": False,
                "default": "organisation",
                "choices": ["organisation", "rocket", "country", "year"],
                "help_text": "",
            },
            {
                "name": "partial_failures_as_failures",
                "type": "boolean",
                "required": False,
                "default": True,
                "choices": None,
                "help_text": "Count partial failures as failures (true) or as successes (false).",
            },
        ],
    }
    assert client.get("/api/analyses/launches/").json()["formats"] == ["csv", "json"]
    assert client.get("/api/analyses/horoscope/").status_code == 404


def test_submit_answers_202_with_the_job_address_and_the_worker_computes_it(
    few_launches, client, submit, analysis_queue, work
):
    response = submit({"analysis": "total_cost_by_organisation", "params": {"organisation": "spacex"}})

    assert response.status_code == 202
    job = Job.objects.get()
    assert response["Location"] == f"http://testserver/api/jobs/{job.pk}/"
    assert type(response["Location"]) is str  # WSGI servers refuse str subclasses in headers
    assert response.json()["status"] == "queued"
    assert job.params == {"organisation": "SpaceX"}
    work(analysis_queue)
    detail = client.get(response["Location"]).json()
    assert detail["status"] == "finished"
    assert detail["error"] == ""
    assert detail["result"] == {
        "organisation": "SpaceX",
        "launch_count": 3,
        "priced_launch_count": 2,
        "total_price": 112.0,
        "mean_price": 56.0,
        "median_price": 56.0,
    }
    assert detail["result_urls"] == {
        "json": f"http://testserver/api/jobs/{job.pk}/result/?format=json",
        "csv": f"http://testserver/api/jobs/{job.pk}/result/?format=csv",
    }


def test_the_same_request_on_unchanged_data_answers_the_finished_job_unless_refreshed(
    few_launches, submit, analysis_queue, work
):
    first = submit({"analysis": "success_rates", "params": {"group_by": "country"}})
    work(analysis_queue)

    same = submit(
        {"analysis": "success_rates", "params": {"group_by": "country", "partial_failures_as_failures": True}}
    )
    refreshed = submit({"analysis": "success_rates", "params": {"group_by": "country"}}, "?refresh=true")

    assert (same.status_code, same.json()["id"], same.json()["status"]) == (200, first.json()["id"], "finished")
    assert refreshed.status_code == 202
    assert refreshed.json()["id"] != first.json()["id"]
    assert submit({"analysis": "organisations"}, "?refresh=maybe").json() == {
        "detail": "Invalid input.",
        "errors": {"refresh": ["Must be true or false."]},
    }


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"analysis": "horoscope"},
            {"analysis": ["Unknown analysis 'horoscope'; choose one of " + ", ".join(ANALYSES) + "."]},
        ),
        ({}, {"analysis": ["This field is required."]}),
        (
            {"analysis": "spending", "params": {"group_by": "planet"}},
            {"params.group_by": ["Select a valid choice. planet is not one of the available choices."]},
        ),
        ({"analysis": "spending", "params": {"colour": "red"}}, {"params.colour": ["Unknown parameter."]}),
        ({"analysis": "rockets_by_organisation"}, {"params.organisation": ["This field is required."]}),
        (
            {"analysis": "rockets_by_organisation", "params": {"organisation": "Acme"}},
            {"params.organisation": ["Unknown organisation 'Acme'."]},
        ),
        (
            {"analysis": "launches", "params": {"year_from": 2000, "year_to": 1990}},
            {"params.year_to": ["Must not be before “From year”."]},
        ),
        (
            {"analysis": "organisations", "params": [1]},
            {"params": ['Must be a JSON object of parameters, e.g. {"group_by": "year"}.']},
        ),
    ],
)
def test_bad_requests_answer_400_naming_the_field_and_queue_nothing(
    few_launches, submit, analysis_queue, payload, errors
):
    response = submit(payload)

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": errors}
    assert Job.objects.count() == 0
    assert analysis_queue.count == 0


def test_job_list_is_newest_first_filterable_and_its_query_count_does_not_grow(client, django_assert_num_queries):
    for index in range(30):
        job = Job.objects.create(analysis="organisations" if index % 2 else "spending", params={}, params_key="k")
        if index % 3 == 0:
            job.mark_finished(result=[])
    newest = Job.objects.order_by("-created_at").first()

    with CaptureQueriesContext(connection) as small_page:
        page = client.get("/api/jobs/?page_size=5").json()
    with CaptureQueriesContext(connection) as large_page:
        client.get("/api/jobs/?page_size=30")

    assert len(small_page) == len(large_page) == 2  # the job list version and the page
    assert page["results"][0]["id"] == str(newest.pk)
    assert len(page["results"]) == 5 and page["next"] is not None
    assert set(page["results"][0]) == {
        "id",
        "url",
        "analysis",
        "params",
        "status",
        "data_version",
        "created_at",
        "started_at",
        "finished_at",
    }
    finished = client.get("/api/jobs/?status=finished&analysis=spending&page_size=100").json()["results"]
    assert len(finished) == 5
    assert {(job["status"], job["analysis"]) for job in finished} == {("finished", "spending")}
    assert client.get("/api/jobs/?status=lost").json() == {
        "detail": "Invalid input.",
        "errors": {"status": ["Choose one of queued, started, finished, failed."]},
    }


def test_job_list_answers_from_the_cache_until_a_job_changes(client, staff_client, django_assert_num_queries):
    job = Job.objects.create(analysis="spending", params={}, params_key="k")
    first = client.get("/api/jobs/").json()["results"]

    with django_assert_num_queries(1):  # the job list version only
        assert client.get("/api/jobs/").json()["results"] == first
    job.mark_started(data_version=1)
    started = client.get("/api/jobs/").json()["results"]
    staff_client.delete(f"/api/jobs/{job.pk}/")
    emptied = client.get("/api/jobs/").json()["results"]

    assert [row["status"] for row in first] == ["queued"]
    assert [row["status"] for row in started] == ["started"]
    assert emptied == []


def test_job_list_rows_equal_the_job_list_serializer(client, rf):
    from analysis.api.serializers import JobListSerializer

    job = Job.objects.create(analysis="spending", params={"group_by": "year"}, params_key="k")
    job.mark_started(data_version=3)
    job.mark_finished(result=[])
    Job.objects.create(analysis="organisations", params={}, params_key="k")
    request = rf.get("/api/jobs/")

    listed = client.get("/api/jobs/").json()["results"]

    assert listed == JobListSerializer(Job.objects.all(), many=True, context={"request": request}).data
    assert client.get("/jobs").json() == listed


def test_an_unknown_job_answers_404(client):
    assert client.get("/api/jobs/5b3a4f5e-0000-4000-8000-000000000000/").status_code == 404
    assert client.get("/api/jobs/not-a-uuid/").json() == {"detail": "Not found.", "errors": {}}


def test_tabular_result_as_json_and_csv(few_launches, client, submit, analysis_queue, work):
    job_id = submit({"analysis": "organisations"}).json()["id"]
    work(analysis_queue)

    as_json = client.get(f"/api/jobs/{job_id}/result/")
    as_csv = client.get(f"/api/jobs/{job_id}/result/?format=csv")

    assert as_json["Content-Type"] == "application/json"
    assert as_json.json() == [
        {"organisation": "OKB-586", "launch_count": 1},
        {"organisation": "SpaceX", "launch_count": 3},
        {"organisation": "i-Space", "launch_count": 1},
    ]
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv.content.decode() == "organisation,launch_count\nOKB-586,1\nSpaceX,3\ni-Space,1\n"
    assert client.get(f"/api/jobs/{job_id}/result/?format=xlsx").json() == {
        "detail": "Invalid input.",
        "errors": {"format": ["Choose one of json, csv, png, svg, vega-lite."]},
    }


def test_file_result_is_served_in_each_format(few_launches, client, submit, analysis_queue, media, work):
    job_id = submit({"analysis": "launches", "params": {"organisation": "i-space"}}).json()["id"]
    work(analysis_queue)

    as_csv = client.get(f"/api/jobs/{job_id}/result/?format=csv")
    as_json = client.get(f"/api/jobs/{job_id}/result/?format=json")

    assert as_csv["Content-Type"] == "text/csv"
    assert b"".join(as_csv.streaming_content).decode().splitlines() == [
        "launched_at,time_precision,organisation,location,country,rocket,rocket_status,mission,mission_status,price",
        '2019-07-25T05:00:00+00:00,minute,i-Space,"Site 95, Jiuquan Satellite Launch Center, China",China,'
        "Hyperbola-1,active,CAVSat,Success,",
    ]
    assert as_json["Content-Type"] == "application/json"
    assert [row["mission"] for row in __import__("json").loads(b"".join(as_json.streaming_content))] == ["CAVSat"]


def test_result_of_an_unfinished_or_failed_job_answers_409(client):
    queued = Job.objects.create(analysis="organisations", params={}, params_key="k")
    failed = Job.objects.create(analysis="organisations", params={}, params_key="k")
    failed.mark_failed(error="KeyError: 'x'")

    assert client.get(f"/api/jobs/{failed.pk}/result/").json() == {
        "detail": "The job failed: KeyError: 'x'",
        "errors": {},
    }
    response = client.get(f"/api/jobs/{queued.pk}/result/")
    assert response.status_code == 409
    assert response.json()["detail"] == "The job is queued; its result is not ready yet."


def test_a_failed_jobs_traceback_is_shown_to_staff_only(client, staff_client):
    failed = Job.objects.create(analysis="organisations", params={}, params_key="k")
    failed.mark_failed(error="KeyError: 'x'", traceback="Traceback (most recent call last):\nKeyError: 'x'\n")

    anonymous = client.get(f"/api/jobs/{failed.pk}/").json()
    staff = staff_client.get(f"/api/jobs/{failed.pk}/").json()

    assert "traceback" not in anonymous
    assert staff["traceback"] == "Traceback (most recent call last):\nKeyError: 'x'\n"
    assert staff["error"] == anonymous["error"] == "KeyError: 'x'"


def test_only_staff_delete_jobs(client, staff_client):
    jobs = [Job.objects.create(analysis="organisations", params={}, params_key="k") for _ in range(3)]

    assert client.delete(f"/api/jobs/{jobs[0].pk}/").status_code == 401
    assert client.delete("/api/jobs/clear/").status_code == 401
    assert staff_client.delete(f"/api/jobs/{jobs[0].pk}/").status_code == 204
    assert Job.objects.count() == 2
    cleared = staff_client.delete("/api/jobs/clear/")
    assert (cleared.status_code, cleared.json()) == (200, {"deleted": 2})
    assert Job.objects.count() == 0


def test_job_submission_is_throttled(few_launches, submit, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "job_submit": "2/minute"},
    }

    statuses = [submit({"analysis": "organisations"}, "?refresh=true").status_code for _ in range(3)]

    assert statuses == [202, 202, 429]
    assert Job.objects.count() == 2


def test_the_schema_names_the_job_list_filters_and_their_values(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    parameters = {item["name"]: item["schema"] for item in schema["paths"]["/api/jobs/"]["get"]["parameters"]}

    # An empty value is no filter, as a submitted form sends it.
    assert parameters["status"]["enum"] == ["", "failed", "finished", "queued", "started"]
    assert parameters["analysis"]["enum"] == ["", *sorted(ANALYSES)]
    assert client.get("/api/jobs/?status=&analysis=").status_code == 200
