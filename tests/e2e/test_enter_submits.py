"""Enter in a text box submits the form's main action (ADR 0126).

A browser submits a form on Enter with its first submit button; on the new-record form that
was "Find people already recorded", which sits with the person's name. The main action now
comes first and the find button after it, so Enter saves the record, and "Find people
already recorded" still finds people.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_accessible
from .test_casework import CasePage, casework_setup, staff  # noqa: F401 (a fixture)


def _fill_new_record(page: Page, server: str, surname: str) -> None:
    page.goto(server + "/staff/cases/new/")
    page.get_by_role("group", name="What kind of record is it?").get_by_label("Complaint").check()
    page.get_by_role("group", name="How was it received?").get_by_label("Phone").check()
    CasePage(page, server).date("received_on", dt.date(2025, 1, 6))
    page.get_by_label("Summary").fill("Nobody rang back")
    page.get_by_role("group", name="Teams it is about").get_by_label("Assessment Teams").check()
    page.locator("#id_complainant-first_name").fill("Dana")
    page.locator("#id_complainant-last_name").fill(surname)


@pytest.mark.usefixtures("casework_setup")
def test_enter_in_a_name_box_saves_the_record(page: Page, server: str, login_as: Any) -> None:
    from harken.accounts.models import Role
    from harken.cases.models import Case

    login_as(staff("olive_officer", Role.FEEDBACK_OFFICER))
    _fill_new_record(page, server, "Whitfield")
    assert_accessible(page, context="new record form, filled")
    # Keyboard order follows the page: the main action, then the find button.
    page.get_by_role("button", name="Save record").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Find people already recorded")).to_be_focused()

    page.locator("#id_complainant-last_name").press("Enter")

    expect(page.locator("h1")).to_have_text(re.compile(r"HK-\d{4}-\d{5}"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("recorded")
    assert Case.objects.filter(summary="Nobody rang back").count() == 1


@pytest.mark.usefixtures("casework_setup")
def test_find_people_already_recorded_still_finds_them(
    page: Page, server: str, login_as: Any
) -> None:
    from harken.accounts.models import Role
    from harken.cases.models import Case
    from harken.cases.tests.factories import complaint

    officer = staff("olive_officer", Role.FEEDBACK_OFFICER)
    earlier = complaint(actor=officer, received_on=dt.date(2025, 1, 2))
    person = earlier.parties.get(role="complainant").person
    login_as(officer)
    _fill_new_record(page, server, person.last_name)
    page.locator("#id_complainant-first_name").fill(person.first_name)

    page.get_by_role("button", name="Find people already recorded").click()

    expect(page.get_by_text("Is this someone already recorded?")).to_be_visible()
    expect(page.get_by_label(person.full_name)).to_be_visible()
    assert_accessible(page, context="new record form, people found")
    assert Case.objects.count() == 1  # found, nothing saved
