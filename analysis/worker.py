"""The RQ worker of the analysis queues: each job runs in the worker's own process, kept alive by a heartbeat."""

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connections
from django.db.backends.signals import connection_created
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq.job import Job as QueueJob
from rq.queue import Queue
from rq.worker import SimpleWorker, WorkerStatus

from analysis.services import jobs_reconcile

logger = logging.getLogger(__name__)


def job_statement_timeout(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give each new PostgreSQL connection of a worker the jobs' statement timeout, longer than a request's."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [f"{settings.JOB_STATEMENT_TIMEOUT}s"])


def connections_refresh() -> None:
    """Close the database connections that are too old or broken, so that the next job opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
        # A server restarted since the last job leaves a connection that only a query finds dead. The health check
        # (CONN_HEALTH_CHECKS, on in every settings) runs here, before the job is taken into work, and stands for the
        # one that the job's first query would run.
        connection.close_if_health_check_failed()


def database_wait(progress: Callable[[], None]) -> None:
    """Block until the database takes a connection, calling ``progress`` while waiting.

    A job that cannot reach the database fails without having run; waiting lets it run once the database is back.
    """
    pause = 0.25
    while True:
        connections_refresh()
        try:
            connections[DEFAULT_DB_ALIAS].ensure_connection()
            return
        except OperationalError as error:
            logger.warning("The database is unreachable (%s); waiting for it", error)
            progress()
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


class AnalysisWorker(SimpleWorker):
    """Runs jobs without forking, so a job costs no fork, no Django set-up and no new database connection.

    A job dies with its worker (there is no work-horse to outlive it), keeps RQ's job timeout (SIGALRM in this
    process) and its failure handling, and a thread heartbeats every ANALYSIS_WORKER_HEARTBEAT seconds so that
    a dead worker's job is seen from any host within ANALYSIS_WORKER_DEAD_AFTER seconds.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._beating = threading.Event()
        self._running: tuple[QueueJob, Any] | None = None
        # When the main loop last showed progress (dequeue heartbeats, jobs): the liveness file is kept fresh only
        # while it moves.
        self._progress_at = time.monotonic()

    def work(self, *args: Any, **kwargs: Any) -> bool:
        """Work the queues with the heartbeat thread and the jobs' statement timeout."""
        connection_created.connect(job_statement_timeout, dispatch_uid="analysis-job-statement-timeout")
        beat = threading.Thread(target=self._beat, name="heartbeat", daemon=True)
        beat.start()
        try:
            return super().work(*args, **kwargs)
        finally:
            self._beating.set()

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        """RQ's heartbeat; from the main thread it also records that the work loop is moving."""
        if threading.current_thread() is not threading.main_thread() or pipeline is not None:
            super().heartbeat(timeout, pipeline)
            return
        self._progress()
        self._redis_patient(self._heartbeat_pipelined, timeout)

    def _heartbeat_pipelined(self, timeout: int | None) -> None:
        """RQ's heartbeat in one round trip to Redis rather than three: it comes twice between two jobs."""
        with self.connection.pipeline() as pipeline:
            super().heartbeat(timeout, pipeline)
            pipeline.execute()

    # RQ's work loop quits on a Redis error outside its dequeue; these steps wait for Redis to come back instead.
    def check_for_suspension(self, burst: bool) -> None:
        self._redis_patient(super().check_for_suspension, burst)

    def run_maintenance_tasks(self) -> None:
        self._redis_patient(super().run_maintenance_tasks)

    def dequeue_job_and_maintain_ttl(self, timeout: int | None, max_idle_time: int | None = None) -> Any:
        return self._redis_patient(super().dequeue_job_and_maintain_ttl, timeout, max_idle_time)

    def _redis_patient(self, step: Any, *args: Any) -> Any:
        """Run a step of the work loop, waiting for Redis and trying again as long as Redis is unreachable."""
        while True:
            try:
                return step(*args)
            except (RedisConnectionError, RedisTimeoutError) as error:
                logger.warning("Redis is unreachable (%s); waiting for it", error)
                self._redis_wait()

    def execute_job(self, job: QueueJob, queue: Queue) -> None:
        """Run one job here once the database answers; if Redis drops during its bookkeeping, wait for Redis instead
        of quitting."""
        database_wait(self._progress)
        self._progress()
        try:
            self._running = (job, self.prepare_execution(job))
            self.perform_job(job, queue, self._running[1])
            self.set_state(WorkerStatus.IDLE)
        except (RedisConnectionError, RedisTimeoutError) as error:
            # The job's outcome is in the database already; RQ's record of it is reconciled once Redis is back.
            logger.warning("Redis dropped while running job %s (%s); waiting for it", job.id, error)
            self._redis_wait()
        finally:
            self._running = None
            self._progress()

    def _progress(self) -> None:
        """Record that the work loop is moving: waiting for a server is no hang, so the liveness check holds."""
        self._progress_at = time.monotonic()

    def _redis_wait(self) -> None:
        """Block until Redis answers again, backing off up to ten seconds between tries."""
        pause = 0.5
        while True:
            self._progress()
            try:
                self.connection.ping()
                self.executions.clear()
                self._jobs_reconcile()
                return
            except RedisError:
                time.sleep(pause)
                pause = min(pause * 2, 10.0)

    @staticmethod
    def _jobs_reconcile() -> None:
        """Once Redis is back, queue again the jobs that a worker took but did not start, and fail the lost ones."""
        try:
            jobs_reconcile()
        except DatabaseError as error:
            logger.warning("Could not reconcile the jobs after Redis came back: %s", error)

    def _beat(self) -> None:
        """Heartbeat the worker and its running job to Redis, and keep the liveness file fresh."""
        interval = settings.ANALYSIS_WORKER_HEARTBEAT
        while not self._beating.wait(interval):
            running = self._running
            try:
                if running is not None:
                    self.maintain_heartbeats(*running)
                else:
                    super().heartbeat()
            except RedisError as error:
                logger.debug("Heartbeat failed: %s", error)
            if self._alive():
                self._liveness_touch()

    def _alive(self) -> bool:
        """Whether the work loop is moving: a job within its timeout, or dequeues no further apart than RQ's."""
        running = self._running
        limit = self.dequeue_timeout + self.connection_timeout + 2 * settings.ANALYSIS_WORKER_HEARTBEAT
        if running is not None:
            limit += (running[0].timeout or settings.RQ_JOB_TIMEOUT) + 60
        return time.monotonic() - self._progress_at < limit

    @staticmethod
    def _liveness_touch() -> None:
        """Touch the file that the container's liveness probe checks, when one is configured."""
        if settings.ANALYSIS_WORKER_ALIVE_FILE:
            Path(settings.ANALYSIS_WORKER_ALIVE_FILE).touch()
