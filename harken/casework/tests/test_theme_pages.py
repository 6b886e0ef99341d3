"""The administrators' theme pages: list, add, change with history, retire, delete; every
other role is refused each page."""

from __future__ import annotations

import pytest

from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.cases.models import Theme, ThemeGroup

pytestmark = pytest.mark.django_db


def test_an_administrator_manages_themes_from_the_users_page(admin_user, sign_in, officer, case):
    client = sign_in(admin_user)
    assert "/staff/themes/" in client.get("/staff/users/").content.decode()
    listing = client.get("/staff/themes/").content.decode()
    assert "Communication" in listing
    response = client.post("/staff/themes/groups/new/", {"name": "Staff"})
    assert response.status_code == 302
    staff = ThemeGroup.objects.get(name="Staff")
    response = client.post(
        "/staff/themes/new/", {"name": "Staff attitude", "group": staff.pk, "active": "on"}
    )
    assert response.status_code == 302
    theme = Theme.objects.get(name="Staff attitude")
    assert theme.group == staff
    page = client.get(f"/staff/themes/{theme.pk}/").content.decode()
    assert "Theme Staff attitude added" in page
    assert "Delete this theme" in page
    communication = Theme.objects.get(name="Communication")
    page = client.get(f"/staff/themes/{communication.pk}/").content.decode()
    assert "It cannot be deleted" in page
    response = client.post(
        f"/staff/themes/{communication.pk}/", {"name": "Communication", "group": ""}
    )
    assert response.status_code == 302
    communication.refresh_from_db()
    assert not communication.active
    form = client.get(f"/staff/cases/{case.reference}/edit/").content.decode()
    assert ">Communication<" not in form  # retired: no longer offered
    response = client.post(f"/staff/themes/{communication.pk}/delete/")
    assert Theme.objects.filter(pk=communication.pk).exists()
    response = client.post(f"/staff/themes/{theme.pk}/delete/")
    assert response.status_code == 302
    assert not Theme.objects.filter(pk=theme.pk).exists()


def test_a_taken_name_is_shown_beside_the_field(admin_user, sign_in):
    response = sign_in(admin_user).post("/staff/themes/new/", {"name": "privacy", "active": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "A theme with this name already exists." in html


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_every_other_role_is_refused_every_theme_page(sign_in, role):
    user = make_user(f"not_admin_{role}", role)
    client = sign_in(user)
    theme = Theme.objects.get(name="Privacy")
    group = ThemeGroup.objects.create(name="Group")
    for url in (
        "/staff/themes/",
        "/staff/themes/new/",
        f"/staff/themes/{theme.pk}/",
        f"/staff/themes/{theme.pk}/delete/",
        "/staff/themes/groups/new/",
        f"/staff/themes/groups/{group.pk}/",
    ):
        assert client.get(url).status_code == 403, (role, url)
        assert client.post(url, {"name": "Changed"}).status_code == 403, (role, url)
    assert Theme.objects.filter(name="Privacy").exists()
    assert not Theme.objects.filter(name="Changed").exists()
