"""Fixtures shared by every test: people in each role, and the clock frozen where asked."""

from __future__ import annotations

import pytest
from hypothesis import settings as hypothesis_settings

from harken.accounts.models import Role, Team, User
from harken.accounts.tests.factories import make_user

# Property tests are judged on their answers, not their speed: a busy CI machine must not
# fail one for taking longer than hypothesis's default 200 ms an example.
hypothesis_settings.register_profile("harken", deadline=None)
hypothesis_settings.load_profile("harken")


@pytest.fixture(autouse=True)
def _fresh_working_day_cache():
    """A rolled-back closure day must not stay cached into the next test."""
    from harken.workdays.rules import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def sign_in(client):
    """Sign a user in on the test client as the sign-in does, second factor included."""
    import time

    from harken.accounts.middleware import LAST_ACTIVITY_KEY
    from harken.core.web import TWO_FACTOR_SESSION_KEY

    def _sign_in(user: User):
        client.force_login(user)
        session = client.session
        session[TWO_FACTOR_SESSION_KEY] = True
        session[LAST_ACTIVITY_KEY] = time.time()  # the second factor's request sets it
        session.save()
        return client

    return _sign_in


@pytest.fixture
def send_team(db) -> Team:
    return Team.objects.get(name="SEND Team")


@pytest.fixture
def assessment_team(db) -> Team:
    return Team.objects.get(name="Assessment Teams")


@pytest.fixture
def officer(db) -> User:
    return make_user("olive_officer", Role.FEEDBACK_OFFICER)


@pytest.fixture
def admin_user(db) -> User:
    return make_user("ada_admin", Role.ADMINISTRATOR)


@pytest.fixture
def manager(db, assessment_team) -> User:
    return make_user("mo_manager", Role.MANAGER, teams=[assessment_team])


@pytest.fixture
def other_manager(db, send_team) -> User:
    return make_user("sam_manager", Role.MANAGER, teams=[send_team])


@pytest.fixture
def io_user(db) -> User:
    return make_user("ivy_io", Role.INVESTIGATING_OFFICER, employed_by_council=False)


@pytest.fixture
def ip_user(db) -> User:
    return make_user("ian_ip", Role.INDEPENDENT_PERSON, employed_by_council=False)


@pytest.fixture
def panel_users(db) -> list[User]:
    return [
        make_user(f"pat{i}_panel", Role.PANEL_MEMBER, employed_by_council=False)
        for i in range(1, 5)
    ]


@pytest.fixture
def report_viewer(db) -> User:
    return make_user("rita_reports", Role.REPORT_VIEWER)
