"""Retention and disposal in a browser, with axe-core on every page and state visited.

An administrator changes a retention rule (a refusal first), places a legal hold on one case
(a refusal first), previews what is due, approves the preview, and after the scheduled job
has run sees the disposal in the log: the held case kept, the other anonymised.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_accessible


@pytest.fixture
def retention_setup() -> dict[str, Any]:
    """Reference data, the shipped schedule, an administrator, an officer and two complaints
    closed in 2018 (due under the six-year rule)."""
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases import reference_data
    from harken.cases.models import Case, Status
    from harken.cases.tests.factories import complaint
    from harken.procedures.services import install_shipped_procedures
    from harken.retention.defaults import install

    reference_data.install()
    install_shipped_procedures()
    install()
    admin = make_user("ada_admin", Role.ADMINISTRATOR)
    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    cases = [complaint(actor=officer, received_on=dt.date(2018, 1, 8)) for _ in range(2)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        status=Status.CLOSED, closed_on=dt.date(2018, 2, 1)
    )
    return {"admin": admin, "cases": cases}


def _accessible(page: Page, heading: str, context: str) -> None:
    expect(page.locator("h1")).to_contain_text(heading)
    assert_accessible(page, context=context)


def test_approving_a_disposal_preview(
    page: Page, server: str, login_as: Any, retention_setup: dict[str, Any]
) -> None:
    from harken.cases.models import Case
    from harken.retention import services

    held, disposed = retention_setup["cases"]
    login_as(retention_setup["admin"])
    page.goto(f"{server}/staff/")
    page.locator(".hk-nav-more__summary").click()  # retention is under More
    page.get_by_role("link", name="Retention").click()
    _accessible(page, "Retention and disposal", "retention index")
    expect(page.get_by_role("row", name=re.compile("^Complaints"))).to_contain_text(
        "6 years after closure"
    )

    # A rule changed: refused without a reason, then saved as version 2.
    page.get_by_role("link", name="Change the rule for complaints").click()
    _accessible(page, "Complaints", "rule page")
    page.get_by_label("Years").fill("5")
    page.get_by_role("button", name="Save a new version").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the rule is changing.")
    assert_accessible(page, context="rule page refused")
    page.get_by_label("Why is the rule changing?").fill("Schedule approved on 1 December 2026")
    page.get_by_role("button", name="Save a new version").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("rule is changed")
    expect(page.get_by_role("row").filter(has_text="Schedule approved")).to_contain_text("5 years")
    assert_accessible(page, context="rule page with history")

    # A legal hold on one case: refused without an explanation, then placed.
    page.goto(f"{server}/staff/retention/holds/")
    _accessible(page, "Legal holds", "holds (none)")
    page.get_by_role("link", name="Place a legal hold").click()
    _accessible(page, "Place a legal hold", "hold form")
    page.get_by_label("Case reference").fill(held.reference)
    page.get_by_label("Litigation").check()
    page.get_by_role("button", name="Place the hold").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why disposal must wait.")
    assert_accessible(page, context="hold form refused")
    page.get_by_label("Explain the hold").fill("Claim issued; keep until it is settled.")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.get_by_role("row").filter(has_text=held.reference)).to_contain_text("Litigation")
    assert_accessible(page, context="holds (one)")

    # A preview of what is due, approved.
    page.goto(f"{server}/staff/retention/disposals/")
    _accessible(page, "Disposals", "disposals (none)")
    page.get_by_role("link", name="Preview what is due now").click()
    _accessible(page, "Preview a disposal", "preview form")
    page.get_by_role("button", name="Make the preview").click()
    _accessible(page, "Disposal", "preview awaiting approval")
    row = page.get_by_role("row", name=re.compile("^Complaints"))
    expect(row).to_contain_text("5 years after closure (version 2)")
    expect(row.get_by_role("cell").last).to_have_text("1")  # the held case is not due
    page.get_by_role("button", name="Approve disposal").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("approved")
    assert_accessible(page, context="disposal approved")

    # The scheduled job carries it out; the log shows it.
    services.run_scheduled(day=dt.date.today())
    page.goto(f"{server}/staff/retention/disposals/")
    done = page.get_by_role("row", name=re.compile(r"^Disposal \d+ Carried out"))
    expect(done).to_contain_text(str(retention_setup["admin"]))
    assert_accessible(page, context="disposal log")
    assert Case.objects.get(pk=disposed.pk).summary == "Removed under the retention schedule"
    assert Case.objects.get(pk=held.pk).summary != "Removed under the retention schedule"


def test_a_hold_on_a_person_is_shown_in_the_preview(
    page: Page, server: str, login_as: Any, retention_setup: dict[str, Any]
) -> None:
    """From the person's page an administrator holds every record of the person; the preview
    leaves their case out and says which hold keeps it, why and who placed it."""
    theirs, _other = retention_setup["cases"]
    person = theirs.parties.get().person
    login_as(retention_setup["admin"])
    page.goto(f"{server}/staff/subject-access/people/{person.pk}/")
    _accessible(page, person.full_name, "person page")
    page.get_by_role("link", name="Place a legal hold on every record of this person").click()
    _accessible(page, "Place a legal hold", "person hold form")
    page.get_by_label("An inquiry").check()
    page.get_by_role("button", name="Place the hold").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why disposal must wait.")
    assert_accessible(page, context="person hold form refused")
    page.get_by_label("Explain the hold").fill("Inquiry into the placement; keep everything.")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "none of their records is disposed of"
    )
    expect(page.get_by_text("Inquiry into the placement")).to_be_visible()
    assert_accessible(page, context="person page with a hold")

    page.goto(f"{server}/staff/retention/disposals/new/")
    page.get_by_role("button", name="Make the preview").click()
    _accessible(page, "Disposal", "preview with a person hold")
    row = page.get_by_role("row", name=re.compile("^Complaints"))
    expect(row.get_by_role("cell").last).to_have_text("1")
    held = page.get_by_role("row", name=re.compile(f"^Every record of {person.full_name}"))
    expect(held).to_contain_text("An inquiry")
    expect(held).to_contain_text("Inquiry into the placement")
    expect(held).to_contain_text(str(retention_setup["admin"]))
    expect(held.get_by_role("cell").last).to_have_text("1")
