"""The original service's job routes at the root path, called as its README calls them with curl."""

import pytest

from analysis.models import Job, JobStatus
from conftest import real_file_only
from original.jobs import route_parse

pytestmark = pytest.mark.django_db

VALID_ROUTES = (
    "get_rockets_by_org-<ORG>, total_cost_by_org-<ORG>, map_of_launches, list_all_active_rockets, data, get_orgs"
)


@pytest.fixture
def post(client, analysis_queue, django_capture_on_commit_callbacks):
    """``curl -X POST localhost:PORT/jobs/<route>``, with the enqueue on commit carried out."""

    def call(path: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path)

    return call


@pytest.mark.parametrize(
    ("route", "analysis", "params"),
    [
        ("get_rockets_by_org-SpaceX", "rockets_by_organisation", {"organisation": "SpaceX"}),
        ("'get_rockets_by_org-SpaceX'", "rockets_by_organisation", {"organisation": "SpaceX"}),
        ("%27total_cost_by_org-SpaceX%27", "total_cost_by_organisation", {"organisation": "SpaceX"}),
        ("total_cost_by_org-RVSN_USSR", "total_cost_by_organisation", {"organisation": "RVSN USSR"}),
        ("get_rockets_by_org-OKB-586", "rockets_by_organisation", {"organisation": "OKB-586"}),
        ('"get_rockets_by_org-i-Space"', "rockets_by_organisation", {"organisation": "i-Space"}),
        ("list_all_active_rockets", "active_rockets", {}),
        ("data", "launches", {}),
        ("get_orgs", "organisations", {}),
    ],
)
def test_route_strings_name_an_analysis_and_its_parameters(route, analysis, params):
    assert route_parse(route) == (analysis, params)


def test_post_a_route_then_get_the_job_by_its_id(few_launches, client, post, analysis_queue, work):
    submitted = post("/jobs/'get_rockets_by_org-SpaceX'")

    assert submitted.status_code == 202
    assert type(submitted["Location"]) is str  # WSGI servers refuse str subclasses in headers
    body = submitted.json()
    assert (body["route"], body["analysis"], body["status"]) == (
        "get_rockets_by_org-SpaceX",
        "rockets_by_organisation",
        "queued",
    )
    work(analysis_queue)
    job = client.get(f"/jobs/{body['id']}").json()
    assert job["status"] == "finished"
    assert job["result"] == [
        {
            "status": "retired",
            "rocket": "Falcon 1",
            "launch_count": 1,
            "first_launch": "2008-03-24T21:30:00Z",
            "last_launch": "2008-03-24T21:30:00Z",
        },
        {
            "status": "active",
            "rocket": "Falcon 9 Block 5",
            "launch_count": 2,
            "first_launch": "2017-06-13T10:00:00Z",
            "last_launch": "2020-08-07T05:12:00Z",
        },
    ]
    assert client.get(f"/jobs/'{body['id']}'").json()["id"] == body["id"]


def test_total_cost_of_an_organisation_with_a_dash_and_unpriced_launches(
    few_launches, client, post, analysis_queue, work
):
    job_id = post("/jobs/total_cost_by_org-OKB-586").json()["id"]
    work(analysis_queue)

    assert client.get(f"/jobs/{job_id}").json()["result"] == {
        "organisation": "OKB-586",
        "launch_count": 1,
        "priced_launch_count": 0,
        "total_price": None,
        "mean_price": None,
        "median_price": None,
    }


@real_file_only
def test_underscores_stand_for_spaces_on_the_real_data(launch_data, client, post, analysis_queue, work):
    job_id = post("/jobs/'total_cost_by_org-RVSN_USSR'").json()["id"]
    work(analysis_queue)

    result = client.get(f"/jobs/{job_id}").json()["result"]
    assert (result["organisation"], result["launch_count"], result["priced_launch_count"]) == ("RVSN USSR", 1777, 2)
    assert result["total_price"] == 10000.0


