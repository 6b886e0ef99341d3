"""Saving reports: the period, the team's text and examples, publishing."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterator
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from harken import access
from harken.accounts.models import User
from harken.cases.models import Case, TimelineEvent
from harken.core.audit import record_audit, record_event
from harken.core.dates import format_date
from harken.core.errors import ApplicationError
from harken.core.models import EventType
from harken.core.storage import save_file
from harken.ops import storage as ops_storage

from .definitions import SECTION_TITLES
from .models import BuildStatus, ReportBuild, ReportEdition, ReportExample
from .periods import Period, PeriodError

Verb = TimelineEvent.Verb
logger = logging.getLogger(__name__)


def can_edit(user: User | None) -> bool:
    return access.may(user, access.Perm.REPORTS_EDIT)


def _ensure_editor(actor: User) -> None:
    if not can_edit(actor):
        raise ApplicationError("Only feedback officers and administrators can change reports.")


def _ensure_draft(edition: ReportEdition) -> None:
    if edition.is_published:
        raise ApplicationError("This report is published: withdraw publication before changing it.")


def _period(start: dt.date | None, end: dt.date | None) -> Period:
    if start is None:
        raise ApplicationError.for_field("start", "Enter the first day of the period.")
    if end is None:
        raise ApplicationError.for_field("end", "Enter the last day of the period.")
    try:
        return Period(start, end)
    except PeriodError as exc:
        raise ApplicationError.for_field("end", str(exc)) from exc


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ApplicationError.for_field("title", "Enter a title for the report.")
    return title[:200]


@transaction.atomic
def edition_create(
    *, actor: User, start: dt.date | None, end: dt.date | None, title: str = ""
) -> ReportEdition:
    """Save a report for a period so the team can add its own text and examples."""
    _ensure_editor(actor)
    period = _period(start, end)
    return ReportEdition.objects.create(
        title=_title(title or f"Complaints and feedback report: {period.label}"),
        period_start=period.start,
        period_end=period.end,
        created_by=actor,
        modified_by=actor,
    )


@transaction.atomic
def edition_update(
    *,
    edition: ReportEdition,
    actor: User,
    title: str,
    highlights: str = "",
    learning: str = "",
    considerations: str = "",
) -> ReportEdition:
    _ensure_editor(actor)
    _ensure_draft(edition)
    edition.title = _title(title)
    edition.highlights = highlights.strip()
    edition.learning = learning.strip()
    edition.considerations = considerations.strip()
    edition.modified_by = actor
    edition.save()
    return edition


@transaction.atomic
def edition_publish(*, edition: ReportEdition, actor: User) -> ReportEdition:
    """Publish: freeze the figures as they are now, so the report reads the same later."""
    from .metrics import build_report
    from .renderers.as_json import snapshot

    _ensure_editor(actor)
    _ensure_draft(edition)
    report = build_report(Period(edition.period_start, edition.period_end), title=edition.title)
    edition.snapshot = snapshot(report)
    edition.published_at = timezone.now()
    edition.published_by = actor
    edition.modified_by = actor
    edition.save()
    return edition


@transaction.atomic
def edition_unpublish(*, edition: ReportEdition, actor: User) -> ReportEdition:
    """Withdraw publication: the figures are computed from the records again."""
    _ensure_editor(actor)
    if not edition.is_published:
        raise ApplicationError("This report is not published.")
    edition.snapshot = None
    edition.published_at = None
    edition.published_by = None
    edition.modified_by = actor
    edition.save()
    return edition


def _case_for(actor: User, reference: str) -> Case | None:
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    case = access.visible_case(actor, reference)
    if case is None:
        raise ApplicationError.for_field(
            "case_reference", f"There is no case {reference} you can see."
        )
    return case


def _clean_example(section: str, text: str) -> tuple[str, str]:
    if section not in SECTION_TITLES:
        raise ApplicationError.for_field("section", "Choose the section the example goes in.")
    text = (text or "").strip()
    if not text:
        raise ApplicationError.for_field("text", "Enter the example as it should appear.")
    return section, text


def _note_on_case(
    case: Case | None, actor: User, edition: ReportEdition, verb: TimelineEvent.Verb
) -> None:
    if case is not None:
        record_event(
            case=case,
            actor=actor,
            verb=verb,
            description=f"Used as an anonymised example in the report '{edition.title}'"
            if verb == Verb.REPORT_EXAMPLE
            else f"No longer an example in the report '{edition.title}'",
        )


@transaction.atomic
def example_add(
    *,
    edition: ReportEdition,
    actor: User,
    section: str,
    text: str,
    heading: str = "",
    case_reference: str = "",
) -> ReportExample:
    """An example in the officer's own words (nothing is copied from the case)."""
    _ensure_editor(actor)
    _ensure_draft(edition)
    section, text = _clean_example(section, text)
    case = _case_for(actor, case_reference)
    example = ReportExample.objects.create(
        edition=edition,
        section=section,
        heading=(heading or "").strip()[:120],
        text=text,
        case=case,
        created_by=actor,
        modified_by=actor,
    )
    _note_on_case(case, actor, edition, Verb.REPORT_EXAMPLE)
    return example


