"""The pool of independent people in a browser (issue 14): an officer keeps the pool (list,
filters, add with errors, change, training); appoints from the pool to a stage, with the fee
and the DBS warning; an appointment refused for a conflict (the stage 2 Independent Person on
the stage 3 panel); and an Independent Person who signs in sees only their appointments and
uploads their report. axe on every new page in every state visited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .axe import assert_accessible

D = dt.date


@pytest.fixture
def pool_setup() -> None:
    from harken.cases import reference_data
    from harken.procedures.services import install_shipped_procedures

    reference_data.install()
    install_shipped_procedures()


class PoolForm:
    def __init__(self, page: Any) -> None:
        self.page = page

    def date(self, legend: str, value: dt.date) -> None:
        group = self.page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(value.day))
        group.get_by_label("Month").fill(str(value.month))
        group.get_by_label("Year").fill(str(value.year))

    def text(self, label: str, value: str) -> None:
        self.page.get_by_label(label, exact=True).fill(value)

    def choose(self, label: str, *, within: str | None = None) -> None:
        scope = self.page.get_by_role("group", name=within) if within else self.page
        scope.get_by_label(label, exact=True).check()

    def press(self, button: str) -> None:
        self.page.get_by_role("button", name=button).click()

    def error_summary(self) -> str:
        return self.page.locator(".govuk-error-summary").inner_text()


def _officer() -> Any:
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user

    return make_user("olive_officer", Role.FEEDBACK_OFFICER)


def test_officer_keeps_the_pool(page, server, login_as, pool_setup):
    from harken.pool.tests.conftest import make_entry

    officer = _officer()
    make_entry(officer, name="Larry Lapsed", dbs_checked_on=D(2019, 1, 1))
    login_as(officer)
    form = PoolForm(page)

    page.goto(server + "/staff/")
    page.locator(".hk-nav-more__summary").click()  # the pool is under More
    page.get_by_role("link", name="Pool", exact=True).first.click()
    expect(page.get_by_role("heading", name="Pool of independent people")).to_be_visible()
    expect(page.get_by_text("Over 3 years old")).to_be_visible()
    assert_accessible(page, context="pool list")
    page.goto(server + reverse("pool:list") + "?role=nonsense")
    assert_accessible(page, context="pool list with a bad filter")
    page.goto(server + reverse("pool:list") + "?role=io")
    expect(page.get_by_text("Nobody in the pool matches these filters.")).to_be_visible()
    assert_accessible(page, context="pool list, filtered to nobody")

    page.goto(server + reverse("pool:list"))
    page.get_by_role("button", name="Add a person").click()
    assert_accessible(page, context="add a person")
    form.press("Add to the pool")
    assert "Enter the name" in form.error_summary()
    assert "Select at least one role they can take" in form.error_summary()
    assert_accessible(page, context="add a person with errors")
    form.text("Name", "Gail Robson")
    form.choose("Another council", within="Who they work for")
    form.choose("No", within="Employed by this council")
    form.choose("Independent Person")
    form.choose("Review panel member")
    form.choose("Yes", within="Available for appointments now")
    form.text("Day rate", "300")
    form.date("Date of the DBS check", dt.date.today() - dt.timedelta(days=400))
    form.choose("Provided by a partner council")
    form.text("Partner council", "Gateshead Council")
    form.press("Add to the pool")
    assert "Enter the name of the council or charity they work for." in form.error_summary()
    form.text("Organisation", "Gateshead Council")
    form.press("Add to the pool")
    expect(page.get_by_text("Added to the pool", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Gail Robson")).to_be_visible()
    assert_accessible(page, context="pool entry")

    page.get_by_role("button", name="Record training").click()
    assert_accessible(page, context="record training")
    form.press("Save")
    assert "Enter the name of the course" in form.error_summary()
    assert_accessible(page, context="record training with errors")
    form.text("Course", "IP induction")
    done = dt.date.today() - dt.timedelta(days=30)
    form.date("Date completed", done)
    form.press("Save")
    expect(page.get_by_text(f"IP induction, {done.day} {done:%B %Y}", exact=True)).to_be_visible()

    page.get_by_role("button", name="Change").click()
    assert_accessible(page, context="change pool entry")
    form.choose("No", within="Available for appointments now")
    form.press("Save")
    expect(page.get_by_text("Pool entry updated", exact=True)).to_be_visible()
    expect(page.get_by_text("Pool entry changed: Gail Robson")).to_be_visible()


def _appoint(page: Any, server: str, case: Any, role: str) -> PoolForm:
    page.goto(server + reverse("casework:case", kwargs={"reference": case.reference}))
    page.get_by_role("button", name="Appoint from the pool").click()
    form = PoolForm(page)
    form.choose(role, within="Role")
    form.press("Show who is free")
    return form


def test_appointing_from_the_pool_with_the_fee_and_the_dbs_warning(
    page, server, login_as, pool_setup
):
    from harken.pool.tests.conftest import make_entry, to_stage2

    officer = _officer()
    make_entry(officer, name="Fran Free", dbs_checked_on=dt.date.today() - dt.timedelta(days=30))
    make_entry(officer, name="Larry Lapsed", dbs_checked_on=D(2019, 1, 1))
    case = to_stage2(officer)
    login_as(officer)
    page.goto(server + reverse("casework:case", kwargs={"reference": case.reference}))
    page.get_by_role("button", name="Appoint from the pool").click()
    assert_accessible(page, context="appoint from the pool: the role")
    form = PoolForm(page)
    form.press("Show who is free")
    assert "Select the role" in form.error_summary()
    assert_accessible(page, context="appoint from the pool: no role chosen")
    form = _appoint(page, server, case, "Independent Person")
    expect(page.get_by_text("Independent Person: who is free")).to_be_visible()
    expect(page.get_by_text("DBS check over three years old.")).to_be_visible()
    assert_accessible(page, context="appoint from the pool: who is free")
    form.choose("Days at the day rate")
    form.press("Appoint")
    assert "Select the person appointed" in form.error_summary()
    assert_accessible(page, context="appoint from the pool with errors")
    form.choose("Larry Lapsed")
    form.choose("Days at the day rate")
    form.text("Number of days", "2")
    form.press("Appoint")
    expect(page.get_by_text("Larry Lapsed appointed Independent Person.")).to_be_visible()
    expect(page.get_by_text("Their fee of £700.00 is in the costs register.")).to_be_visible()
    expect(
        page.get_by_text("DBS check is over three years old (checked on 1 January 2019)")
    ).to_be_visible()
    assert_accessible(page, context="case page after appointing from the pool")

    # Investigating Officer: nobody in the pool takes it.
    _appoint(page, server, case, "Investigating Officer")
    expect(
        page.get_by_text("Nobody in the pool is free to be Investigating Officer now.")
    ).to_be_visible()
    assert_accessible(page, context="appoint from the pool: nobody free")


def test_an_appointment_refused_for_a_conflict(page, server, login_as, pool_setup):
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.pool.tests.conftest import make_entry, to_stage3

    officer = _officer()
    io_user = make_user("ivy_io", Role.INVESTIGATING_OFFICER, employed_by_council=False)
    ip = make_entry(officer, name="Pat Independent")
    case = to_stage3(officer, io_user, ip)
    login_as(officer)
    form = _appoint(page, server, case, "Review panel member")
    form.choose("Pat Independent")
    form.choose("The fixed fee")
    form.press("Appoint")
    summary = form.error_summary()
    assert (
        "Pat Independent was the Independent Person at stage 2 and may not sit on the review "
        "panel." in summary
    )
    assert page.title().startswith("Error: ")
    assert_accessible(page, context="appointment refused for a conflict")
    page.goto(server + reverse("casework:case", kwargs={"reference": case.reference}))
    expect(page.get_by_text("Review panel member")).to_have_count(0)


def test_an_independent_person_sees_only_their_appointments(page, server, login_as, pool_setup):
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.pool import services
    from harken.pool.tests.conftest import make_entry, to_stage2

    officer = _officer()
    ip_user = make_user("ian_ip", Role.INDEPENDENT_PERSON, employed_by_council=False)
    entry = make_entry(officer, name="Ian Independent", user=ip_user)
    login_as(ip_user)
    page.goto(server + reverse("pool:mine"))
    expect(page.get_by_text("You are not appointed to any case now.")).to_be_visible()
    assert_accessible(page, context="your appointments: none")

    mine = to_stage2(officer)
    other = to_stage2(officer)
    services.pool_appoint(case=mine, pool_entry=entry, role="ip", on=D(2024, 2, 6), actor=officer)
    page.goto(server + "/staff/")
    page.get_by_role("link", name="Your appointments").first.click()
    expect(
        page.get_by_role("heading", name=f"{mine.reference}: Independent Person, stage 2")
    ).to_be_visible()
    expect(page.get_by_text(other.reference)).to_have_count(0)
    assert_accessible(page, context="your appointments")
    page.get_by_role("link", name=f"Upload your report for {mine.reference}").click()
    page.get_by_label("Upload a file").set_input_files(
        files=[
            {"name": "ip-report.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        ]
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("ip-report.pdf has been added to the case")).to_be_visible()
    page.goto(server + reverse("pool:mine"))
    expect(page.get_by_role("link", name="ip-report.pdf")).to_be_visible()
    assert_accessible(page, context="your appointments with your report")
    response = page.goto(server + reverse("casework:case", kwargs={"reference": other.reference}))
    assert response is not None
    assert response.status == 404
