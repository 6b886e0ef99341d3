"""The register pages: who may see and change them, the forms, filters, query counts and the
persistent-contact banner on the case page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from harken.registers import services
from harken.registers.models import (
    OmbudsmanCase,
    OmbudsmanRemedy,
    Payment,
    Register,
    RegisterRead,
    SubjectAccessRequest,
)

from . import factories as f

pytestmark = pytest.mark.django_db

D = dt.date

LISTS = [
    "registers:index",
    "registers:ombudsman_list",
    "registers:payment_list",
    "registers:cost_list",
    "registers:restriction_list",
    "registers:advocacy_list",
    "registers:sar_list",
]
NEW_PAGES = [
    "registers:ombudsman_new",
    "registers:payment_new",
    "registers:cost_new",
    "registers:restriction_new",
    "registers:advocacy_new",
    "registers:sar_new",
]


def date_parts(name: str, value: dt.date) -> dict[str, str]:
    return {
        f"{name}_0": str(value.day),
        f"{name}_1": str(value.month),
        f"{name}_2": str(value.year),
    }


# --- Who may see what -----------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS + NEW_PAGES)
def test_officer_and_administrator_see_every_page(sign_in, officer, admin_user, name):
    for user in (officer, admin_user):
        assert sign_in(user).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("who", ["report_viewer", "io_user", "ip_user", "panel_users"])
@pytest.mark.parametrize("name", LISTS + NEW_PAGES)
def test_report_viewers_and_appointees_see_no_register(request, sign_in, who, name):
    user = request.getfixturevalue(who)
    user = user[0] if isinstance(user, list) else user
    assert sign_in(user).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", LISTS)
def test_managers_read_lists_but_not_subject_access_requests(sign_in, manager, name):
    expected = 403 if name == "registers:sar_list" else 200
    assert sign_in(manager).get(reverse(name)).status_code == expected


@pytest.mark.parametrize("name", NEW_PAGES)
def test_managers_change_nothing(sign_in, manager, case, name):
    client = sign_in(manager)
    assert client.get(reverse(name), {"case": case.reference}).status_code == 403
    assert client.post(reverse(name), {"case": case.reference}).status_code == 403


def test_signed_out_goes_to_sign_in(client):
    response = client.get(reverse("registers:ombudsman_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/sign-in/")


def test_manager_reads_their_teams_records_only(sign_in, officer, manager, case, send_case):
    mine = f.ombudsman_case(actor=officer, case=case)
    theirs = f.ombudsman_case(actor=officer, case=send_case)
    standalone = f.ombudsman_case(actor=officer)
    client = sign_in(manager)
    page = client.get(reverse("registers:ombudsman_list")).content.decode()
    assert mine.ombudsman_reference in page
    assert theirs.ombudsman_reference not in page
    assert standalone.ombudsman_reference not in page
    assert client.get(reverse("registers:ombudsman", args=[mine.pk])).status_code == 200
    for other in (theirs, standalone):
        assert client.get(reverse("registers:ombudsman", args=[other.pk])).status_code == 404
    # Read-only: no change buttons.
    page = client.get(reverse("registers:ombudsman", args=[mine.pk])).content.decode()
    assert "Change details or decision" not in page
    assert client.get(reverse("registers:ombudsman_edit", args=[mine.pk])).status_code == 403


def test_record_reads_are_logged(sign_in, officer, case):
    payment = f.payment(actor=officer, case=case)
    sign_in(officer).get(reverse("registers:payment", args=[payment.pk]))
    read = RegisterRead.objects.get()
    assert (read.register, read.record_id, read.user, read.via) == (
        Register.PAYMENT,
        payment.pk,
        officer,
        "web",
    )


def test_unknown_record_is_404(sign_in, officer):
    client = sign_in(officer)
    for name in ("ombudsman", "payment", "cost", "restriction", "advocacy", "sar"):
        assert client.get(reverse(f"registers:{name}", args=[999])).status_code == 404


# --- Journeys through the forms -------------------------------------------------------------


def test_the_payment_of_a_remedy_is_chosen_on_the_payment_page(sign_in, officer, case):
    """From the Ombudsman case, the payment page offers its payment remedy; paying it marks
    the remedy complied with, shown on the Ombudsman case's page."""
    omb = f.ombudsman_case(actor=officer, case=case)
    services.ombudsman_case_update(
        ombudsman_case=omb,
        actor=officer,
        decision="upheld",
        decision_on=D(2024, 5, 20),
        injustice=True,
    )
    remedy = services.ombudsman_remedy_add(
        ombudsman_case=omb, actor=officer, kind="payment", amount=Decimal("1300")
    )
    client = sign_in(officer)
    url = reverse("registers:payment_new") + f"?ombudsman={omb.pk}"
    form = client.get(url).content.decode()
    assert "Which remedy it pays" in form
    response = client.post(
        url,
        {
            "kind": "financial_remedy",
            "amount": "1300.00",
            **date_parts("paid_on", D(2024, 6, 20)),
            "reason": "Ombudsman remedy",
            "ombudsman_case": str(omb.pk),
            "remedy": str(remedy.pk),
        },
    )
    assert response.status_code == 302
    remedy.refresh_from_db()
    assert remedy.complied_on == D(2024, 6, 20)
    page = client.get(reverse("registers:ombudsman", args=[omb.pk])).content.decode()
    assert "Paid £1,300.00 on 20 June 2024 (payment recorded in Harken)." in page


