"""The error pages render in the council's branding and pass axe."""

from __future__ import annotations

from playwright.sync_api import expect

from .axe import assert_accessible


def test_not_found_page_is_accessible(page, server):
    response = page.goto(server + "/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert font.lower().startswith("arial"), "the council stylesheet is not loaded"
    assert_accessible(page)