@transaction.atomic
def example_update(
    *,
    example: ReportExample,
    actor: User,
    section: str,
    text: str,
    heading: str = "",
    case_reference: str = "",
) -> ReportExample:
    _ensure_editor(actor)
    _ensure_draft(example.edition)
    section, text = _clean_example(section, text)
    case = _case_for(actor, case_reference)
    if case is None and example.case and not access.can_view_case(actor, example.case):
        # The form did not show them the case (restricted): left blank, it stays linked.
        case = example.case
    if case != example.case:
        _note_on_case(example.case, actor, example.edition, Verb.REPORT_EXAMPLE_REMOVED)
        _note_on_case(case, actor, example.edition, Verb.REPORT_EXAMPLE)
    example.section = section
    example.heading = (heading or "").strip()[:120]
    example.text = text
    example.case = case
    example.modified_by = actor
    example.save()
    return example


@transaction.atomic
def example_remove(*, example: ReportExample, actor: User) -> None:
    _ensure_editor(actor)
    _ensure_draft(example.edition)
    _note_on_case(example.case, actor, example.edition, Verb.REPORT_EXAMPLE_REMOVED)
    example.delete()


# --- Report files built by the task worker ----------------------------------------------------

BUILD_PREFIX = "reports/"
STEP_FIGURES = "Working out the figures"
STEP_FILE = "Drawing the charts and pages"


def _build_label(build: ReportBuild) -> str:
    from .renderers import FORMATS

    return (
        f"{FORMATS[build.fmt].label} of the {build.edition} report, "
        f"{format_date(build.period_start)} to {format_date(build.period_end)}"
    )


def _enqueue_build(build_id: int) -> None:
    from .tasks import build_report_file

    build_report_file.enqueue(build_id)


@transaction.atomic
def build_request(
    *,
    actor: User,
    start: dt.date | None,
    end: dt.date | None,
    fmt: str,
    edition: str = "internal",
    saved: ReportEdition | None = None,
) -> ReportBuild:
    """Queue a report file to be built by the task worker; the build is its requester's."""
    from . import selectors
    from .renderers import FORMATS

    selectors.ensure_can_see_reports(actor)
    if fmt not in FORMATS:
        raise ApplicationError.for_field(
            "format", "Choose the file's format: " + ", ".join(FORMATS) + "."
        )
    if edition not in selectors.EDITIONS:
        raise ApplicationError.for_field("edition", "Choose internal or published.")
    if saved is not None:
        start, end = saved.period_start, saved.period_end
    period = _period(start, end)
    build = ReportBuild.objects.create(
        requested_by=actor,
        period_start=period.start,
        period_end=period.end,
        edition=edition,
        saved=saved,
        fmt=fmt,
        created_by=actor,
        modified_by=actor,
    )
    record_audit(
        event_type=EventType.REPORT_BUILD_REQUESTED,
        actor=actor,
        description=f"Report build {build.pk} requested: {_build_label(build)}",
    )
    transaction.on_commit(partial(_enqueue_build, build.pk), robust=True)
    return build


def _set(build_id: int, **fields: object) -> int:
    return ReportBuild.objects.filter(pk=build_id).update(modified_at=timezone.now(), **fields)


