"""Gunicorn settings of the web container: the image's `web` command and the deployment tests both load this file."""

import os
import sys
from pathlib import Path

wsgi_app = "config.wsgi:application"
bind = [f"0.0.0.0:{os.environ.get('PORT', '5000')}"]
# Twice as many processes as a pod's two cores, each with two threads: a gthread worker keeps the connections it
# accepts, and with one process per core a burst of keep-alive connections landing on one process leaves the other
# core idle (under wrk -c16, 2 runs in 6 had every connection on one process: ~730 req/s instead of ~1,850); with
# four processes, no run of 10 left a core idle (1,677-1,812 req/s after the first, warming, run).
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Finish in-flight requests on SIGTERM well inside Kubernetes' default 30-second grace period.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound: rarely (at full speed, every few minutes
# rather than every few seconds) and spread out, so that the workers never restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 2
# Django is set up once in the arbiter and each worker is forked from it: a recycled worker serves at once instead
# of spending seconds importing the project while its share of the requests waits.
preload_app = True
# Worker heartbeats on tmpfs: the container's root filesystem is read-only.
worker_tmp_dir = "/dev/shm"
# Signals are the only control the orchestrator uses; no control socket to write into a read-only home.
control_socket_disable = True
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# The same one-JSON-object-per-line shape as the application's own logs. Gunicorn reads this file before it puts
# the project on the import path, so the project root is added here.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from config.json_logging import json_logging  # noqa: E402

logconfig_dict = json_logging(
    loggers={
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    }
)
