"""The complaints report in a browser, with axe-core on every page and state visited.

- A report viewer chooses a period (a mistake first), reads the internal edition, switches to
  the published one, builds the PDF and downloads it, reads the definitions.
- A feedback officer saves the report, writes its highlights (a mistake first), adds an
  anonymised example linked to a case, and sees the reference only in the internal edition.

Every date is in the first quarter of 2025/26, in the past whatever day the suite runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_accessible

D = dt.date


@pytest.fixture
def records() -> Any:
    """Reference data (flushed by the live-server database) and a quarter of complaints."""
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases import reference_data
    from harken.cases.models import Kind, Outcome
    from harken.cases.services import case_create
    from harken.cases.tests.factories import complaint, respond_all
    from harken.procedures.services import install_shipped_procedures

    reference_data.install()
    install_shipped_procedures()
    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    cases = []
    for day, team in (
        (2, "SEND Team"),
        (3, "SEND Team"),
        (7, "Assessment Teams"),
        (8, "Early Help"),
    ):
        case = complaint(actor=officer, received_on=D(2025, 4, day), team=team)
        respond_all(case, on=D(2025, 4, 22), actor=officer, outcome=Outcome.NOT_UPHELD)
        cases.append(case)
    for day in range(1, 13):
        case_create(
            actor=officer,
            kind=Kind.COMPLIMENT,
            channel="email",
            received_on=D(2025, 5, day),
            summary="Thank you",
        )
    return officer, cases


def test_report_viewer_reads_both_editions_and_downloads_the_pdf(
    page: Page, server: str, login_as: Any, records: Any
) -> None:
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user

    login_as(make_user("rita_reports", Role.REPORT_VIEWER))
    page.goto(server + "/staff/reports/")
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    assert_accessible(page, context="choose a period")

    page.get_by_role("button", name="Show the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a period")
    assert_accessible(page, context="no period chosen")

    page.get_by_label("Period").select_option("q1-2025")
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator("h1")).to_contain_text("Complaints and feedback report")
    expect(page.get_by_text("Internal edition: every figure is shown")).to_be_visible()
    table = page.locator("#table-stage1-teams table")
    expect(table).to_contain_text("SEND Team")
    expect(page.locator("#table-stage1-teams img")).to_have_attribute(
        "alt", "Chart of table 7, Stage 1 complaints by team. The figures are in the table."
    )
    assert_accessible(page, context="internal edition")

    page.get_by_role("link", name="Published edition").click()
    expect(page.locator(".govuk-inset-text").first).to_contain_text("a number from 1 to 5")
    expect(page.locator("#table-stage1-teams tbody tr").first).to_contain_text("*")
    assert_accessible(page, context="published edition")

    # The PDF is built by the task worker (at once here, as in development), then downloaded.
    page.get_by_role("button", name="Build the report as PDF").click()
    expect(page.locator("h1")).to_have_text("PDF of the report")
    expect(page.get_by_text("Your report is ready")).to_be_visible()
    assert_accessible(page, context="report file built")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF file").click()
    download = info.value
    assert download.suggested_filename.endswith("-published.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_role("link", name="Back to the report").click()
    expect(page.get_by_text("a number from 1 to 5").first).to_be_visible()

    page.get_by_role("link", name="How each figure is counted").first.click()
    expect(page.locator("h1")).to_have_text("How each figure is counted")
    assert_accessible(page, context="definitions")


def test_officer_saves_the_report_with_text_and_an_example(
    page: Page, server: str, login_as: Any, records: Any
) -> None:
    officer, cases = records
    login_as(officer)
    page.goto(server + "/staff/reports/report/?from=2025-04-01&to=2025-06-30")
    page.get_by_text("Save this report to add the team's text and examples").click()
    page.get_by_label("Title").fill("Quarter 1 complaints report")
    page.get_by_role("button", name="Save report").click()
    expect(page.locator("h1")).to_have_text("Quarter 1 complaints report")
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    assert_accessible(page, context="saved report")

    page.get_by_role("link", name="Edit the title and text").click()
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save text").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title for the report")
    assert_accessible(page, context="text with a mistake")
    page.get_by_label("Title").fill("Quarter 1 complaints report")
    page.get_by_label("Highlights").fill("Every stage 1 complaint was answered in April.")
    page.get_by_role("button", name="Save text").click()
    expect(page.get_by_text("Every stage 1 complaint was answered in April.")).to_be_visible()

    page.get_by_role("link", name="Add an example to stage 1 complaints").click()
    assert_accessible(page, context="example form")
    page.get_by_label("Example", exact=True).fill("A parent asked for a single social worker.")
    page.get_by_label("Case it is drawn from (optional)").fill(cases[2].reference)
    page.get_by_role("button", name="Save example").click()
    expect(page.get_by_text("A parent asked for a single social worker.")).to_be_visible()
    expect(page.get_by_text(f"Drawn from case {cases[2].reference}")).to_be_visible()
    assert_accessible(page, context="saved report with example")

    page.get_by_role("link", name="Published edition").click()
    expect(page.get_by_text("A parent asked for a single social worker.")).to_be_visible()
    expect(page.get_by_text(cases[2].reference)).to_have_count(0)

    page.get_by_role("link", name="Internal edition").click()
    page.get_by_role("button", name="Publish this report").click()
    expect(page.get_by_text("Report published: its figures are now fixed.")).to_be_visible()
    assert_accessible(page, context="published report")


def test_report_viewer_reads_and_downloads_the_data_protection_counts(
    page: Page, server: str, login_as: Any, records: Any
) -> None:
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases.services import stage_acknowledge
    from harken.cases.tests.factories import complaint

    officer, _ = records
    case = complaint(actor=officer, received_on=D(2025, 4, 2), procedure_code="data-protection")
    stage_acknowledge(case=case, on=D(2025, 4, 9), actor=officer)
    login_as(make_user("rita_reports", Role.REPORT_VIEWER))
    page.goto(server + "/staff/reports/")
    page.get_by_role("link", name="data protection complaints received").click()
    expect(page.locator("h1")).to_have_text("Data protection complaints")
    assert_accessible(page, context="data protection: choose a period")

    page.get_by_role("button", name="Show the counts").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a period")
    assert_accessible(page, context="data protection: no period chosen")

    page.get_by_label("Period").select_option("q1-2025")
    page.get_by_role("button", name="Show the counts").click()
    expect(page.locator("h1")).to_contain_text("1 April 2025 to 30 June 2025")
    row = page.locator("#table-data-protection tr", has_text="Acknowledged within 30 days")
    expect(row.locator("td")).to_have_text(["1"])
    assert_accessible(page, context="data protection: the counts")

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    assert info.value.suggested_filename == (
        "data-protection-complaints-2025-04-01-to-2025-06-30.csv"
    )
