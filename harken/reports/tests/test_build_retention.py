"""Built report files are deleted a week after they were built (HARKEN_REPORT_BUILD_KEEP_DAYS)
by `harken run-scheduled`; the build's row stays as the record, and its page says what
happened and how to get the figures again."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command

from harken.reports.models import BuildStatus, ReportBuild
from harken.reports.services import builds_remove_old

from .test_builds import FORM, api

pytestmark = pytest.mark.django_db

BUILT_AT = dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def built(sign_in, officer, django_capture_on_commit_callbacks):
    """A JSON file built for the officer at BUILT_AT (tasks run at once in the tests)."""
    with time_machine.travel(BUILT_AT, tick=False):
        client = sign_in(officer)
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/staff/reports/builds/", {**FORM, "fmt": "json"})
    build = ReportBuild.objects.get()
    assert build.status == BuildStatus.BUILT
    assert default_storage.exists(build.storage_name)
    return client, build


def _run_scheduled(when: dt.datetime, capture) -> str:
    out = io.StringIO()
    with time_machine.travel(when, tick=False), capture(execute=True):
        call_command("run_scheduled", stdout=out)
    return out.getvalue()


def test_a_file_is_kept_for_seven_days_then_deleted_and_its_row_kept(
    built, sign_in, officer, django_capture_on_commit_callbacks
):
    _client, build = built
    stored = build.storage_name
    download = f"/staff/reports/builds/{build.pk}/download/"
    capture = django_capture_on_commit_callbacks

    sooner = BUILT_AT + dt.timedelta(days=6, hours=23)
    output = _run_scheduled(sooner, capture)
    assert "Report files" not in output
    with time_machine.travel(sooner, tick=False):
        client = sign_in(officer)
        assert client.get(download).status_code == 200
        page = client.get(f"/staff/reports/builds/{build.pk}/").content.decode()
    assert "The file is kept for 7 days after it was built, then deleted." in page

    later = BUILT_AT + dt.timedelta(days=7, minutes=1)
    output = _run_scheduled(later, capture)
    assert "Report files: 1 built more than 7 days ago removed" in output
    assert not default_storage.exists(stored)
    build.refresh_from_db()
    assert build.status == BuildStatus.REMOVED
    assert build.storage_name == ""
    assert build.removed_at == later
    assert build.file_name  # the record of who built what stays
    assert build.sha256
    assert build.requested_by == officer

    with time_machine.travel(later, tick=False):
        client = sign_in(officer)
        assert client.get(download).status_code == 404
        page = client.get(f"/staff/reports/builds/{build.pk}/").content.decode()
        status = api(officer).get(f"/api/v1/reports/builds/{build.pk}/").json()
    assert "File removed" in page
    assert "was built 28 June 2024 and deleted 5 July 2024" in page
    assert "Download the" not in page
    assert status["status"] == "removed"
    assert status["download_url"] is None
    assert status["removed_at"].startswith("2024-07-05T12:01")

    # Run again: nothing more to do, and the row stays.
    assert builds_remove_old(now=BUILT_AT + dt.timedelta(days=30)) == 0
    assert ReportBuild.objects.filter(pk=build.pk).exists()


def test_how_long_files_are_kept_is_configurable(
    built, settings, django_capture_on_commit_callbacks
):
    _client, build = built
    settings.HARKEN_REPORT_BUILD_KEEP_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        assert builds_remove_old(now=BUILT_AT + dt.timedelta(days=29)) == 0
    assert default_storage.exists(build.storage_name)
    with django_capture_on_commit_callbacks(execute=True):
        assert builds_remove_old(now=BUILT_AT + dt.timedelta(days=30, seconds=1)) == 1
    assert not default_storage.exists(build.storage_name)


def test_builds_without_a_file_are_left_alone(built, officer):
    _client, build = built
    ReportBuild.objects.filter(pk=build.pk).update(status=BuildStatus.FAILED, storage_name="")
    queued = ReportBuild.objects.create(
        requested_by=officer,
        period_start=build.period_start,
        period_end=build.period_end,
        fmt="pdf",
    )
    assert builds_remove_old(now=BUILT_AT + dt.timedelta(days=60)) == 0
    assert ReportBuild.objects.get(pk=build.pk).status == BuildStatus.FAILED
    assert ReportBuild.objects.get(pk=queued.pk).status == BuildStatus.QUEUED