def test_unknown_route_answers_400_listing_the_valid_ones(few_launches, post):
    response = post("/jobs/'get_planets'")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {"route": [f"Unknown route 'get_planets'; valid routes: {VALID_ROUTES}."]},
    }
    assert Job.objects.count() == 0


@pytest.mark.parametrize(
    ("route", "errors"),
    [
        (
            "get_rockets_by_org",
            {"route": ["The route get_rockets_by_org needs an organisation: get_rockets_by_org-<ORG>."]},
        ),
        ("get_orgs-SpaceX", {"route": ["The route get_orgs takes no argument after '-'."]}),
        ("get_rockets_by_org-Acme", {"params.organisation": ["Unknown organisation 'Acme'."]}),
    ],
)
def test_route_mistakes_answer_400(few_launches, post, route, errors):
    response = post(f"/jobs/{route}")

    assert (response.status_code, response.json()["errors"]) == (400, errors)
    assert Job.objects.count() == 0


def test_map_of_launches_is_a_valid_route_answered_by_the_launch_site_map(few_launches, post):
    response = post("/jobs/map_of_launches")

    assert (response.status_code, response.json()["analysis"]) == (202, "launch_site_map")


def test_unknown_job_id_answers_404(client):
    assert client.get("/jobs/5b3a4f5e-0000-4000-8000-000000000000").status_code == 404
    assert client.get("/jobs/not-a-job").json() == {"detail": "No job with id 'not-a-job'.", "errors": {}}


def test_get_jobs_lists_the_newest_jobs(client):
    jobs = [Job.objects.create(analysis="organisations", params={}, params_key="k") for _ in range(3)]

    listed = client.get("/jobs").json()

    assert [job["id"] for job in listed] == [str(job.pk) for job in reversed(jobs)]
    assert len(client.get("/jobs?limit=2").json()) == 2
    assert client.get("/jobs?limit=0").json()["errors"] == {"limit": ["Must be at least 1."]}


def test_get_jobs_answers_from_the_cache_until_a_job_changes(client, staff_client, django_assert_num_queries):
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    first = client.get("/jobs").json()

    with django_assert_num_queries(1) as queries:  # the job list version only, not the jobs
        assert client.get("/jobs").json() == first
    assert "joblistversion" in queries.captured_queries[0]["sql"]
    job.mark_started(data_version=1)
    started = client.get("/jobs").json()
    job.mark_finished(result=[])
    finished = client.get("/jobs").json()
    staff_client.delete(f"/api/jobs/{job.pk}/")

    assert [(row["status"], row["finished_at"] is None) for row in first] == [("queued", True)]
    assert [(row["status"], row["finished_at"] is None) for row in started] == [("started", True)]
    assert [(row["status"], row["finished_at"] is None) for row in finished] == [("finished", False)]
    assert client.get("/jobs").json() == []


def test_get_jobs_caches_each_limit_apart(client):
    for _ in range(3):
        Job.objects.create(analysis="organisations", params={}, params_key="k")

    assert len(client.get("/jobs?limit=2").json()) == 2
    assert len(client.get("/jobs?limit=3").json()) == 3
    assert len(client.get("/jobs?limit=2").json()) == 2


@pytest.mark.parametrize("limit", ["%C2%B2", "%E2%91%A0", "1001", "x"])
def test_get_jobs_refuses_a_limit_that_is_not_a_whole_number_in_range(client, limit):
    response = client.get(f"/jobs?limit={limit}")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["limit"]


def test_delete_jobs_clear_needs_staff(client, staff_client):
    Job.objects.create(analysis="organisations", params={}, params_key="k", status=JobStatus.FINISHED)

    assert client.delete("/jobs/clear").status_code == 401
    assert staff_client.delete("/jobs/clear").json() == {"deleted": 1}
    assert Job.objects.count() == 0
