"""The registers' figures for the report, for April to September 2024 (as in seed 004's report)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from harken.registers import metrics, services

from . import factories as f

pytestmark = pytest.mark.django_db

D = dt.date
FROM, TO = D(2024, 4, 1), D(2024, 9, 30)


@pytest.fixture(autouse=True)
def _late_in_the_year():
    """Frozen after the period so every date in it can be recorded."""
    with time_machine.travel(dt.datetime(2024, 11, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def by(rows: list[dict], key: str) -> dict[str, int]:
    return {row[key]: row["count"] for row in rows}


def test_ombudsman_figures(officer, case):
    def omb(received, **decision):
        o = f.ombudsman_case(actor=officer, case=case, enquiry_received_on=received)
        if decision:
            services.ombudsman_case_update(ombudsman_case=o, actor=officer, **decision)
        return o

    upheld = omb(D(2024, 4, 10), decision="upheld", decision_on=D(2024, 6, 1), injustice=True)
    omb(D(2024, 5, 1), decision="upheld", decision_on=D(2024, 7, 1), injustice=False)
    omb(D(2024, 5, 2), decision="closed_initial", decision_on=D(2024, 5, 20))
    omb(D(2024, 8, 1))  # in progress
    omb(D(2024, 9, 1), decision="not_upheld", decision_on=D(2024, 10, 15))  # decided after
    omb(D(2024, 2, 1), decision="not_in_remit", decision_on=D(2024, 4, 3))  # received before
    services.ombudsman_remedy_add(
        ombudsman_case=upheld, actor=officer, kind="apology", due_on=D(2024, 7, 1)
    )
    services.ombudsman_remedy_add(
        ombudsman_case=upheld,
        actor=officer,
        kind="payment",
        amount=Decimal("500"),
        due_on=D(2024, 8, 1),
        complied_on=D(2024, 7, 20),
        evidence="Paid",
    )

    figures = metrics.ombudsman_cases(FROM, TO)
    assert figures["received"] == 5
    assert by(figures["by_decision"], "decision") == {
        "in_progress": 2,
        "upheld": 2,
        "not_upheld": 0,
        "closed_initial": 1,
        "referred_back": 0,
        "not_in_remit": 0,
    }
    assert figures["upheld_with_injustice"] == 1
    assert figures["decided_total"] == 4
    assert by(figures["decided"], "decision")["not_in_remit"] == 1
    assert figures["remedies"] == {"agreed": 2, "complied": 1, "outstanding": 1, "overdue": 1}


def test_payment_and_cost_figures(officer, case):
    f.payment(actor=officer, case=case, amount=Decimal("1300"), paid_on=D(2024, 4, 2))
    f.payment(
        actor=officer,
        case=case,
        amount=Decimal("7620"),
        paid_on=D(2024, 9, 30),
        kind="financial_remedy",
        recommended_by_ombudsman=True,
    )
    f.payment(actor=officer, case=case, amount=Decimal("99"), paid_on=D(2024, 3, 31))
    f.cost(actor=officer, case=case, amount=Decimal("2000"), incurred_on=D(2024, 5, 1))
    f.cost(actor=officer, case=case, amount=Decimal("1224"), incurred_on=D(2024, 6, 1), role="ip")
    f.cost(actor=officer, case=case, amount=Decimal("50"), incurred_on=D(2024, 10, 1))

    paid = metrics.payments(FROM, TO)
    assert paid["total"] == Decimal("8920.00")
    assert paid["count"] == 2
    assert [i["amount"] for i in paid["items"]] == [Decimal("1300.00"), Decimal("7620.00")]
    assert paid["items"][0]["case_reference"] == case.reference
    assert paid["recommended_by_ombudsman_total"] == Decimal("7620.00")

    costs = metrics.investigation_costs(FROM, TO)
    assert costs["total"] == Decimal("3224.00")
    assert costs["cases"] == 1
    assert {r["role"]: r["total"] for r in costs["by_role"]}["ip"] == Decimal("1224.00")


def test_restriction_advocacy_and_sar_figures(officer, case):
    f.restriction(
        actor=officer, case=case, decision_on=D(2024, 4, 5), letter_issued_on=D(2024, 4, 6)
    )
    r = f.restriction(
        actor=officer, case=case, decision_on=D(2024, 6, 1), letter_issued_on=D(2024, 6, 2)
    )
    services.restriction_update(
        restriction=r, actor=officer, ended_on=D(2024, 9, 1), end_reason="Reviewed"
    )
    f.restriction(
        actor=officer,
        case=case,
        decision_on=D(2024, 9, 20),
        letter_issued_on=D(2024, 10, 2),
        review_on=D(2025, 3, 1),
    )
    restrictions = metrics.contact_restrictions(FROM, TO)
    assert restrictions == {
        "letters_issued": 2,
        "decisions": 3,
        "people": 1,
        "in_force_at_end": 2,
        "ended": 1,
    }

    for provider in ("in_house", "in_house", "independent"):
        f.referral(actor=officer, provider=provider, referred_on=D(2024, 5, 1))
    advocacy = metrics.advocacy_referrals(FROM, TO)
    assert advocacy["total"] == 3
    assert advocacy["children"] == 3
    assert by(advocacy["by_provider"], "provider") == {"in_house": 2, "independent": 1}

    on_time = f.sar(actor=officer, received_on=D(2024, 5, 1), identity_verified_on=D(2024, 5, 1))
    services.sar_update(sar=on_time, actor=officer, sent_on=D(2024, 6, 3))
    late = f.sar(actor=officer, received_on=D(2024, 6, 3), identity_verified_on=D(2024, 6, 3))
    services.sar_update(sar=late, actor=officer, sent_on=D(2024, 7, 10))
    extended = f.sar(actor=officer, received_on=D(2024, 7, 1), identity_verified_on=D(2024, 7, 1))
    services.sar_extend(
        sar=extended, actor=officer, reason="Complex", requester_told_on=D(2024, 7, 15)
    )
    f.sar(actor=officer, received_on=D(2024, 8, 1), identity_verified_on=D(2024, 8, 1))
    sars = metrics.subject_access_requests(FROM, TO)
    assert sars == {
        "received": 4,
        "extended": 1,
        "completed": 2,
        "completed_within_time": 1,
        "completed_late": 1,
        "percent_within_time": 50,
        "open_at_end": 2,
        "overdue_at_end": 1,  # received 1 August, due 2 September; the extended one is not
    }
    assert set(metrics.all_figures(FROM, TO)) == {
        "ombudsman",
        "payments",
        "investigation_costs",
        "contact_restrictions",
        "advocacy",
        "subject_access_requests",
    }
