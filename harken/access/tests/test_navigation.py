"""The staff navigation shows each person the sections they may open, and only those."""

from __future__ import annotations

import pytest
from django.urls import reverse

from harken.access.navigation import NAVIGATION
from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", Role.values)
def test_every_link_shown_opens_and_every_section_hidden_is_refused(client, sign_in, role):
    user = make_user(f"someone_{role}", role)
    signed_in = sign_in(user)
    home = signed_in.get("/staff/account/")
    assert home.status_code == 200
    shown = {item["url"] for item in home.context["staff_navigation"]}
    for _label, name, _roles in NAVIGATION:
        url = reverse(name)
        response = signed_in.get(url)
        if url in shown:
            assert response.status_code == 200, (role, url, response.status_code)
        elif url in ("/staff/", "/staff/start/"):
            # The caseload and the start page (where signing in lands): those without one
            # are sent on to what they can see.
            assert response.status_code == 302, (role, url)
        else:
            assert response.status_code in {403, 404}, (role, url, response.status_code)


def test_the_sections_opened_now_and_then_are_under_more(client, sign_in):
    """The main line keeps the daily work; the rest opens from "More" (a <details>)."""
    html = sign_in(make_user("ada_admin", Role.ADMINISTRATOR)).get("/staff/").content.decode()
    main, more = html.split('<details class="hk-nav-more__details">', 1)
    more = more.split("</details>", 1)[0]
    for label in ("Letter templates", "Users", "My reminders", "Your account"):
        assert f">{label}</a>" in more
        assert f">{label}</a>" not in main.split('id="navigation"', 1)[1]
    for label in ("Team", "Search", "Registers", "Action plan", "Reports"):
        assert f">{label}</a>" in main


def test_more_is_marked_when_one_of_its_sections_is_open(client, sign_in):
    html = sign_in(make_user("ada_admin", Role.ADMINISTRATOR)).get("/staff/account/")
    page = html.content.decode()
    assert "hk-nav-more govuk-service-navigation__item--active" in page
    assert 'href="/staff/account/" aria-current="page"' in page
