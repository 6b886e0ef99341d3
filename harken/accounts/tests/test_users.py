"""Administrators manage accounts, roles, teams and service areas in the app."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harken.accounts import services
from harken.accounts.models import (
    RecoveryCode,
    Role,
    ServiceArea,
    SignInEvent,
    SignInEventKind,
    Team,
    User,
)
from harken.accounts.tests.factories import make_user

from .helpers import with_two_factor

pytestmark = pytest.mark.django_db


def user_form(**overrides):
    data = {
        "first_name": "Nadia",
        "last_name": "Hussain",
        "username": "nadia.hussain",
        "email": "nadia.hussain@example.gov.uk",
        "job_title": "Team manager",
        "role": Role.MANAGER,
        "teams": [],
        "employed_by_council": "on",
        "is_active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


ADMIN_PAGES = [
    ("get", "/staff/users/"),
    ("get", "/staff/users/new/"),
    ("post", "/staff/users/new/"),
    ("get", "/staff/users/{pk}/"),
    ("get", "/staff/users/{pk}/edit/"),
    ("post", "/staff/users/{pk}/edit/"),
    ("get", "/staff/users/{pk}/deactivate/"),
    ("post", "/staff/users/{pk}/deactivate/"),
    ("post", "/staff/users/{pk}/reactivate/"),
    ("post", "/staff/users/{pk}/unlock/"),
    ("post", "/staff/users/{pk}/password-link/"),
    ("get", "/staff/users/{pk}/reset-two-factor/"),
    ("post", "/staff/users/{pk}/reset-two-factor/"),
    ("get", "/staff/teams/"),
    ("get", "/staff/teams/new/"),
    ("post", "/staff/teams/new/"),
    ("get", "/staff/service-areas/new/"),
]


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_only_administrators_manage_accounts(client, sign_in, officer, manager, method, url):
    sign_in(officer)
    response = getattr(client, method)(url.format(pk=manager.pk))
    assert response.status_code == 403
    manager.refresh_from_db()
    assert manager.is_active


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/staff/users/")
    assert response["Location"] == "/staff/sign-in/?next=/staff/users/"


def test_user_list(client, sign_in, admin_user, manager, send_team):
    sign_in(admin_user)
    page = client.get("/staff/users/").content.decode()
    assert "Mo Tester" in page
    assert "Assessment Teams" in page
    page = client.get("/staff/users/", {"role": Role.ADMINISTRATOR}).content.decode()
    assert "Mo Tester" not in page
    assert ">Ada Tester</a>" in page
    # A name or address is searched by POST, never put in the address.
    page = client.post("/staff/users/", {"q": "mo_man"}).content.decode()
    assert ">Mo Tester</a>" in page
    assert ">Ada Tester</a>" not in page
    assert 'method="post"' in client.get("/staff/users/").content.decode()
    page = client.get("/staff/users/", {"q": "mo_man"}).content.decode()
    assert ">Ada Tester</a>" in page  # a name in the address is not searched


def test_user_list_queries_do_not_grow_with_users(
    client, sign_in, admin_user, send_team, assessment_team
):
    sign_in(admin_user)
    client.get("/staff/users/")  # the session's first write is out of the way

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/staff/users/").status_code == 200
        return len(queries)

    few = count()
    for i in range(15):
        make_user(f"u{i}_user", Role.MANAGER, teams=[send_team, assessment_team])
    assert count() == few
    assert few <= 8


def test_administrator_creates_a_user_with_a_role_and_teams(
    client, sign_in, admin_user, send_team, assessment_team, django_capture_on_commit_callbacks
):
    sign_in(admin_user)
    page = client.get("/staff/users/new/").content.decode()
    assert "Add a user" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/staff/users/new/", user_form(teams=[send_team.pk, assessment_team.pk])
        )
    user = User.objects.get(username="nadia.hussain")
    assert response["Location"] == f"/staff/users/{user.pk}/"
    assert user.role == Role.MANAGER
    assert set(user.teams.all()) == {send_team, assessment_team}
    assert not user.has_usable_password()
    assert not user.has_two_factor
    assert mail.outbox[0].to == ["nadia.hussain@example.gov.uk"]
    assert "/staff/sign-in/set-password/" in mail.outbox[0].body
    event = SignInEvent.objects.get(user=user, kind="user_created")
    assert event.actor == admin_user
    page = client.get(response["Location"]).content.decode()
    assert "Account created for Nadia Hussain" in page
    assert "Not set up" in page


def test_user_form_errors(client, sign_in, admin_user, manager):
    sign_in(admin_user)
    page = client.post("/staff/users/new/", {}).content.decode()
    for message in (
        "Enter a first name",
        "Enter a last name",
        "Enter a username",
        "Enter an e-mail address",
        "Select a role",
    ):
        assert message in page
    assert "<title>Error: Add a user" in page
    page = client.post(
        "/staff/users/new/", user_form(username="MO_MANAGER", email="not an address")
    ).content.decode()
    assert "Enter an e-mail address in the correct format" in page
    page = client.post("/staff/users/new/", user_form(username="MO_MANAGER")).content.decode()
    assert "Another account already has this username" in page
    assert not User.objects.filter(email="nadia.hussain@example.gov.uk").exists()


def test_independent_people_cannot_be_council_employees(client, sign_in, admin_user):
    """Reg 2: an Independent Person or panel member is not employed by the council."""
    sign_in(admin_user)
    page = client.post(
        "/staff/users/new/", user_form(role=Role.INDEPENDENT_PERSON)
    ).content.decode()
    assert "cannot be employed by the council" in page
    client.post(
        "/staff/users/new/",
        user_form(role=Role.INDEPENDENT_PERSON, employed_by_council=None),
    )
    assert User.objects.get(username="nadia.hussain").role == Role.INDEPENDENT_PERSON


def test_administrator_changes_role_and_teams(client, sign_in, admin_user, manager, send_team):
    sign_in(admin_user)
    page = client.get(f"/staff/users/{manager.pk}/edit/").content.decode()
    assert 'value="mo_manager"' in page
    response = client.post(
        f"/staff/users/{manager.pk}/edit/",
        user_form(
            username="mo_manager",
            email="mo@example.gov.uk",
            first_name="Mo",
            last_name="Tester",
            role=Role.FEEDBACK_OFFICER,
            teams=[send_team.pk],
        ),
    )
    assert response["Location"] == f"/staff/users/{manager.pk}/"
    manager.refresh_from_db()
    assert manager.role == Role.FEEDBACK_OFFICER
    assert list(manager.teams.all()) == [send_team]
    detail = SignInEvent.objects.get(user=manager, kind="user_changed").detail
    assert "Role: Manager to Feedback officer" in detail
    assert "Teams: Assessment Teams to SEND Team" in detail


def test_administrators_cannot_lock_themselves_out(client, sign_in, admin_user):
    sign_in(admin_user)
    page = client.post(
        f"/staff/users/{admin_user.pk}/edit/",
        user_form(username="ada_admin", role=Role.MANAGER, is_active=None),
    ).content.decode()
    assert "You cannot remove your own administrator role" in page
    assert "You cannot deactivate your own account" in page
    client.post(f"/staff/users/{admin_user.pk}/deactivate/")
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert admin_user.role == Role.ADMINISTRATOR


def test_deactivate_and_reactivate(client, sign_in, admin_user, manager):
    sign_in(admin_user)
    page = client.get(f"/staff/users/{manager.pk}/deactivate/").content.decode()
    assert "Deactivate Mo Tester&#x27;s account?" in page
    client.post(f"/staff/users/{manager.pk}/deactivate/")
    manager.refresh_from_db()
    assert not manager.is_active
    assert "Deactivated" in client.get("/staff/users/").content.decode()
    client.post(f"/staff/users/{manager.pk}/reactivate/")
    manager.refresh_from_db()
    assert manager.is_active
    assert [e.kind for e in SignInEvent.objects.filter(user=manager).order_by("id")] == [
        "user_deactivated",
        "user_reactivated",
    ]


def test_reset_two_factor_forces_set_up_at_next_sign_in(client, sign_in, admin_user, manager):
    with_two_factor(manager)
    services.recovery_codes_replace(user=manager)
    sign_in(admin_user)
    assert (
        "Reset two-factor authentication"
        in client.get(f"/staff/users/{manager.pk}/").content.decode()
    )
    client.post(f"/staff/users/{manager.pk}/reset-two-factor/")
    manager.refresh_from_db()
    assert not manager.has_two_factor
    assert not RecoveryCode.objects.filter(user=manager).exists()
    client.post("/staff/sign-out/")
    response = client.post(
        "/staff/sign-in/", {"username": "mo_manager", "password": "correct horse battery"}
    )
    assert response["Location"] == "/staff/sign-in/set-up/"


def test_administrator_unlocks_an_account(client, sign_in, admin_user, manager):
    for _ in range(5):
        client.post("/staff/sign-in/", {"username": "mo_manager", "password": "wrong password"})
    sign_in(admin_user)
    page = client.get(f"/staff/users/{manager.pk}/").content.decode()
    assert "This account is locked until" in page
    assert "Locked" in client.get("/staff/users/").content.decode()
    client.post(f"/staff/users/{manager.pk}/unlock/")
    manager.refresh_from_db()
    assert not manager.is_locked()
    page = client.get(f"/staff/users/{manager.pk}/").content.decode()
    assert "Account unlocked" in page
    assert "Account locked after repeated failures" in page  # the audit trail


def test_administrator_sends_a_password_link(
    client, sign_in, admin_user, manager, django_capture_on_commit_callbacks
):
    manager.email = "mo@example.gov.uk"
    manager.save()
    sign_in(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/staff/users/{manager.pk}/password-link/")
    assert mail.outbox[0].to == ["mo@example.gov.uk"]


def test_teams_and_service_areas(client, sign_in, admin_user, manager, officer):
    sign_in(admin_user)
    page = client.get("/staff/teams/").content.decode()
    assert "Assessment Teams" in page
    client.post("/staff/service-areas/new/", {"name": "Early help"})
    area = ServiceArea.objects.get(name="Early help")
    assert (
        "A service area with this name already exists"
        in client.post("/staff/service-areas/new/", {"name": "early help"}).content.decode()
    )
    response = client.post(
        "/staff/teams/new/",
        {
            "name": "Family hubs",
            "service_area": area.pk,
            "active": "on",
            "members": [officer.pk],
            "default_procedure_code": "corporate-lgsco-2024",
        },
    )
    assert response["Location"] == "/staff/teams/"
    team = Team.objects.get(name="Family hubs")
    assert list(team.members.all()) == [officer]
    assert team.default_procedure_code == "corporate-lgsco-2024"
    client.post(
        f"/staff/teams/{team.pk}/",
        {"name": "Family hubs north", "service_area": area.pk, "members": [manager.pk]},
    )
    team.refresh_from_db()
    assert team.name == "Family hubs north"
    assert not team.active
    assert list(team.members.all()) == [manager]
    assert SignInEvent.objects.filter(user=officer, detail="Removed from Family hubs north")
    page = client.post("/staff/teams/new/", {}).content.decode()
    assert "Enter a team name" in page
    assert "Select a service area" in page
    client.post(f"/staff/service-areas/{area.pk}/", {"name": "Early help services"})
    area.refresh_from_db()
    assert area.name == "Early help services"


def test_team_list_queries_do_not_grow(client, sign_in, admin_user):
    sign_in(admin_user)
    assert client.get("/staff/teams/").status_code == 200

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/staff/teams/").status_code == 200
        return len(queries)

    few = count()
    area = ServiceArea.objects.create(name="More")
    for i in range(10):
        team = Team.objects.create(name=f"Team {i}", service_area=area)
        team.members.add(admin_user)
    assert count() == few


def test_own_account_password_and_new_recovery_codes(client, sign_in, officer):
    with_two_factor(officer)
    old = services.recovery_codes_replace(user=officer)
    sign_in(officer)
    page = client.get("/staff/account/").content.decode()
    assert "You have 10 recovery codes left" in page
    response = client.post("/staff/account/recovery-codes/")
    assert response["Location"] == "/staff/sign-in/recovery-codes/"
    page = client.get(response["Location"]).content.decode()
    new = re.findall(r"<code>([a-z0-9-]{19})</code>", page)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert client.post(response["Location"])["Location"] == "/staff/account/"

    page = client.post(
        "/staff/account/password/",
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    ).content.decode()
    assert "Your current password is not correct" in page
    response = client.post(
        "/staff/account/password/",
        {
            "old_password": "correct horse battery",
            "new_password1": "a longer pass phrase",
            "new_password2": "a longer pass phrase",
        },
    )
    assert response["Location"] == "/staff/account/"
    # Still signed in with the new password hash.
    assert client.get("/staff/account/").status_code == 200


def test_account_page_queries_do_not_grow_with_its_history(client, sign_in, admin_user, manager):
    sign_in(admin_user)
    url = f"/staff/users/{manager.pk}/"
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for _ in range(30):
        services.record_event(SignInEventKind.USER_CHANGED, user=manager, actor=admin_user)
    assert count() == few
