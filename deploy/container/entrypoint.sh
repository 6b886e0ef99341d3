#!/bin/sh
# The image's commands: web | worker | scheduler | setup | any `harken` command.
set -eu

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
        *0|*5) harken send-pending-confirmations || true ;;
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
