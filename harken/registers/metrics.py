"""The registers' figures for the reports: each takes a period (both days inclusive) and
returns plain data (dicts, lists, ints, `Decimal` amounts, ISO dates as `datetime.date`).

They count every record (no access filter: the reports app decides who sees figures) and say
what they count in each docstring. Small-number suppression is the reports app's job.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum

from .models import (
    AdvocacyOutcome,
    AdvocacyProvider,
    AdvocacyReferral,
    ContactRestriction,
    CostRole,
    InvestigationCost,
    OmbudsmanCase,
    OmbudsmanDecision,
    OmbudsmanRemedy,
    Payment,
    PaymentKind,
    SubjectAccessRequest,
    restrictions_in_force,
)

ZERO = Decimal("0.00")


def _in(field: str, date_from: dt.date, date_to: dt.date) -> Q:
    return Q(**{f"{field}__gte": date_from, f"{field}__lte": date_to})


def ombudsman_cases(date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Ombudsman enquiries.

    - `received`: enquiries received in the period.
    - `by_decision`: those same enquiries by their decision *as at the end of the period*
      (one decided after the period counts as in progress) — the annual report's "5 this
      year: 2 upheld, 1 closed after initial enquiries, 2 in progress". Every decision is
      listed, with 0 where none; `upheld_with_injustice` counts upheld with injustice.
    - `decided`: enquiries whose decision is dated in the period (whenever received), by
      decision.
    - `remedies`: remedies of the period's decisions: agreed, complied with, outstanding
      (not complied with at the time of asking), overdue at the end of the period.
    """
    received = OmbudsmanCase.objects.filter(_in("enquiry_received_on", date_from, date_to))
    decided_by_end = Q(decision_on__lte=date_to) & ~Q(decision=OmbudsmanDecision.IN_PROGRESS)
    as_at_end = {
        row["decision"]: row["n"]
        for row in received.filter(decided_by_end).values("decision").annotate(n=Count("pk"))
    }
    total = received.count()
    in_progress = total - sum(as_at_end.values())
    upheld_injustice = received.filter(
        decided_by_end, decision=OmbudsmanDecision.UPHELD, injustice=True
    ).count()
    by_decision = [
        {
            "decision": value,
            "label": label,
            "count": in_progress
            if value == OmbudsmanDecision.IN_PROGRESS
            else as_at_end.get(value, 0),
        }
        for value, label in OmbudsmanDecision.choices
    ]
    decided_qs = OmbudsmanCase.objects.filter(_in("decision_on", date_from, date_to)).exclude(
        decision=OmbudsmanDecision.IN_PROGRESS
    )
    decided_counts = {
        row["decision"]: row["n"] for row in decided_qs.values("decision").annotate(n=Count("pk"))
    }
    decided = [
        {"decision": value, "label": label, "count": decided_counts.get(value, 0)}
        for value, label in OmbudsmanDecision.choices
        if value != OmbudsmanDecision.IN_PROGRESS
    ]
    remedies = OmbudsmanRemedy.objects.filter(ombudsman_case__in=decided_qs).aggregate(
        agreed=Count("pk"),
        complied=Count("pk", filter=Q(complied_on__isnull=False)),
        outstanding=Count("pk", filter=Q(complied_on__isnull=True)),
        overdue=Count(
            "pk",
            filter=Q(due_on__lt=date_to)
            & (Q(complied_on__isnull=True) | Q(complied_on__gt=date_to)),
        ),
    )
    return {
        "received": total,
        "by_decision": by_decision,
        "upheld_with_injustice": upheld_injustice,
        "decided": decided,
        "decided_total": sum(decided_counts.values()),
        "remedies": remedies,
    }


