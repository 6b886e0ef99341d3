"""Reading reports: who may, and the report for a period or a saved edition."""

from __future__ import annotations

from django.db.models import QuerySet

from harken.accounts.models import User
from harken.core import access
from harken.core.errors import ApplicationError

from . import suppression
from .metrics import build_report
from .models import ReportEdition
from .periods import Period
from .renderers.as_json import from_snapshot
from .structures import Example, Report

EDITIONS = ("internal", "published")


class ReportAccessDenied(ApplicationError):
    """The user's role does not see reports."""


def ensure_can_see_reports(user: User | None) -> None:
    if not access.can_see_reports(user):
        raise ReportAccessDenied("Your role does not give access to reports.")


def _edition(report: Report, edition: str) -> Report:
    if edition not in EDITIONS:
        raise ApplicationError.for_field("edition", "Choose the internal or published edition.")
    return suppression.published(report) if edition == "published" else report


def report_for_period(*, user: User | None, period: Period, edition: str = "internal") -> Report:
    ensure_can_see_reports(user)
    return _edition(build_report(period), edition)


def edition_list(*, user: User | None) -> QuerySet[ReportEdition]:
    ensure_can_see_reports(user)
    return ReportEdition.objects.select_related("created_by", "published_by")


def report_for_edition(
    *, user: User | None, saved: ReportEdition, edition: str = "internal"
) -> Report:
    """A saved report: frozen figures once published, else computed now; with its text."""
    ensure_can_see_reports(user)
    if saved.snapshot:
        report = from_snapshot(saved.snapshot)
    else:
        report = build_report(Period(saved.period_start, saved.period_end), title=saved.title)
    examples = [
        Example(
            section=e.section,
            heading=e.heading,
            text=e.text,
            case_reference=e.case.reference if e.case else "",
            id=e.pk,
        )
        for e in saved.examples.select_related("case")
    ]
    report = report.with_edition(
        title=saved.title,
        text=saved.text,
        examples=examples,
        edition_id=saved.pk,
        published_at=saved.published_at,
    )
    return _edition(report, edition)
