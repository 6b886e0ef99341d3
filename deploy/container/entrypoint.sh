#!/bin/sh
# The image's commands: web | worker | scheduler | setup | any `harken` command.
set -eu

# Until the database answers (HARKEN_WAIT_FOR_DATABASE seconds, default 60): compose engines
# that ignore `depends_on: condition` start everything at once.
wait_for_database() {
  python3 - <<'PY'
import os, sys, time
import django
django.setup()
from django.db import connection
deadline = time.monotonic() + float(os.environ.get("HARKEN_WAIT_FOR_DATABASE", "60"))
while True:
    try:
        connection.ensure_connection()
        break
    except Exception as exc:
        if time.monotonic() > deadline:
            sys.exit(f"the database did not answer: {type(exc).__name__}")
        time.sleep(1)
PY
}

# Until every migration is applied (by setup), for the processes started beside it.
wait_for_migrations() {
  python3 - <<'PY'
import os, sys, time
import django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
deadline = time.monotonic() + float(os.environ.get("HARKEN_WAIT_FOR_DATABASE", "60")) + 300
while True:
    try:
        executor = MigrationExecutor(connection)
        if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
            break
    except Exception:
        pass
    if time.monotonic() > deadline:
        sys.exit("migrations are not applied: run the image's setup command")
    time.sleep(2)
PY
}

case "${1:-web}" in
  web|worker|scheduler)
    wait_for_database
    [ "${HARKEN_MIGRATE_ON_START:-0}" = "1" ] || wait_for_migrations
    ;;
  setup)
    wait_for_database
    ;;
esac

case "${1:-web}" in
  web)
    # Request figures of every gunicorn worker are added up from files here (prometheus_client).
    rm -rf "${PROMETHEUS_MULTIPROC_DIR:?}"/* 2>/dev/null || true
    if [ "${HARKEN_MIGRATE_ON_START:-0}" = "1" ]; then
      harken migrate --noinput
    fi
    exec gunicorn config.wsgi --config python:config.gunicorn
    ;;
  worker)
    exec harken db_worker --no-reload --interval "${HARKEN_WORKER_INTERVAL:-1}"
    ;;
  scheduler)
    # Every node may run this: each command is safe to run on several at once
    # (docs/scaling.md). Times are the container's clock (UTC unless TZ is set).
    harken run-scheduled || true
    while true; do
      minute=$(date +%M)
      case "$minute" in
        00) harken run-scheduled || true ;;
        30) harken clear-abandoned-uploads || true ;;
      esac
      case "$minute" in
        *0|*5) harken send-pending-messages || true ;;
      esac
      if [ "$(date +%H%M)" = "0315" ]; then
        harken prune-document-files || true
      fi
      sleep $((60 - $(date +%S | sed 's/^0//')))
    done
    ;;
  setup)
    # Once, before the others start: the database's tables, then demo records if asked.
    harken migrate --noinput
    if [ "${HARKEN_DEMO_DATA:-0}" = "1" ]; then
      harken demo-data --if-empty
    fi
    ;;
  *)
    exec harken "$@"
    ;;
esac
