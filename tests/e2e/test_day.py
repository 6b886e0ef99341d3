"""Where the day starts, in a browser with axe-core on every page and state visited: the start
page for an officer and a manager, a saved view, a bulk re-assign, the caseload downloaded.

Cases are received in early 2025 (in the past whatever day the suite runs), so every one of
them is overdue today.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_accessible
from .test_casework import staff

D = dt.date


@pytest.fixture
def day_setup() -> dict[str, Any]:
    from harken.accounts.models import Role, Team
    from harken.cases import reference_data, services
    from harken.cases.tests.factories import complaint
    from harken.procedures.services import install_shipped_procedures

    reference_data.install()
    install_shipped_procedures()
    officer = staff("olive_officer", Role.FEEDBACK_OFFICER)
    assessment = Team.objects.get(name="Assessment Teams")
    manager = staff("mo_manager", Role.MANAGER, teams=[assessment])
    cases = [
        complaint(actor=officer, received_on=D(2025, 1, 6 + i), summary=f"Complaint {i}")
        for i in range(3)
    ]
    other = complaint(actor=officer, received_on=D(2025, 1, 9), team="SEND Team")
    services.case_assign(case=cases[0], user=officer, actor=officer)
    return {"officer": officer, "manager": manager, "cases": cases, "other": other}


def test_the_officers_start_page_leads_to_their_overdue_cases(
    page: Page, server: str, login_as: Any, day_setup: dict[str, Any]
) -> None:
    login_as(day_setup["officer"])
    page.goto(server + "/staff/start/")
    expect(page.locator("h1")).to_have_text("Your day")
    assert_accessible(page, context="officer start page")
    page.get_by_role("link", name="Overdue assigned to you").click()
    expect(page.locator("h1")).to_have_text("Caseload")
    table = page.locator(".hk-case-table")
    expect(table).to_contain_text(day_setup["cases"][0].reference)
    expect(table).not_to_contain_text(day_setup["cases"][1].reference)
    assert_accessible(page, context="caseload from the start page")
    # The caseload remembers: opening it again from the navigation keeps the filter.
    page.get_by_role("link", name="Caseload", exact=True).click()
    expect(table).not_to_contain_text(day_setup["cases"][1].reference)
    page.get_by_role("link", name="Clear filters").click()
    expect(table).to_contain_text(day_setup["cases"][1].reference)


def test_the_managers_start_page_shows_their_teams_and_their_actions(
    page: Page, server: str, login_as: Any, day_setup: dict[str, Any]
) -> None:
    from harken.learning.models import Source
    from harken.learning.tests.factories import action, recommendation

    officer, manager = day_setup["officer"], day_setup["manager"]
    rec = recommendation(
        officer,
        day_setup["cases"][0],
        source=Source.OMBUDSMAN,
        made_on=D(2025, 2, 1),
        decided_on=D(2025, 2, 1),
    )
    action(officer, rec, manager, due_on=D(2025, 3, 1), description="Retrain the duty team")
    login_as(manager)
    page.goto(server + "/staff/start/")
    main = page.locator("main")
    expect(main).to_contain_text("Your teams’ open complaints")  # noqa: RUF001
    expect(main).to_contain_text("Retrain the duty team")
    expect(main).not_to_contain_text("SEND Team")
    assert_accessible(page, context="manager start page")
    page.get_by_role("link", name="3 open complaints in Assessment Teams").click()
    table = page.locator(".hk-case-table")
    for case in day_setup["cases"]:
        expect(table).to_contain_text(case.reference)
    expect(table).not_to_contain_text(day_setup["other"].reference)


def test_a_saved_view_is_found_again_in_one_click(
    page: Page, server: str, login_as: Any, day_setup: dict[str, Any]
) -> None:
    login_as(day_setup["officer"])
    page.goto(server + "/staff/?reset=1")
    page.get_by_label("Assigned to").select_option("me")
    page.get_by_role("button", name="Apply filters").first.click()
    page.get_by_role("link", name="Save these filters as a view").click()
    expect(page.locator("h1")).to_have_text("Save a view")
    expect(page.locator("main")).to_contain_text("Assigned to: Me")
    assert_accessible(page, context="save a view")
    page.get_by_role("button", name="Save view").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the view")
    assert_accessible(page, context="save a view with an error")
    page.get_by_label("Name of the view").fill("Mine")
    page.get_by_label("Name of the view").press("Enter")
    expect(page.locator("h1")).to_have_text("Caseload")
    page.goto(server + "/staff/?reset=1")
    expect(page.locator(".hk-case-table")).to_contain_text(day_setup["cases"][1].reference)
    page.get_by_role("link", name="Mine", exact=True).click()
    table = page.locator(".hk-case-table")
    expect(table).to_contain_text(day_setup["cases"][0].reference)
    expect(table).not_to_contain_text(day_setup["cases"][1].reference)
    assert_accessible(page, context="caseload from a saved view")
    page.goto(server + "/staff/views/")
    assert_accessible(page, context="saved views")


def test_several_cases_reassigned_at_once(
    page: Page, server: str, login_as: Any, day_setup: dict[str, Any]
) -> None:
    from harken.cases.models import TimelineEvent

    officer, manager = day_setup["officer"], day_setup["manager"]
    first, second, _third = day_setup["cases"]
    login_as(officer)
    page.goto(server + "/staff/?reset=1")
    assert_accessible(page, context="caseload with bulk actions")
    page.get_by_label(f"Select {first.reference}").check()
    page.get_by_label(f"Select {second.reference}").focus()
    page.keyboard.press("Space")
    page.get_by_label("Assign to").select_option(str(manager.pk))
    page.get_by_role("button", name="Assign selected cases").click()
    expect(page.locator("h1")).to_have_text("Changes to the selected cases")
    expect(page.locator("main")).to_contain_text(f"Assigned to {manager}: 2 cases")
    assert_accessible(page, context="bulk re-assign done")
    for case in (first, second):
        case.refresh_from_db()
        assert case.assigned_to == manager
        assert (
            TimelineEvent.objects.filter(case=case, description=f"Assigned to {manager}").count()
            == 1
        )
    page.get_by_role("link", name="Back to the caseload").click()
    page.get_by_role("button", name="Assign selected cases").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one case")
    assert_accessible(page, context="bulk action with nothing selected")


def test_the_caseload_downloaded_as_filtered(
    page: Page, server: str, login_as: Any, day_setup: dict[str, Any]
) -> None:
    from openpyxl import load_workbook

    from harken.cases.models import CaseRead

    officer = day_setup["officer"]
    login_as(officer)
    page.goto(server + "/staff/?assigned=me")
    with page.expect_download() as got:
        page.get_by_role("link", name="Excel spreadsheet of the caseload").click()
    download = got.value
    assert download.suggested_filename.startswith("caseload-")
    with open(download.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert [c.value for c in sheet["A"]] == ["Reference", day_setup["cases"][0].reference]
    with page.expect_download() as got:
        page.get_by_role("link", name="CSV file of the caseload").click()
    with open(got.value.path(), encoding="utf-8") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert [r[0] for r in rows] == ["Reference", day_setup["cases"][0].reference]
    assert CaseRead.objects.filter(user=officer, via="caseload download").count() == 2
