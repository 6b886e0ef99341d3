"""The registers' services: validation, audit trail, the SAR clock and who may change what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from harken.cases.models import TimelineEvent
from harken.core.errors import AccessDenied, ApplicationError
from harken.registers import services
from harken.registers.models import (
    Register,
    RegisterEvent,
)

from . import factories as f

pytestmark = pytest.mark.django_db

D = dt.date


def events(register: str, record_id: int) -> list[RegisterEvent]:
    return list(RegisterEvent.objects.filter(register=register, record_id=record_id))


def field_error(exc: pytest.ExceptionInfo[ApplicationError]) -> tuple[str, str]:
    (field, messages), *_ = exc.value.field_errors.items()
    return field, messages[0]


# --- Ombudsman ------------------------------------------------------------------------------


def test_ombudsman_case_on_a_case_is_audited_on_both_trails_and_flags_the_case(officer, case):
    """Recording an Ombudsman case writes a register event and a case timeline event with the
    values, and marks the case "Ombudsman involved"."""
    omb = f.ombudsman_case(actor=officer, case=case, ombudsman_reference="23 017 001")
    (event,) = events(Register.OMBUDSMAN, omb.pk)
    assert event.verb == "ombudsman_case_recorded"
    assert event.actor == officer
    assert event.changes["ombudsman_reference"] == [None, "23 017 001"]
    assert event.changes["enquiry_received_on"] == [None, "2024-03-01"]
    timeline = TimelineEvent.objects.filter(case=case, verb="ombudsman_case_recorded").get()
    assert timeline.changes == event.changes
    case.refresh_from_db()
    assert case.ombudsman_involved is True


def test_standalone_ombudsman_case_needs_a_person_and_summary(officer):
    """A standalone enquiry names who went to the Ombudsman and what about."""
    with pytest.raises(ApplicationError) as exc:
        services.ombudsman_case_create(
            actor=officer, ombudsman_reference="X1", enquiry_received_on=D(2024, 3, 1)
        )
    assert field_error(exc)[0] == "person"
    with pytest.raises(ApplicationError) as exc:
        services.ombudsman_case_create(
            actor=officer,
            ombudsman_reference="X1",
            enquiry_received_on=D(2024, 3, 1),
            person_details={"first_name": "A", "last_name": "B"},
        )
    assert field_error(exc)[0] == "summary"
    omb = f.ombudsman_case(actor=officer)
    assert omb.is_standalone
    assert omb.person is not None
    assert omb.person.full_name == "Pat Standalone"
    assert not TimelineEvent.objects.filter(verb="ombudsman_case_recorded").exists()
    assert len(events(Register.OMBUDSMAN, omb.pk)) == 1


def test_ombudsman_reference_is_unique_whatever_its_case(officer, case):
    f.ombudsman_case(actor=officer, case=case, ombudsman_reference="23 001 234")
    with pytest.raises(ApplicationError) as exc:
        f.ombudsman_case(actor=officer, ombudsman_reference="23 001 234".upper())
    assert field_error(exc) == (
        "ombudsman_reference",
        "An Ombudsman case with this reference is already recorded.",
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"decision": "upheld", "injustice": True}, "decision_on"),
        ({"decision": "in_progress", "decision_on": D(2024, 5, 1)}, "decision_on"),
        ({"decision": "upheld", "decision_on": D(2024, 5, 1)}, "injustice"),
        ({"decision": "not_upheld", "decision_on": D(2024, 2, 1)}, "decision_on"),
        ({"decision": "maybe", "decision_on": D(2024, 5, 1)}, "decision"),
        ({"response_sent_on": D(2024, 2, 28)}, "response_sent_on"),
        ({"enquiry_received_on": D(2024, 7, 1)}, "enquiry_received_on"),
    ],
)
def test_ombudsman_decision_rules(officer, case, values, field):
    """A decision is dated (on or after the enquiry); only a decision has a date; an upheld
    decision says whether there was injustice; no date is in the future."""
    omb = f.ombudsman_case(actor=officer, case=case)
    with pytest.raises(ApplicationError) as exc:
        services.ombudsman_case_update(ombudsman_case=omb, actor=officer, **values)
    assert field_error(exc)[0] == field


def test_ombudsman_decision_change_is_audited_with_old_and_new(officer, case):
    omb = f.ombudsman_case(actor=officer, case=case)
    services.ombudsman_case_update(
        ombudsman_case=omb,
        actor=officer,
        decision="upheld",
        decision_on=D(2024, 5, 20),
        injustice=False,
    )
    event = events(Register.OMBUDSMAN, omb.pk)[-1]
    assert event.changes["decision"] == ["in_progress", "upheld"]
    assert event.changes["decision_on"] == [None, "2024-05-20"]
    assert event.description.endswith("decision upheld without injustice")
    assert TimelineEvent.objects.filter(case=case, verb="ombudsman_case_updated").exists()
    # Not upheld clears the injustice finding.
    services.ombudsman_case_update(ombudsman_case=omb, actor=officer, decision="not_upheld")
    omb.refresh_from_db()
    assert omb.injustice is None


def test_unchanged_update_writes_no_event(officer, case):
    omb = f.ombudsman_case(actor=officer, case=case)
    services.ombudsman_case_update(ombudsman_case=omb, actor=officer, notes="")
    assert len(events(Register.OMBUDSMAN, omb.pk)) == 1


# --- Remedies -------------------------------------------------------------------------------


def decided(officer, case):
    omb = f.ombudsman_case(actor=officer, case=case)
    return services.ombudsman_case_update(
        ombudsman_case=omb,
        actor=officer,
        decision="upheld",
        decision_on=D(2024, 5, 20),
        injustice=True,
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": "payment"}, "amount", "Enter the amount to pay."),
        ({"kind": "payment", "amount": Decimal("0")}, "amount", "more than £0"),
        ({"kind": "payment", "amount": Decimal("-5")}, "amount", "more than £0"),
        ({"kind": "payment", "amount": Decimal("1.234")}, "amount", "pounds and pence"),
        ({"kind": "payment", "amount": Decimal("1e30")}, "amount", "less than £100,000,000"),
        ({"kind": "apology", "amount": Decimal("10")}, "amount", "Only a payment"),
        ({"kind": "service_improvement"}, "description", "Describe what was agreed."),
        (
            {"kind": "apology", "complied_on": D(2024, 5, 1), "evidence": "Letter"},
            "complied_on",
            "on or after the Ombudsman's decision (20 May 2024)",
        ),
        ({"kind": "apology", "complied_on": D(2024, 6, 1)}, "evidence", "evidence"),
    ],
)
def test_remedy_rules(officer, case, values, field, message):
    """A payment has a positive amount in pounds and pence; compliance is dated on or after
    the decision and evidenced."""
    omb = decided(officer, case)
    with pytest.raises(ApplicationError) as exc:
        services.ombudsman_remedy_add(ombudsman_case=omb, actor=officer, **values)
    got_field, got_message = field_error(exc)
    assert got_field == field
    assert message in got_message


def test_remedy_compliance_is_audited_against_the_ombudsman_case(officer, case):
    omb = decided(officer, case)
    remedy = services.ombudsman_remedy_add(
        ombudsman_case=omb,
        actor=officer,
        kind="payment",
        amount=Decimal("1300"),
        due_on=D(2024, 7, 20),
    )
    assert str(remedy) == "Payment £1,300.00"
    services.ombudsman_remedy_update(
        remedy=remedy, actor=officer, complied_on=D(2024, 6, 20), evidence="Payment ref 991"
    )
    last = events(Register.OMBUDSMAN, omb.pk)[-1]
    assert last.verb == "ombudsman_remedy_updated"
    assert "complied with" in last.description
    assert last.changes["complied_on"] == [None, "2024-06-20"]
    # The decision cannot now be moved after the day we complied.
    with pytest.raises(ApplicationError) as exc:
        services.ombudsman_case_update(
            ombudsman_case=omb, actor=officer, decision_on=D(2024, 6, 25)
        )
    assert field_error(exc)[0] == "decision_on"


def _payment_remedy(officer, case, amount="1300"):
    omb = decided(officer, case)
    return services.ombudsman_remedy_add(
        ombudsman_case=omb, actor=officer, kind="payment", amount=Decimal(amount)
    )


def test_a_payment_made_for_a_remedy_marks_it_complied_with(officer, case):
    """Recording the payment the Ombudsman asked for, linked to its remedy, marks the remedy
    complied with on the day paid, with the payment as evidence, on both audit trails."""
    remedy = _payment_remedy(officer, case)
    payment = services.payment_create(
        actor=officer,
        remedy=remedy,
        amount=Decimal("1300"),
        paid_on=D(2024, 6, 3),
        reason="Ombudsman remedy",
    )
    remedy.refresh_from_db()
    assert (payment.ombudsman_case, payment.case, payment.recommended_by_ombudsman) == (
        remedy.ombudsman_case,
        case,
        True,
    )
    assert remedy.complied_on == D(2024, 6, 3)
    assert remedy.evidence == "Paid £1,300.00 on 3 June 2024 (payment recorded in Harken)."
    last = events(Register.OMBUDSMAN, remedy.ombudsman_case_id)[-1]
    assert "complied with" in last.description
    assert TimelineEvent.objects.filter(case=case, description=last.description).exists()


def test_a_remedy_paid_in_parts_is_complied_with_when_the_parts_reach_it(officer, case):
    remedy = _payment_remedy(officer, case, amount="1000")
    first = services.payment_create(
        actor=officer, remedy=remedy, amount=Decimal("400"), paid_on=D(2024, 6, 3), reason="x"
    )
    remedy.refresh_from_db()
    assert remedy.complied_on is None
    services.payment_create(
        actor=officer, remedy=remedy, amount=Decimal("600"), paid_on=D(2024, 6, 10), reason="x"
    )
    remedy.refresh_from_db()
    assert remedy.complied_on == D(2024, 6, 10)
    # Correcting the first payment down leaves the remedy short again.
    services.payment_update(payment=first, actor=officer, amount=Decimal("300"))
    remedy.refresh_from_db()
    assert (remedy.complied_on, remedy.evidence) == (None, "")


def test_a_payment_cannot_comply_with_another_kind_or_another_cases_remedy(
    officer, case, send_case
):
    omb = decided(officer, case)
    apology = services.ombudsman_remedy_add(ombudsman_case=omb, actor=officer, kind="apology")
    with pytest.raises(ApplicationError) as exc:
        f.payment(actor=officer, case=case, remedy=apology)
    assert field_error(exc) == ("remedy", "Only a payment remedy is complied with by a payment.")
    remedy = services.ombudsman_remedy_add(
        ombudsman_case=omb, actor=officer, kind="payment", amount=Decimal("50")
    )
    with pytest.raises(ApplicationError) as exc:
        f.payment(actor=officer, case=send_case, remedy=remedy)
    assert field_error(exc)[0] == "remedy"
    with pytest.raises(ApplicationError) as exc:
        f.payment(actor=officer, case=case, remedy=remedy, paid_on=D(2024, 5, 1))
    assert field_error(exc) == (
        "paid_on",
        "The payment was made on 1 May 2024, before the Ombudsman's decision (20 May 2024): it "
        "cannot be the payment of this remedy.",
    )


# --- Payments and costs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-10")}, "amount"),
        ({"amount": None}, "amount"),
        ({"paid_on": D(2023, 12, 1)}, "paid_on"),
        ({"paid_on": D(2024, 7, 1)}, "paid_on"),
        ({"reason": "  "}, "reason"),
        ({"kind": "gift"}, "kind"),
    ],
)
def test_payment_rules(officer, case, values, field):
    """A payment is a positive amount, paid on or after the case was received, not in the
    future, with a reason."""
    with pytest.raises(ApplicationError) as exc:
        f.payment(actor=officer, case=case, **values)
    assert field_error(exc)[0] == field


def test_payment_for_an_ombudsman_case_belongs_to_its_case(officer, case, send_case):
    omb = f.ombudsman_case(actor=officer, case=case)
    payment = services.payment_create(
        actor=officer,
        ombudsman_case=omb,
        amount=Decimal("500"),
        paid_on=D(2024, 6, 1),
        reason="Ombudsman remedy",
        recommended_by_ombudsman=True,
    )
    assert payment.case == case
    with pytest.raises(ApplicationError) as exc:
        f.payment(actor=officer, case=send_case, ombudsman_case=omb)
    assert field_error(exc)[0] == "ombudsman_case"
    with pytest.raises(ApplicationError) as exc:
        services.payment_create(
            actor=officer, amount=Decimal("1"), paid_on=D(2024, 6, 1), reason="x"
        )
    assert field_error(exc)[0] == "case"


def test_standalone_ombudsman_payment_joins_the_case_when_linked(officer, case):
    omb = f.ombudsman_case(actor=officer)
    payment = services.payment_create(
        actor=officer,
        ombudsman_case=omb,
        amount=Decimal("100"),
        paid_on=D(2024, 6, 1),
        reason="Remedy",
    )
    assert payment.case is None
    services.ombudsman_case_update(ombudsman_case=omb, actor=officer, case=case)
    payment.refresh_from_db()
    assert payment.case == case


def test_payment_change_is_on_the_case_timeline(officer, case):
    payment = f.payment(actor=officer, case=case)
    services.payment_update(payment=payment, actor=officer, amount=Decimal("300.50"))
    event = TimelineEvent.objects.filter(case=case, verb="payment_updated").get()
    assert event.changes == {"amount": ["250.00", "300.50"]}
    assert "£300.50" in event.description


def test_cost_stage_must_be_one_the_case_has(officer, case):
    with pytest.raises(ApplicationError) as exc:
        f.cost(actor=officer, case=case, stage_number=2)
    assert field_error(exc) == ("stage_number", f"{case.reference} has no stage 2.")
    cost = f.cost(actor=officer, case=case, stage_number=1)
    assert str(cost) == "Investigating Officer £1,200.00"
    assert TimelineEvent.objects.filter(case=case, verb="cost_recorded").exists()


# --- Restrictions and advocacy --------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"letter_issued_on": D(2024, 4, 1)}, "letter_issued_on"),
        ({"review_on": D(2024, 5, 1)}, "review_on"),
        ({"restrictions": ""}, "restrictions"),
        ({"decision_on": None}, "decision_on"),
    ],
)
def test_restriction_rules(officer, case, values, field):
    with pytest.raises(ApplicationError) as exc:
        f.restriction(actor=officer, case=case, **values)
    assert field_error(exc)[0] == field


def test_ending_a_restriction_needs_a_reason_and_is_audited(officer, case):
    restriction = f.restriction(actor=officer, case=case)
    assert restriction.in_force(D(2024, 6, 28))
    with pytest.raises(ApplicationError) as exc:
        services.restriction_update(restriction=restriction, actor=officer, ended_on=D(2024, 6, 28))
    assert field_error(exc)[0] == "end_reason"
    services.restriction_update(
        restriction=restriction,
        actor=officer,
        ended_on=D(2024, 6, 28),
        end_reason="Reviewed: contact is now reasonable",
    )
    assert not restriction.in_force(D(2024, 6, 28))
    assert restriction.in_force(D(2024, 6, 27))
    assert events(Register.RESTRICTION, restriction.pk)[-1].verb == "restriction_ended"
    assert TimelineEvent.objects.filter(case=case, verb="restriction_ended").exists()


def test_advocacy_outcome_is_dated_after_the_referral(officer, case):
    referral = f.referral(actor=officer, case=case)
    with pytest.raises(ApplicationError) as exc:
        services.advocacy_referral_update(referral=referral, actor=officer, outcome="provided")
    assert field_error(exc)[0] == "outcome_on"
    with pytest.raises(ApplicationError) as exc:
        services.advocacy_referral_update(
            referral=referral, actor=officer, outcome="provided", outcome_on=D(2024, 1, 1)
        )
    assert field_error(exc)[0] == "outcome_on"
    services.advocacy_referral_update(
        referral=referral, actor=officer, outcome="provided", outcome_on=D(2024, 2, 5)
    )
    event = TimelineEvent.objects.filter(case=case, verb="advocacy_updated").get()
    assert event.description == "Advocacy referral outcome: advocate provided"
    with pytest.raises(ApplicationError) as exc:
        f.referral(actor=officer, child_details=None)
    assert field_error(exc)[0] == "child"


# --- Subject access requests ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "verified", "due", "explanation"),
    [
        (
            D(2024, 6, 3),
            D(2024, 6, 3),
            D(2024, 7, 3),
            "Due 3 July 2024: 1 calendar month after receipt on 3 June 2024.",
        ),
        (
            D(2024, 1, 31),
            None,
            D(2024, 2, 29),
            "Due 29 February 2024: 1 calendar month after receipt on 31 January 2024 "
            "(February has no 31st).",
        ),
        (
            D(2024, 5, 31),
            D(2024, 5, 31),
            D(2024, 7, 1),
            "Due 1 July 2024: 1 calendar month after receipt on 31 May 2024 (June has no 31st), "
            "moved from Sunday 30 June 2024 to the next working day.",
        ),
        (
            D(2024, 4, 5),
            None,
            D(2024, 5, 7),
            "Due 7 May 2024: 1 calendar month after receipt on 5 April 2024, moved from "
            "Sunday 5 May 2024 to the next working day.",
        ),
        (
            D(2024, 6, 3),
            D(2024, 6, 10),
            D(2024, 7, 10),
            "Due 10 July 2024: 1 calendar month after the requester's identity was verified "
            "on 10 June 2024 (received 3 June 2024).",
        ),
    ],
)
def test_sar_due_one_calendar_month_after_receipt_or_identity(
    officer, received, verified, due, explanation
):
    """Same date next month; the month's last day where there is none; the next working day
    after a weekend or bank holiday; from identity verification when that was later."""
    sar = f.sar(actor=officer, received_on=received, identity_verified_on=verified)
    assert sar.due_on == due
    assert sar.due_explanation == explanation


def test_sar_due_date_follows_identity_verification(officer):
    sar = f.sar(actor=officer, received_on=D(2024, 6, 3), identity_verified_on=None)
    assert sar.due_on == D(2024, 7, 3)
    services.sar_update(sar=sar, actor=officer, identity_verified_on=D(2024, 6, 12))
    assert sar.due_on == D(2024, 7, 12)
    event = events(Register.SAR, sar.pk)[-1]
    assert event.changes["due_on"] == ["2024-07-03", "2024-07-12"]


def test_sar_references_count_within_the_year_received(officer):
    a = f.sar(actor=officer)
    b = f.sar(actor=officer)
    c = f.sar(actor=officer, received_on=D(2023, 12, 1), identity_verified_on=None)
    assert (a.reference, b.reference, c.reference) == (
        "SAR-2024-0001",
        "SAR-2024-0002",
        "SAR-2023-0001",
    )


def test_sar_extension_needs_the_requester_told_within_the_first_month(officer):
    """Received 1 May 2024: the month ends Monday 3 June (1 June is a Saturday). Told on
    4 June: refused. Told on 3 June: extended to 1 August 2024."""
    sar = f.sar(actor=officer, received_on=D(2024, 5, 1), identity_verified_on=D(2024, 5, 1))
    assert sar.due_on == D(2024, 6, 3)
    with pytest.raises(ApplicationError) as exc:
        services.sar_extend(
            sar=sar, actor=officer, reason="Many records", requester_told_on=D(2024, 6, 4)
        )
    field, message = field_error(exc)
    assert field == "requester_told_on"
    assert "within the first month, by 3 June 2024" in message
    sar.refresh_from_db()
    assert sar.extended_due_on is None
    services.sar_extend(
        sar=sar, actor=officer, reason="Many records", requester_told_on=D(2024, 6, 3)
    )
    assert sar.extended_due_on == D(2024, 8, 1)
    assert sar.final_due_on == D(2024, 8, 1)
    assert events(Register.SAR, sar.pk)[-1].verb == "sar_extended"
    with pytest.raises(ApplicationError, match="already been extended"):
        services.sar_extend(sar=sar, actor=officer, reason="Again", requester_told_on=D(2024, 6, 3))


def test_sar_response_and_within_time(officer):
    sar = f.sar(actor=officer, received_on=D(2024, 5, 1), identity_verified_on=D(2024, 5, 1))
    with pytest.raises(ApplicationError) as exc:
        services.sar_update(sar=sar, actor=officer, pages_disclosed=-1)
    assert field_error(exc)[0] == "pages_disclosed"
    services.sar_update(
        sar=sar,
        actor=officer,
        sent_on=D(2024, 6, 4),
        pages_disclosed=120,
        redactions_count=14,
        redactions="Third-party names",
    )
    assert sar.within_time is False
    with pytest.raises(ApplicationError, match="cannot be extended"):
        services.sar_extend(sar=sar, actor=officer, reason="x", requester_told_on=D(2024, 5, 20))


def test_sar_response_needs_identity_verified(officer):
    sar = f.sar(actor=officer, identity_verified_on=None)
    with pytest.raises(ApplicationError) as exc:
        services.sar_update(sar=sar, actor=officer, sent_on=D(2024, 6, 20))
    assert field_error(exc)[0] == "identity_verified_on"


# --- Who may change the registers -----------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "report_viewer", "io_user", "ip_user"])
def test_only_officers_and_administrators_change_registers(request, officer, case, who):
    user = request.getfixturevalue(who)
    omb = f.ombudsman_case(actor=officer, case=case)
    with pytest.raises(AccessDenied):
        f.ombudsman_case(actor=user, case=case)
    with pytest.raises(AccessDenied):
        services.ombudsman_case_update(ombudsman_case=omb, actor=user, notes="x")
    with pytest.raises(AccessDenied):
        f.payment(actor=user, case=case)
    with pytest.raises(AccessDenied):
        f.sar(actor=user)
    with pytest.raises(AccessDenied):
        f.referral(actor=user)


def test_administrator_changes_registers(admin_user, case):
    assert f.payment(actor=admin_user, case=case).created_by == admin_user


def test_officer_cannot_change_records_of_a_restricted_case_they_are_not_named_on(
    officer, admin_user, case
):
    from harken.cases import services as case_services

    case_services.case_restrict(case=case, restricted=True, people=[admin_user], actor=admin_user)
    with pytest.raises(AccessDenied):
        f.payment(actor=officer, case=case)
    f.payment(actor=admin_user, case=case)
