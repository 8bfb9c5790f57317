#!/bin/sh
# Entry point of the image: `web` (gunicorn, the default), `worker` (an RQ worker on the job queues) or `release`
# (apply migrations, then import the default dataset); any other command runs as given. Extra arguments go to
# gunicorn or rqworker. The deployment tests start the web and worker processes through this same script.
set -eu
cd "$(dirname "$0")/.."
command="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$command" in
  web) exec gunicorn --config docker/gunicorn.conf.py "$@" ;;
  worker) exec python manage.py rqworker analysis default "$@" ;;
  # Migrations may rewrite large tables: no statement timeout for them.
  release) DB_STATEMENT_TIMEOUT=0 python manage.py migrate --noinput && exec python manage.py import_launches "$@" ;;
  *) exec "$command" "$@" ;;
esac
