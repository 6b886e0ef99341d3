"""The one MOJ filter panel (templates/includes/filter_panel.html) on the four list pages
that use it: each shows its fields, the filters applied as tags that remove them, and a
"Clear filters" link back to the page's own list."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

# (list, a filter applied, the tag it shows, a field of the page's own form)
PAGES = [
    ("/staff/registers/ombudsman/", "linked=standalone", "Standalone", 'name="decision"'),
    ("/staff/learning/", "status=outstanding", "Not started or in progress", 'name="owner"'),
    ("/staff/pool/", "role=ip", "Independent Person", 'name="sharing"'),
    ("/staff/homes/", "status=closed", "Closed", 'name="ownership"'),
]


@pytest.mark.parametrize(("url", "query", "tag", "field"), PAGES)
def test_the_panel_shows_the_filters_applied_and_clears_them(
    officer, sign_in, url, query, tag, field
):
    html = sign_in(officer).get(f"{url}?{query}").content.decode()
    assert (
        html.count('<div class="moj-filter__header-title"><h2 class="govuk-heading-m">Filter</h2>')
        == 1
    )
    assert field in html
    assert "Selected filters" in html
    assert f'<span class="govuk-visually-hidden">Remove this filter</span> {tag}</a>' in html
    assert f'href="{url}">Clear filters</a>' in html
    assert f'<form method="get" action="{url}" novalidate>' in html


@pytest.mark.parametrize(("url", "query", "tag", "field"), PAGES)
def test_with_no_filter_applied_there_are_no_tags(officer, sign_in, url, query, tag, field):
    html = sign_in(officer).get(url).content.decode()
    assert field in html
    assert "Selected filters" not in html