def build_run(*, build_id: int) -> ReportBuild | None:
    """Build the file (the task's body). Each step is committed as it starts, so the progress
    page shows it; a failure is kept on the build, with its retry, never half a file. A build
    already built is left as it is (a task run twice builds once)."""
    from . import selectors
    from .periods import Period
    from .renderers import FORMATS, file_name
    from .renderers import render as render_report

    claimed = ReportBuild.objects.filter(
        pk=build_id, status__in=[BuildStatus.QUEUED, BuildStatus.RUNNING]
    ).update(
        status=BuildStatus.RUNNING,
        step=STEP_FIGURES,
        started_at=timezone.now(),
        modified_at=timezone.now(),
    )
    build = ReportBuild.objects.select_related("requested_by", "saved").filter(pk=build_id).first()
    if not claimed or build is None:
        return build
    try:
        user = build.requested_by
        if build.saved is not None:
            report = selectors.report_for_edition(
                user=user, saved=build.saved, edition=build.edition
            )
        else:
            report = selectors.report_for_period(
                user=user,
                period=Period(build.period_start, build.period_end),
                edition=build.edition,
            )
        _set(build_id, step=STEP_FILE)
        body, fmt = render_report(report, build.fmt)
        with transaction.atomic():
            name = save_file(
                default_storage,
                f"{BUILD_PREFIX}{uuid.uuid4().hex}.{FORMATS[build.fmt].extension}",
                ContentFile(body),
                message="The report could not be stored. Try again later.",
            )
            _set(
                build_id,
                status=BuildStatus.BUILT,
                step="",
                error="",
                storage_name=name,
                file_name=file_name(report, fmt),
                size=len(body),
                sha256=hashlib.sha256(body).hexdigest(),
                finished_at=timezone.now(),
            )
    except Exception as exc:  # a failed build is shown as failed, with its retry
        message = exc.message if isinstance(exc, ApplicationError) else ""
        # The exception's type only: its text could quote a record.
        logger.error("Report build %s failed: %s", build_id, type(exc).__name__)
        _set(
            build_id,
            status=BuildStatus.FAILED,
            step="",
            error=(message or "Something went wrong while building the report.")[:300],
            finished_at=timezone.now(),
        )
    build.refresh_from_db()
    return build


def _ensure_own(build: ReportBuild, actor: User) -> None:
    from . import selectors

    selectors.ensure_can_see_reports(actor)
    if build.requested_by_id != actor.pk:
        raise ApplicationError("This report was built for someone else.")


@transaction.atomic
def build_retry(*, build: ReportBuild, actor: User) -> ReportBuild:
    """Queue a failed build again."""
    _ensure_own(build, actor)
    build = ReportBuild.objects.select_for_update().get(pk=build.pk)
    if build.status != BuildStatus.FAILED:
        raise ApplicationError("Only a build that failed can be tried again.")
    build.status = BuildStatus.QUEUED
    build.error = ""
    build.step = ""
    build.finished_at = None
    build.modified_by = actor
    build.save()
    transaction.on_commit(partial(_enqueue_build, build.pk), robust=True)
    return build


@transaction.atomic
def build_file(*, build: ReportBuild, actor: User) -> Iterator[bytes]:
    """The built file's bytes (decrypted as read); the download is in the audit trail."""
    _ensure_own(build, actor)
    if build.status == BuildStatus.REMOVED:
        raise ApplicationError(
            f"This file was removed {build_keep_days()} days after it was built. "
            "Build the report again."
        )
    if build.status != BuildStatus.BUILT or not build.storage_name:
        raise ApplicationError("This report has not been built yet.")
    chunks = ops_storage.stream(build.storage_name)
    record_audit(
        event_type=EventType.REPORT_BUILD_DOWNLOADED,
        actor=actor,
        description=f"Report build {build.pk} downloaded: {_build_label(build)}",
    )
    return chunks


def build_keep_days() -> int:
    """How many days a built report file is kept (HARKEN_REPORT_BUILD_KEEP_DAYS, default 7)."""
    return max(0, int(getattr(settings, "HARKEN_REPORT_BUILD_KEEP_DAYS", 7)))


def _delete_stored(name: str, build_id: int) -> None:
    try:
        default_storage.delete(name)
    except Exception as exc:  # the row says removed; the file left behind is logged by number
        logger.error(
            "Report build %s: its file could not be deleted: %s", build_id, type(exc).__name__
        )


def builds_remove_old(*, now: dt.datetime | None = None) -> int:
    """Delete the files of report builds that finished more than `build_keep_days()` ago (the
    part of `harken run-scheduled` for ADR 0210's builds). Each build's row stays, marked
    removed with the time, as the record of who built what; its download then says the file
    was removed. Returns how many files were removed. Safe on several nodes: each build is
    locked and checked again before it is changed, and its file deleted once that is committed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=build_keep_days())
    due = list(
        ReportBuild.objects.filter(status=BuildStatus.BUILT, finished_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    removed = 0
    for build_id in due:
        with transaction.atomic():
            build = (
                ReportBuild.objects.select_for_update()
                .filter(pk=build_id, status=BuildStatus.BUILT)
                .first()
            )
            if build is None:
                continue
            name = build.storage_name
            build.status = BuildStatus.REMOVED
            build.storage_name = ""
            build.removed_at = now
            build.save(update_fields=["status", "storage_name", "removed_at", "modified_at"])
            if name:
                transaction.on_commit(partial(_delete_stored, name, build_id), robust=True)
        removed += 1
    return removed
