#!/bin/sh
# Entry point of the image: `web` (gunicorn, the default), `worker` (an RQ worker on the job queues), `worker-alive`
# (the worker's liveness check: its liveness file was touched within a minute) or `release` (apply migrations,
# then import the default dataset); any other command runs as given. Extra arguments go to
# gunicorn or rqworker. The deployment tests start the web and worker processes through this same script.
set -eu
cd "$(dirname "$0")/.."
command="${1:-web}"
alive_file="${ANALYSIS_WORKER_ALIVE_FILE:-/tmp/worker-alive}"
[ "$#" -gt 0 ] && shift
case "$command" in
  web) exec gunicorn --config docker/gunicorn.conf.py "$@" ;;
  worker)
    export ANALYSIS_WORKER_ALIVE_FILE="$alive_file"
    # A 60 s worker TTL: the worker's blocking dequeue returns every 45 s, so a wedged connection shows.
    exec python manage.py rqworker analysis default --worker-ttl 60 "$@" ;;
  worker-alive)
    exec python -c 'import os, sys, time; sys.exit(time.time() - os.stat(sys.argv[1]).st_mtime > 60)' "$alive_file" ;;
  # Migrations may rewrite large tables: no statement timeout for them.
  release) python manage.py migrate --noinput && exec python manage.py import_launches "$@" ;;
  *) exec "$command" "$@" ;;
esac