def test_officer_records_ombudsman_case_decision_and_payment_remedy(sign_in, officer, case):
    client = sign_in(officer)
    url = reverse("registers:ombudsman_new") + f"?case={case.reference}"
    page = client.get(url).content.decode()
    assert case.reference in page
    complainant = case.parties.get().person
    response = client.post(
        url,
        {
            "ombudsman_reference": "23 017 001",
            **date_parts("enquiry_received_on", D(2024, 3, 1)),
            **date_parts("response_due_on", D(2024, 3, 29)),
            "decision": "in_progress",
            "person": str(complainant.pk),
        },
    )
    omb = OmbudsmanCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registers:ombudsman", args=[omb.pk])
    assert omb.case == case
    assert omb.person == complainant

    response = client.post(
        reverse("registers:ombudsman_edit", args=[omb.pk]),
        {
            "ombudsman_reference": "23 017 001",
            **date_parts("enquiry_received_on", D(2024, 3, 1)),
            "decision": "upheld_injustice",
            **date_parts("decision_on", D(2024, 5, 20)),
        },
    )
    assert response.status_code == 302
    omb.refresh_from_db()
    assert (omb.decision, omb.injustice) == ("upheld", True)

    response = client.post(
        reverse("registers:remedy_new", args=[omb.pk]),
        {"kind": "payment", "amount": "£1,300", **date_parts("due_on", D(2024, 7, 20))},
    )
    assert response.status_code == 302
    remedy = OmbudsmanRemedy.objects.get()
    assert remedy.amount == Decimal("1300.00")

    page = client.get(reverse("registers:ombudsman", args=[omb.pk])).content.decode()
    assert "£1,300.00" in page
    assert "Upheld with injustice" in page
    assert "20 July 2024" in page

    # The payment made, from the Ombudsman case.
    response = client.post(
        reverse("registers:payment_new") + f"?ombudsman={omb.pk}",
        {
            "kind": "financial_remedy",
            "amount": "1300.00",
            **date_parts("paid_on", D(2024, 6, 20)),
            "reason": "Ombudsman remedy",
            "recommended_by_ombudsman": "on",
            "ombudsman_case": str(omb.pk),
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.case, payment.ombudsman_case) == (case, omb)

    # Compliance, with evidence.
    response = client.post(
        reverse("registers:remedy_edit", args=[omb.pk, remedy.pk]),
        {
            "kind": "payment",
            "amount": "1300.00",
            **date_parts("due_on", D(2024, 7, 20)),
            **date_parts("complied_on", D(2024, 6, 20)),
            "evidence": "Paid by BACS",
        },
    )
    assert response.status_code == 302
    remedy.refresh_from_db()
    assert remedy.complied_on == D(2024, 6, 20)


def test_form_errors_show_in_the_error_summary_and_save_nothing(sign_in, officer, case):
    client = sign_in(officer)
    url = reverse("registers:ombudsman_new")
    response = client.post(url, {"decision": "in_progress"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "<title>Error:" in page
    assert "Enter a summary" in page
    assert "Enter the person&#x27;s name" in page
    assert not OmbudsmanCase.objects.exists()


def test_service_refusal_shows_beside_the_field(sign_in, officer, case):
    omb = f.ombudsman_case(actor=officer, case=case)
    services.ombudsman_case_update(
        ombudsman_case=omb, actor=officer, decision="not_upheld", decision_on=D(2024, 5, 20)
    )
    response = sign_in(officer).post(
        reverse("registers:remedy_new", args=[omb.pk]),
        {"kind": "apology", **date_parts("complied_on", D(2024, 5, 1)), "evidence": "Letter"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "must be on or after the Ombudsman&#x27;s decision (20 May 2024)" in page
    assert 'href="#id_complied_on_0"' in page
    assert not OmbudsmanRemedy.objects.exists()


def test_unknown_case_reference_is_an_error_on_the_find_form(sign_in, officer):
    client = sign_in(officer)
    response = client.get(reverse("registers:payment_new"), {"case": "HK-1999-00001"})
    assert response.status_code == 200
    assert "There is no case with that reference you can see" in response.content.decode()
    assert client.post(reverse("registers:payment_new") + "?case=HK-1999-00001").status_code == 404


def test_cost_needs_a_case(sign_in, officer, case):
    client = sign_in(officer)
    page = client.get(reverse("registers:cost_new")).content.decode()
    assert "Find case" in page
    assert "Save cost" not in page
    response = client.post(
        reverse("registers:cost_new") + f"?case={case.reference}",
        {
            "role": "ip",
            "stage_number": "1",
            "amount": "450",
            **date_parts("incurred_on", D(2024, 4, 1)),
            "supplier": "A. Person",
        },
    )
    assert response.status_code == 302


def test_officer_logs_a_sar_and_sees_its_due_date_explained(sign_in, officer):
    client = sign_in(officer)
    response = client.post(
        reverse("registers:sar_new"),
        {
            "first_name": "Sam",
            "last_name": "Requester",
            "email": "sam@example.org",
            **date_parts("received_on", D(2024, 5, 31)),
            **date_parts("identity_verified_on", D(2024, 5, 31)),
        },
    )
    sar = SubjectAccessRequest.objects.get()
    assert response["Location"] == reverse("registers:sar", args=[sar.pk])
    page = client.get(response["Location"]).content.decode()
    assert "SAR-2024-0001" in page
    assert "Due 1 July 2024" in page
    assert "(June has no 31st), moved from Sunday 30 June 2024 to the next working day" in page

    extend = reverse("registers:sar_extend", args=[sar.pk])
    response = client.post(
        extend, {"reason": "Many files", **date_parts("requester_told_on", D(2024, 6, 28))}
    )
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.extended_due_on == D(2024, 9, 2)  # 31 August 2024 is a Saturday


def test_sar_extension_after_the_first_month_is_refused_on_the_page(sign_in, officer):
    sar = f.sar(actor=officer, received_on=D(2024, 5, 1), identity_verified_on=D(2024, 5, 1))
    response = sign_in(officer).post(
        reverse("registers:sar_extend", args=[sar.pk]),
        {"reason": "Many files", **date_parts("requester_told_on", D(2024, 6, 4))},
    )
    assert response.status_code == 200
    assert "within the first month, by 3 June 2024" in response.content.decode()


def test_restriction_end_and_advocacy_outcome_forms(sign_in, officer, case):
    client = sign_in(officer)
    restriction = f.restriction(actor=officer, case=case)
    response = client.post(
        reverse("registers:restriction_end", args=[restriction.pk]),
        {**date_parts("ended_on", D(2024, 6, 28)), "end_reason": "Reviewed"},
    )
    assert response.status_code == 302
    restriction.refresh_from_db()
    assert restriction.ended_on == D(2024, 6, 28)

    response = client.post(
        reverse("registers:advocacy_new") + f"?case={case.reference}",
        {
            "first_name": "Jo",
            "last_name": "Child",
            **date_parts("referred_on", D(2024, 2, 1)),
            "provider": "independent",
            "provider_name": "Independent advocacy service",
            "outcome": "pending",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Jo Child" in page
    assert "Awaiting outcome" in page


# --- The banner on the case page ------------------------------------------------------------


def test_banner_shows_on_the_persons_cases_while_in_force(sign_in, officer, io_user, case):
    from harken.cases import services as case_services
    from harken.cases.services import PersonInput
    from harken.cases.tests.factories import complaint

    person = case.parties.get().person
    other = complaint(actor=officer, received_on=D(2024, 2, 1))
    case_services.case_add_person(
        case=other, item=PersonInput(role="complainant", person=person), actor=officer
    )
    restriction = f.restriction(actor=officer, case=case, decision_on=D(2024, 5, 1))
    client = sign_in(officer)
    for c in (case, other):
        page = client.get(reverse("casework:case", args=[c.reference])).content.decode()
        assert "Contact restrictions in force" in page
        assert "Contact by e-mail only, to one officer." in page
    services.restriction_update(
        restriction=restriction, actor=officer, ended_on=D(2024, 7, 1), end_reason="Reviewed"
    )
    page = client.get(reverse("casework:case", args=[case.reference])).content.decode()
    assert "Contact restrictions in force" in page  # still in force until 1 July
    with time_machine.travel(dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        page = client.get(reverse("casework:case", args=[case.reference])).content.decode()
    assert "Contact restrictions in force" not in page


def test_case_panel_lists_the_case_records(sign_in, officer, manager, case):
    omb = f.ombudsman_case(actor=officer, case=case)
    f.payment(actor=officer, case=case)
    f.cost(actor=officer, case=case)
    page = sign_in(manager).get(reverse("casework:case", args=[case.reference])).content.decode()
    assert omb.ombudsman_reference in page
    assert "£250.00" in page
    assert "Investigating Officer £1,200.00" in page
    assert "?case=" not in page  # managers read only


def test_case_page_reads_empty_registers_in_one_statement(sign_in, officer, case):
    """A case with no register records: one statement finds that out (the panel still says
    "None" for each); with a payment only, the payment is read and shown, nothing else."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = sign_in(officer)
    url = reverse("casework:case", args=[case.reference])

    def register_statements():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url).content.decode()
        return page, [q["sql"] for q in ctx.captured_queries if "registers_" in q["sql"]]

    page, statements = register_statements()
    assert len(statements) == 1
    assert "Ombudsman, payments, costs and advocacy" in page
    assert "Contact restrictions in force" not in page
    f.payment(actor=officer, case=case)
    page, statements = register_statements()
    assert len(statements) == 2
    assert "£250.00" in page


# --- Filters and query counts ---------------------------------------------------------------


def test_list_filters(sign_in, officer, case):
    f.payment(actor=officer, case=case, paid_on=D(2024, 2, 1), amount=Decimal("100"))
    f.payment(actor=officer, case=case, paid_on=D(2024, 5, 1), amount=Decimal("200"))
    client = sign_in(officer)
    page = client.get(
        reverse("registers:payment_list"),
        {"paid_from_0": "1", "paid_from_1": "4", "paid_from_2": "2024"},
    ).content.decode()
    assert "1 record, £200.00 in all" in page
    assert "Remove this filter" in page
    # A bad date is an error, not a 500, and the filter is ignored.
    response = client.get(
        reverse("registers:payment_list"),
        {"paid_from_0": "40", "paid_from_1": "4", "paid_from_2": "2024"},
    )
    assert response.status_code == 200
    assert "2 records, £300.00 in all" in response.content.decode()
    assert "There is a problem" in response.content.decode()


def _fill(officer, case, n: int) -> None:
    for i in range(n):
        omb = f.ombudsman_case(actor=officer, case=case if i % 2 else None)
        services.ombudsman_remedy_add(ombudsman_case=omb, actor=officer, kind="apology")
        f.payment(actor=officer, case=case)
        f.cost(actor=officer, case=case)
        f.referral(actor=officer, case=case if i % 2 else None)
        f.sar(actor=officer)
        f.restriction(actor=officer, case=case)


@pytest.mark.parametrize("name", LISTS[1:])
def test_list_queries_are_bounded(sign_in, officer, case, django_assert_max_num_queries, name):
    client = sign_in(officer)
    _fill(officer, case, 2)
    client.get(reverse(name))  # warm the session and caches
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse(name)).status_code == 200
    _fill(officer, case, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).status_code == 200
