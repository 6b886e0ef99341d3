"""Report files built in the background: a PDF at a million cases takes seconds, which no
web worker should wait on (docs/adr/0210-report-files-built-by-the-task-worker.md)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def build_report_file(build_id: int) -> str:
    build = services.build_run(build_id=build_id)
    return build.status if build else "missing"