def payments(date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Compensation and financial remedies paid in the period (by `paid_on`), itemised.

    Each item: `paid_on`, `amount`, `kind` and its `kind_label`, `reason`,
    `recommended_by_ombudsman`, `case_reference` and `ombudsman_reference` ("" if none).
    The reason is free text and may name people: publish it only after reading it.
    """
    qs = (
        Payment.objects.filter(_in("paid_on", date_from, date_to))
        .select_related("case", "ombudsman_case")
        .order_by("paid_on", "id")
    )
    items: list[dict[str, Any]] = [
        {
            "paid_on": p.paid_on,
            "amount": p.amount,
            "kind": p.kind,
            "kind_label": p.get_kind_display(),
            "reason": p.reason,
            "recommended_by_ombudsman": p.recommended_by_ombudsman,
            "case_reference": p.case.reference if p.case else "",
            "ombudsman_reference": p.ombudsman_case.ombudsman_reference if p.ombudsman_case else "",
        }
        for p in qs
    ]
    return {
        "items": items,
        "count": len(items),
        "total": sum((i["amount"] for i in items), start=ZERO),
        "recommended_by_ombudsman_total": sum(
            (i["amount"] for i in items if i["recommended_by_ombudsman"]), start=ZERO
        ),
        "by_kind": [
            {
                "kind": value,
                "label": label,
                "count": sum(1 for i in items if i["kind"] == value),
                "total": sum((i["amount"] for i in items if i["kind"] == value), start=ZERO),
            }
            for value, label in PaymentKind.choices
        ],
    }


def investigation_costs(date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Investigation costs incurred in the period (by `incurred_on`): the total, the number of
    cases they were for, and the split by role (IO, IP, panel, other)."""
    qs = InvestigationCost.objects.filter(_in("incurred_on", date_from, date_to))
    by_role: dict[str, dict[str, Any]] = {
        row["role"]: dict(row)
        for row in qs.values("role").annotate(n=Count("pk"), amount=Sum("amount"))
    }
    totals = qs.aggregate(
        total=Sum("amount"), count=Count("pk"), cases=Count("case", distinct=True)
    )
    return {
        "total": totals["total"] or ZERO,
        "count": totals["count"],
        "cases": totals["cases"],
        "by_role": [
            {
                "role": value,
                "label": label,
                "count": by_role.get(value, {}).get("n", 0),
                "total": by_role.get(value, {}).get("amount") or ZERO,
            }
            for value, label in CostRole.choices
        ],
    }


def contact_restrictions(date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Unreasonably persistent or vexatious contact decisions.

    - `letters_issued`: letters issued in the period (by `letter_issued_on`) — the report's
      "persistent-complainant letters: 3".
    - `decisions`: decisions made in the period; `people`: different people they were about.
    - `in_force_at_end`: restrictions in force on the last day of the period.
    - `ended`: restrictions that ended in the period.
    """
    decisions = ContactRestriction.objects.filter(_in("decision_on", date_from, date_to))
    return {
        "letters_issued": ContactRestriction.objects.filter(
            _in("letter_issued_on", date_from, date_to)
        ).count(),
        "decisions": decisions.count(),
        "people": decisions.values("person").distinct().count(),
        "in_force_at_end": ContactRestriction.objects.filter(
            restrictions_in_force(date_to)
        ).count(),
        "ended": ContactRestriction.objects.filter(_in("ended_on", date_from, date_to)).count(),
    }


def advocacy_referrals(date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Advocacy referrals made in the period (by `referred_on`): how many, how many children,
    by provider (in-house or independent) and by outcome as recorded now."""
    qs = AdvocacyReferral.objects.filter(_in("referred_on", date_from, date_to))
    provider_counts = {r["provider"]: r["n"] for r in qs.values("provider").annotate(n=Count("pk"))}
    outcome_counts = {r["outcome"]: r["n"] for r in qs.values("outcome").annotate(n=Count("pk"))}
    return {
        "total": sum(provider_counts.values()),
        "children": qs.values("child").distinct().count(),
        "by_provider": [
            {"provider": value, "label": label, "count": provider_counts.get(value, 0)}
            for value, label in AdvocacyProvider.choices
        ],
        "by_outcome": [
            {"outcome": value, "label": label, "count": outcome_counts.get(value, 0)}
            for value, label in AdvocacyOutcome.choices
        ],
    }


def subject_access_requests(date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Subject access requests.

    - `received`: received in the period; `extended`: of those, extended.
    - `completed`: responses sent in the period (whenever received); `completed_within_time`:
      of those, sent on or before the due date (the extended one where extended);
      `completed_late`: the rest; `percent_within_time`: rounded, None when none completed.
    - `open_at_end`: received by the end of the period and not sent by then;
      `overdue_at_end`: of those, past their (extended) due date at the end of the period.
    """
    received = SubjectAccessRequest.objects.filter(_in("received_on", date_from, date_to))
    completed = SubjectAccessRequest.objects.filter(_in("sent_on", date_from, date_to))
    in_time = Q(extended_due_on__isnull=True, sent_on__lte=F("due_on")) | Q(
        extended_due_on__isnull=False, sent_on__lte=F("extended_due_on")
    )
    done = completed.aggregate(total=Count("pk"), in_time=Count("pk", filter=in_time))
    open_at_end = SubjectAccessRequest.objects.filter(received_on__lte=date_to).filter(
        Q(sent_on__isnull=True) | Q(sent_on__gt=date_to)
    )
    overdue = Q(extended_due_on__isnull=True, due_on__lt=date_to) | Q(extended_due_on__lt=date_to)
    open_counts = open_at_end.aggregate(total=Count("pk"), overdue=Count("pk", filter=overdue))
    return {
        "received": received.count(),
        "extended": received.filter(extended_due_on__isnull=False).count(),
        "completed": done["total"],
        "completed_within_time": done["in_time"],
        "completed_late": done["total"] - done["in_time"],
        "percent_within_time": round(100 * done["in_time"] / done["total"])
        if done["total"]
        else None,
        "open_at_end": open_counts["total"],
        "overdue_at_end": open_counts["overdue"],
    }


def all_figures(date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Every register's figures for the period, keyed by register."""
    return {
        "ombudsman": ombudsman_cases(date_from, date_to),
        "payments": payments(date_from, date_to),
        "investigation_costs": investigation_costs(date_from, date_to),
        "contact_restrictions": contact_restrictions(date_from, date_to),
        "advocacy": advocacy_referrals(date_from, date_to),
        "subject_access_requests": subject_access_requests(date_from, date_to),
    }
