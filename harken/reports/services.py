"""Saving reports: the period, the team's text and examples, publishing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from harken import access
from harken.accounts.models import User
from harken.cases.models import Case, TimelineEvent
from harken.core.audit import record_event
from harken.core.errors import ApplicationError

from .definitions import SECTION_TITLES
from .models import ReportEdition, ReportExample
from .periods import Period, PeriodError

Verb = TimelineEvent.Verb


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
