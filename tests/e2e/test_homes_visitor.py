"""An independent visitor in a browser: signs in with the two-factor sign-in (password, then
setting up the authenticator app), lands on "Your visits" with only their own visit, opens it,
uploads its report (refused with nothing chosen first) and cannot open another visitor's
visit. axe-core on every page and state."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Page, expect

from .axe import assert_accessible
from .test_casework import casework_setup  # noqa: F401 (a fixture)

PASSWORD = "correct horse battery"


@pytest.fixture
def visitor_setup(casework_setup: None) -> dict[str, Any]:  # noqa: F811 (imported fixture)
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.homes import services
    from harken.pool import services as pool
    from harken.pool.models import Organisation, PoolRole

    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    vera = make_user("vera_visitor", Role.INDEPENDENT_VISITOR, employed_by_council=False)
    entries = [
        pool.pool_entry_create(
            actor=officer,
            name=name,
            organisation_kind=Organisation.SELF_EMPLOYED,
            roles=[PoolRole.INDEPENDENT_VISITOR],
            user=user,
        )
        for name, user in (("Vera Visitor", vera), ("Walt Visitor", None))
    ]
    homes = [
        services.home_create(
            actor=officer,
            name=name,
            provider="Shire County Council",
            ownership="own",
            ofsted_urn=urn,
            places=4,
            opened_on=dt.date(2020, 1, 6),
        )
        for name, urn in (("Oak Lodge", "SC123456"), ("Elm House", "SC654321"))
    ]
    visited = dt.date.today() - dt.timedelta(days=3)
    visits = [
        services.visit_record(
            actor=officer,
            home=home,
            visited_on=visited,
            visitor_name="",
            visitor=entry,
            announced=False,
            children_spoken_to=2,
            parents_spoken_to=0,
            staff_spoken_to=3,
            safeguarded="yes",
            wellbeing_promoted="yes",
        )
        for home, entry in zip(homes, entries, strict=True)
    ]
    return {"vera": vera, "mine": visits[0], "theirs": visits[1]}


def test_an_independent_visitor_signs_in_and_uploads_their_report(
    page: Page, server: str, visitor_setup: dict[str, Any]
) -> None:
    page.goto(server + "/staff/")
    expect(page).to_have_url(re.compile(r"/staff/sign-in/"))
    page.get_by_label("Username or e-mail address").fill("vera_visitor")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Code from your authenticator app").fill(totp.now())
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="I have saved my recovery codes").click()

    # Where signing in lands: their own visits, nothing else in the navigation.
    expect(page).to_have_url(re.compile(r"/staff/homes/your-visits/$"))
    expect(page.locator("h1")).to_have_text("Your visits")
    assert_accessible(page, context="your visits")
    nav = page.locator("#navigation")
    expect(nav.get_by_role("link", name="Your visits")).to_be_visible()
    for hidden in ("Caseload", "Homes", "Registers", "Search"):
        expect(nav.get_by_role("link", name=hidden, exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Oak Lodge", exact=True)).to_be_visible()
    expect(page.get_by_text("Elm House")).to_have_count(0)

    # Their visit: the report, then upload it.
    page.get_by_role("link", name="Oak Lodge", exact=True).click()
    expect(page.locator("h1")).to_have_text("Oak Lodge")
    assert_accessible(page, context="the visitor's home page")
    page.go_back()
    page.locator("table a").first.click()
    expect(page.locator("h1")).to_contain_text("Regulation 44 visit of")
    expect(page.get_by_text("Not uploaded")).to_be_visible()
    expect(page.get_by_text("Issues raised")).to_have_count(0)
    assert_accessible(page, context="the visitor's visit")
    page.get_by_role("link", name="Upload the report").click()
    expect(page.locator("h1")).to_have_text("Upload the report")
    assert_accessible(page, context="upload the report")
    page.get_by_role("button", name="Upload report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the report to upload")
    assert_accessible(page, context="upload the report, nothing chosen")
    page.get_by_label("The visit's report").set_input_files(
        files=[
            {"name": "oak-visit.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        ]
    )
    page.get_by_role("button", name="Upload report").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Report uploaded")
    expect(page.get_by_role("link", name="oak-visit.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="Replace the report")).to_be_visible()
    assert_accessible(page, context="the visit with its report")

    # Another visitor's visit is not there; cases are not theirs.
    theirs = visitor_setup["theirs"].pk
    response = page.goto(f"{server}/staff/homes/visits/{theirs}/")
    assert response is not None
    assert response.status == 404
    response = page.goto(f"{server}/staff/homes/drop-ins/")
    assert response is not None
    assert response.status == 403
