"""Reading reports: who may, and the report for a period or a saved edition."""

from __future__ import annotations

from django.db.models import QuerySet

from harken import access
from harken.accounts.models import User
from harken.cases.models import Case
from harken.core.audit import record_reads
from harken.core.errors import ApplicationError

from . import suppression
from .metrics import build_report
from .models import ReportBuild, ReportEdition
from .periods import Period
from .renderers.as_json import from_snapshot
from .structures import Example, Report

EDITIONS = ("internal", "published")


class ReportAccessDenied(ApplicationError):
    """The user's role does not see reports."""


def ensure_can_see_reports(user: User | None) -> None:
    if not access.can_see_reports(user):
        raise ReportAccessDenied("Your role does not give access to reports.")


def _edition(report: Report, edition: str, user: User | None) -> Report:
    """The edition asked for, as this user may see it. The internal edition's rows about
    single cases (a payment's case and reason) are for those who see every case record;
    managers and report viewers get the figures without them."""
    if edition not in EDITIONS:
        raise ApplicationError.for_field("edition", "Choose the internal or published edition.")
    if edition == "published":
        return suppression.published(report)
    if user is not None and user.sees_all_cases:
        # Seeing every case is not seeing a restricted one: its rows stay blank unless named.
        shown = suppression.case_references(report)
        return suppression.without_rows_about(report, shown - references_seen(user, shown))
    return suppression.without_private_columns(report)


def references_seen(user: User, references: set[str]) -> set[str]:
    """Which of these case or Ombudsman references `user` may see (two queries at most)."""
    if not references:
        return set()
    from harken.registers.selectors import ombudsman_visible

    cases = access.visible_cases(user).filter(reference__in=references)
    seen = set(cases.values_list("reference", flat=True))
    rest = references - seen
    if rest:
        ombudsman = ombudsman_visible(user).filter(ombudsman_reference__in=rest)
        seen |= set(ombudsman.values_list("ombudsman_reference", flat=True))
    return seen


def _log_cases_shown(report: Report, user: User | None) -> Report:
    """The cases the report names (a payment's row, an example drawn from one) were read by
    whoever was shown it: one statement. Aggregate figures name no case."""
    if user is None:
        return report
    references = suppression.case_references(report) | {
        e.case_reference for e in report.examples if e.case_reference
    }
    if references:
        cases = Case.objects.filter(reference__in=references).values_list("pk", flat=True)
        record_reads(cases=list(cases), user=user, via="report")
    return report


def report_for_period(*, user: User | None, period: Period, edition: str = "internal") -> Report:
    ensure_can_see_reports(user)
    return _log_cases_shown(_edition(build_report(period), edition, user), user)


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
            # Only for those who may see the case (a restricted case's reference stays hidden).
            case_reference=(
                e.case.reference if e.case and access.can_view_case(user, e.case) else ""
            ),
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
    return _log_cases_shown(_edition(report, edition, user), user)


def build_for(*, user: User | None, pk: int) -> ReportBuild:
    """One of the user's own report builds; anyone else's is not there for them (a build is
    made as its requester sees the report)."""
    ensure_can_see_reports(user)
    return ReportBuild.objects.select_related("saved").get(pk=pk, requested_by=user)


def builds_of(*, user: User | None, limit: int = 5) -> list[ReportBuild]:
    """The user's latest builds, newest first."""
    ensure_can_see_reports(user)
    return list(ReportBuild.objects.filter(requested_by=user).order_by("-id")[:limit])
