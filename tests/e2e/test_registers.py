"""The registers in a browser: an officer records an Ombudsman case from a case, its decision,
a payment remedy and the payment; a persistent-contact decision (the banner on the case); and
a subject access request with its due date explained. axe on every page and state visited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .axe import assert_accessible

D = dt.date


@pytest.fixture
def registers_setup() -> None:
    """The reference data a flushed database lacks (teams, themes, procedures)."""
    from harken.cases import reference_data
    from harken.procedures.services import install_shipped_procedures

    reference_data.install()
    install_shipped_procedures()


class RegisterForm:
    """A register form page: GOV.UK fields found by their labels."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def date(self, legend: str, value: dt.date) -> None:
        group = self.page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(value.day))
        group.get_by_label("Month").fill(str(value.month))
        group.get_by_label("Year").fill(str(value.year))

    def text(self, label: str, value: str) -> None:
        self.page.get_by_label(label, exact=True).fill(value)

    def choose(self, label: str) -> None:
        self.page.get_by_label(label, exact=True).check()

    def save(self, button: str) -> None:
        self.page.get_by_role("button", name=button).click()

    def error_summary(self) -> str:
        return self.page.locator(".govuk-error-summary").inner_text()


def test_officer_records_ombudsman_case_payment_remedy_and_sar(
    page, server, login_as, registers_setup
):
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases.tests.factories import complaint

    today = dt.date.today()
    received = today - dt.timedelta(days=60)
    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    case = complaint(actor=officer, received_on=received)
    login_as(officer)
    form = RegisterForm(page)

    # From the case page's registers panel.
    page.goto(server + reverse("casework:case", kwargs={"reference": case.reference}))
    page.get_by_role("link", name=f"Ombudsman case for {case.reference}").click()
    expect(page.get_by_role("heading", name="Record an Ombudsman case")).to_be_visible()
    assert_accessible(page, context="new Ombudsman case")
    form.save("Save Ombudsman case")
    assert "Enter the Ombudsman's reference" in form.error_summary()
    assert_accessible(page, context="new Ombudsman case with errors")
    form.text("Ombudsman's reference", "23 017 001")
    form.date("Date the Ombudsman's enquiry was received", received + dt.timedelta(days=20))
    form.choose("In progress (no decision yet)")
    form.save("Save Ombudsman case")
    expect(page.get_by_text("Ombudsman case recorded")).to_be_visible()
    expect(page.get_by_role("heading", name="23 017 001")).to_be_visible()
    assert_accessible(page, context="Ombudsman case page")

    # The decision, then a payment remedy.
    page.get_by_role("button", name="Change details or decision").click()
    form.choose("Upheld with injustice")
    form.date("Date of the decision", today - dt.timedelta(days=10))
    assert_accessible(page, context="change Ombudsman case")
    form.save("Save")
    expect(page.get_by_text("Upheld with injustice").first).to_be_visible()

    page.get_by_role("button", name="Add a remedy").click()
    form.choose("Payment")
    form.save("Save remedy")
    assert "Enter the amount to pay" in form.error_summary()
    assert_accessible(page, context="remedy with errors")
    form.text("Amount to pay", "1,300")
    form.date("Date due", today + dt.timedelta(days=20))
    form.save("Save remedy")
    expect(page.get_by_role("cell", name="Payment £1,300.00", exact=True)).to_be_visible()

    # The payment itself, from the Ombudsman case.
    page.get_by_role("button", name="Record a payment").click()
    expect(page.get_by_label("Amount paid")).to_be_visible()
    assert_accessible(page, context="new payment")
    form.choose("Financial remedy")
    form.text("Amount paid", "1300.00")
    form.date("Date paid", today)
    form.text("Reason", "Ombudsman remedy: time and trouble")
    form.save("Save payment")
    assert page.get_by_role(
        "heading", name=f"£1,300.00 paid {today.day} {today:%B %Y}"
    ).is_visible()
    assert_accessible(page, context="payment page")

    # The lists.
    page.goto(server + reverse("registers:index"))
    assert_accessible(page, context="registers index")
    page.get_by_role("link", name="Ombudsman cases").click()
    expect(page.get_by_role("link", name="23 017 001")).to_be_visible()
    assert_accessible(page, context="Ombudsman list")
    page.goto(server + reverse("registers:payment_list") + "?recommended_by_ombudsman=on")
    expect(page.get_by_text("1 record, £1,300.00 in all")).to_be_visible()
    assert_accessible(page, context="payments list, filtered")

    # A persistent-contact decision shows a banner on the case.
    page.goto(server + reverse("casework:case", kwargs={"reference": case.reference}))
    page.get_by_role("link", name=f"Contact restriction for {case.reference}").click()
    page.get_by_role("group", name="Someone on the case").get_by_role("radio").first.check()
    form.date("Date of the decision", today - dt.timedelta(days=1))
    form.text("Reason for the decision", "Several calls a day to different teams")
    form.text("Restrictions", "Contact by e-mail only, to the single point of contact.")
    form.text("Single point of contact", "Olive Officer")
    assert_accessible(page, context="new restriction")
    form.save("Save decision")
    page.goto(server + reverse("casework:case", kwargs={"reference": case.reference}))
    banner = page.get_by_role("region", name="Contact restrictions in force")
    assert banner.is_visible()
    assert "Contact by e-mail only" in banner.inner_text()
    assert_accessible(page, context="case page with the banner")

    # A subject access request.
    page.goto(server + reverse("registers:sar_list"))
    assert_accessible(page, context="SAR list")
    page.get_by_role("button", name="Log a request").click()
    form.save("Save request")
    assert "Enter the requester's name" in form.error_summary()
    assert_accessible(page, context="new SAR with errors")
    requester = page.get_by_role("group", name="Who made the request?")
    requester.get_by_label("First name").fill("Sam")
    requester.get_by_label("Last name").fill("Requester")
    sar_received = today - dt.timedelta(days=3)
    form.date("Date the request was received", sar_received)
    form.date("Date identity was verified", sar_received)
    form.save("Save request")
    expect(page.get_by_text("Subject access request logged")).to_be_visible()
    explanation = page.locator(".govuk-inset-text").inner_text()
    assert f"1 calendar month after receipt on {sar_received.day} {sar_received:%B %Y}" in (
        explanation
    )
    assert_accessible(page, context="SAR page")
    page.get_by_role("button", name="Extend").click()
    assert_accessible(page, context="extend SAR")
