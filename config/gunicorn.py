"""gunicorn's settings for Harken (`gunicorn config.wsgi --config python:config.gunicorn`).

One worker per core, two threads each: a request waits on the database about half its time
(bench/README.md). gunicorn's own access log is off: Harken logs each request as one JSON
line without its address or query string (harken.ops.logs).
"""

from __future__ import annotations

import os
from typing import Any

bind = os.environ.get("HARKEN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
accesslog = None
errorlog = "-"
# No control socket: nothing manages gunicorn at run time, and the image's files are read-only.
control_socket_disable = True
# A worker is replaced after this many requests (with jitter), so memory cannot creep.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Forwarded headers from the proxy in front (HTTPS, client address) are trusted from these.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server: Any, worker: Any) -> None:
    """A worker that stopped leaves its live gauges; prometheus_client drops them."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
