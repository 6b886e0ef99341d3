"""The "Hide filter" / "Show filter" toggle of the caseload, the registers and the action plan:
a link, so it works without JavaScript; hiding the panel keeps the filters in force."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

LISTS = ["/staff/", "/staff/registers/ombudsman/", "/staff/learning/"]


def toggle(html: str) -> tuple[str, str]:
    found = re.search(
        r'<p class="govuk-body hk-filter-toggle"><a href="([^"]*)"[^>]*>([^<]+)</a>', html
    )
    assert found is not None, "no filter toggle"
    return found.group(1).replace("&amp;", "&"), found.group(2)


@pytest.mark.parametrize("url", LISTS)
def test_the_filter_is_shown_with_a_link_that_hides_it(manager, sign_in, url):
    html = sign_in(manager).get(url + "?status=open").content.decode()
    assert 'class="moj-filter-layout__filter"' in html
    link, label = toggle(html)
    assert label == "Hide filter"
    assert link == f"{url}?status=open&filter=hidden"


@pytest.mark.parametrize("url", LISTS)
def test_hidden_the_panel_is_gone_and_the_link_shows_it_again(manager, sign_in, url):
    response = sign_in(manager).get(url + "?status=open&filter=hidden")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="moj-filter-layout__filter"' not in html
    assert 'class="moj-filter-layout__content"' in html
    link, label = toggle(html)
    assert label == "Show filter"
    assert link == f"{url}?status=open"
