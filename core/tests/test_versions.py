"""Cached answers on Redis, as the production settings keep them: served without a query, never stale."""

import secrets

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from analysis.models import Job, JobListVersion
from config.settings.base import shared_caches
from core.cache_backends import TolerantRedisCache
from core.versions import COPY_SECONDS


def api_cache(settings, url: str) -> TolerantRedisCache:
    """Make the answer cache a Redis one of this test's own, as every web process of a deployment shares it."""
    settings.CACHES = {**settings.CACHES, "api": {**shared_caches(url)["api"], "KEY_PREFIX": secrets.token_hex(8)}}
    return caches["api"]


@pytest.fixture
def redis_answers(settings, needs_redis) -> TolerantRedisCache:
    """The answer cache on the Redis of REDIS_URL."""
    return api_cache(settings, needs_redis)


def statuses(client, path: str) -> list[str]:
    """The statuses that a job list shows."""
    body = client.get(path).json()
    rows = body["results"] if path.startswith("/api/") else body
    return [row["status"] for row in rows]


def test_with_redis_a_repeated_read_asks_nothing_of_the_database(
    transactional_db, redis_answers, client, django_assert_num_queries
):
    Job.objects.create(analysis="organisations", params={}, params_key="k")
    JobListVersion.bump()
    first = {path: client.get(path).json() for path in ("/jobs", "/api/jobs/")}

    with django_assert_num_queries(0):
        again = {path: client.get(path).json() for path in ("/jobs", "/api/jobs/")}

    assert again == first
    assert [row["status"] for row in first["/jobs"]] == ["queued"]


def test_with_redis_a_job_that_moves_changes_the_job_lists_at_once(transactional_db, redis_answers, client):
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    JobListVersion.bump()
    seen = [(statuses(client, "/jobs"), statuses(client, "/api/jobs/"))]
    job.mark_started(data_version=1)
    seen.append((statuses(client, "/jobs"), statuses(client, "/api/jobs/")))
    job.mark_finished(result=[])
    seen.append((statuses(client, "/jobs"), statuses(client, "/api/jobs/")))

    assert seen == [(["queued"], ["queued"]), (["started"], ["started"]), (["finished"], ["finished"])]


def test_with_redis_a_read_inside_the_changing_transaction_sees_the_change_and_copies_nothing(
    db, redis_answers, client
):
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    JobListVersion.bump()
    assert statuses(client, "/jobs") == ["queued"]

    job.mark_started(data_version=1)  # not committed: the test runs inside one transaction

    assert statuses(client, "/jobs") == ["started"]
    assert redis_answers.get("version:analysis.joblistversion") is None


def test_a_number_read_before_a_commit_never_replaces_the_committed_one(redis_answers):
    redis_answers.set_greater("version:test", 5, COPY_SECONDS)
    redis_answers.set_greater("version:test", 4, COPY_SECONDS)
    assert redis_answers.get("version:test") == 5
    redis_answers.set_greater("version:test", 6, COPY_SECONDS)
    assert redis_answers.get("version:test") == 6


def test_a_copy_of_a_version_expires_so_a_missed_change_cannot_last(redis_answers):
    redis_answers.set_greater("version:test", 5, COPY_SECONDS)
    client = redis_answers._cache.get_client()
    assert 0 < client.pttl(redis_answers.make_key("version:test")) <= COPY_SECONDS * 1000


def test_with_redis_down_the_job_lists_answer_from_the_database(db, settings, client):
    api_cache(settings, "redis://127.0.0.1:9/0")
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    JobListVersion.bump()
    before = (statuses(client, "/jobs"), statuses(client, "/api/jobs/"))
    job.mark_started(data_version=1)

    assert before == (["queued"], ["queued"])
    assert (statuses(client, "/jobs"), statuses(client, "/api/jobs/")) == (["started"], ["started"])


def test_the_first_change_makes_the_counter_and_each_later_one_adds_one(db):
    JobListVersion.objects.all().delete()  # what earlier tests committed
    assert JobListVersion.current() == 0
    JobListVersion.bump()
    JobListVersion.bump()
    assert JobListVersion.objects.get().number == 2


def test_rows_changed_move_the_counter_once_and_rows_left_alone_do_not(db):
    first, second = (Job.objects.create(analysis="organisations", params={}, params_key=key) for key in "ab")
    before = JobListVersion.current()

    with CaptureQueriesContext(connection) as queries:
        changed = JobListVersion.update_rows(Job.objects.filter(pk__in=[first.pk, second.pk]), status="started")
    assert (changed, JobListVersion.current()) == (2, before + 1)
    if connection.vendor == "postgresql":
        assert len(queries) == 1  # the rows and the counter in one statement

    unchanged = JobListVersion.update_rows(Job.objects.filter(pk=first.pk, status="queued"), status="failed")
    assert (unchanged, JobListVersion.current()) == (0, before + 1)
    assert JobListVersion.update_rows(Job.objects.filter(pk__in=[]), status="failed") == 0  # matches nothing
    assert JobListVersion.current() == before + 1
    assert sorted(Job.objects.values_list("status", flat=True)) == ["started", "started"]


def test_a_change_in_a_transaction_that_rolls_back_leaves_the_rows_and_the_counter_as_they_were(transactional_db):
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    before = JobListVersion.current()

    with pytest.raises(RuntimeError), transaction.atomic():
        JobListVersion.update_rows(Job.objects.filter(pk=job.pk), status="started")
        raise RuntimeError("rolled back")

    assert (Job.objects.get().status, JobListVersion.current()) == ("queued", before)


def test_with_redis_a_change_copies_the_new_number_once_committed(transactional_db, redis_answers):
    job = Job.objects.create(analysis="organisations", params={}, params_key="k")
    JobListVersion.bump()
    before = JobListVersion.current()

    with transaction.atomic():
        JobListVersion.update_rows(Job.objects.filter(pk=job.pk), status="started")
        assert redis_answers.get("version:analysis.joblistversion") == before

    assert redis_answers.get("version:analysis.joblistversion") == before + 1


def test_a_row_created_moves_the_counter_in_the_same_transaction(db):
    job = Job(analysis="organisations", params={}, params_key="k")
    before = JobListVersion.current()

    with CaptureQueriesContext(connection) as queries:
        JobListVersion.create_row(job)

    stored = Job.objects.get()
    assert (stored.pk, stored.created_at, stored.status, JobListVersion.current()) == (
        job.pk,
        job.created_at,
        "queued",
        before + 1,
    )
    assert not job._state.adding
    if connection.vendor == "postgresql":
        assert len(queries) == 1  # the row and the counter in one statement
