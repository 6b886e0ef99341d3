"""Who may reach what through the API: signing in, roles, teams, appointments, restrictions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from harken.cases import services
from harken.cases.models import AppointmentRole
from harken.cases.tests.factories import complaint, respond_all

pytestmark = pytest.mark.django_db

D = dt.date
CASES = "/api/v1/cases/"


def listed(client) -> set[str]:
    response = client.get(CASES)
    assert response.status_code == 200
    return {c["reference"] for c in response.json()["results"]}


def _with_two_factor(user):
    import pyotp

    user.totp_secret = pyotp.random_base32()
    user.two_factor_set_up_at = timezone.now()
    user.save()
    return pyotp.TOTP(user.totp_secret)


def test_token_is_issued_for_password_and_code_and_authenticates(api, officer):
    """A token from /auth/token/ needs both factors, and signs later requests in."""
    totp = _with_two_factor(officer)
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "olive_officer", "password": "correct horse battery", "code": totp.now()},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(CASES).status_code == 200


def test_token_refused_for_a_wrong_password(api, officer):
    totp = _with_two_factor(officer)
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "olive_officer", "password": "nope", "code": totp.now()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]


def test_token_refused_without_the_second_factor(api, officer):
    """A password alone never gets a token: no code, a wrong code, or no two-factor set up."""
    body = {"username": "olive_officer", "password": "correct horse battery"}
    assert api.post("/api/v1/auth/token/", body, format="json").status_code == 400
    response = api.post("/api/v1/auth/token/", {**body, "code": "000000"}, format="json")
    assert "Set up two-factor" in response.json()["message"]
    _with_two_factor(officer)
    response = api.post("/api/v1/auth/token/", {**body, "code": "000000"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


@pytest.mark.parametrize(
    "url", [CASES, f"{CASES}HK-2024-00001/", "/api/v1/teams/", "/api/v1/people/?q=ab"]
)
def test_unauthenticated_requests_get_401_json(api, url):
    """Without credentials every endpoint but the token and the schema answers 401 in JSON."""
    response = api.get(url)
    assert response.status_code == 401
    assert response.json() == {
        "message": "Authentication credentials were not provided.",
        "errors": {},
    }


def test_bad_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = api.get(CASES)
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid token."


def test_inactive_users_token_stops_working(api, officer):
    from harken.accounts.tests.factories import api_token_for

    key = api_token_for(officer)
    officer.is_active = False
    officer.save()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(CASES).status_code == 401


def test_report_viewer_gets_403_on_every_case_endpoint(client_for, officer, report_viewer):
    """Report viewers see figures only: no case list, record, timeline or action."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    client = client_for(report_viewer)
    assert client.get(CASES).status_code == 403
    assert client.post(CASES, {}, format="json").status_code == 403
    assert client.get(f"{CASES}{case.reference}/").status_code == 403
    assert client.get(f"{CASES}{case.reference}/timeline/").status_code == 403
    response = client.post(f"{CASES}{case.reference}/notes/", {"text": "x"}, format="json")
    assert response.status_code == 403
    assert response.json()["message"] == "Your role does not give access to case records."
    assert client.get("/api/v1/people/", {"q": "Jones"}).status_code == 403
    # Reference data is not a case record.
    assert client.get("/api/v1/teams/").status_code == 200


def test_manager_sees_only_their_teams_cases(client_for, officer, manager):
    """A manager of Assessment Teams neither lists nor reads a SEND Team complaint."""
    own = complaint(actor=officer, received_on=D(2024, 3, 1))
    other = complaint(actor=officer, received_on=D(2024, 3, 1), team="SEND Team")
    client = client_for(manager)
    assert listed(client) == {own.reference}
    assert client.get(f"{CASES}{own.reference}/").status_code == 200
    response = client.get(f"{CASES}{other.reference}/")
    assert response.status_code == 404
    assert client.get(f"{CASES}{other.reference}/timeline/").status_code == 404
    assert (
        client.post(f"{CASES}{other.reference}/notes/", {"text": "x"}, format="json").status_code
        == 404
    )


def test_manager_may_see_but_not_manage(client_for, officer, manager):
    """A visible case's action the role may not take is 403, not 404; nothing changes."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    client = client_for(manager)
    response = client.post(f"{CASES}{case.reference}/acknowledge/", {"on": "2024-03-04"})
    assert response.status_code == 403
    assert case.stages.get().acknowledged_on is None
    assert client.post(f"{CASES}{case.reference}/notes/", {"text": "Chased"}).status_code == 201
    assert client.post(CASES, {}, format="json").status_code == 400  # shape checked first
    response = client.post(
        CASES,
        {"kind": "comment", "channel": "email", "received_on": "2024-06-01", "summary": "Hi"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["message"] == "You are not allowed to record new cases."


def test_invisible_case_is_404_before_input_is_checked(client_for, officer, manager):
    """Bad input for a case you cannot see still says 404: it reveals nothing about the case."""
    other = complaint(actor=officer, received_on=D(2024, 3, 1), team="SEND Team")
    response = client_for(manager).post(f"{CASES}{other.reference}/acknowledge/", {"on": "x"})
    assert response.status_code == 404


def test_investigating_officer_sees_only_appointed_cases(client_for, officer, io_user):
    """An IO lists and reads the complaint they are appointed to, and nothing else."""
    appointed = complaint(actor=officer, received_on=D(2024, 1, 8))
    other = complaint(actor=officer, received_on=D(2024, 1, 8))
    client = client_for(io_user)
    assert listed(client) == set()
    respond_all(appointed, on=D(2024, 1, 19), actor=officer)
    services.complaint_escalate(case=appointed, requested_on=D(2024, 1, 29), actor=officer)
    services.appointment_make(
        case=appointed,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 2, 1),
        actor=officer,
    )
    assert listed(client) == {appointed.reference}
    assert client.get(f"{CASES}{appointed.reference}/").status_code == 200
    assert client.get(f"{CASES}{other.reference}/").status_code == 404
    # Appointees may add notes but not record the stage's work.
    assert client.post(f"{CASES}{appointed.reference}/notes/", {"text": "x"}).status_code == 201
    assert (
        client.post(f"{CASES}{appointed.reference}/statement/", {"on": "2024-02-05"}).status_code
        == 403
    )


def test_restricted_case_hidden_from_officer_not_named(client_for, officer, admin_user):
    """A case restricted to named people is invisible to a feedback officer not named on it."""
    hidden = complaint(actor=admin_user, received_on=D(2024, 3, 1), restricted=True)
    client = client_for(officer)
    assert listed(client) == set()
    assert client.get(f"{CASES}{hidden.reference}/").status_code == 404
    assert client_for(admin_user).get(f"{CASES}{hidden.reference}/").status_code == 200


def test_restrict_action_names_people(client_for, officer, admin_user):
    """Restricting through the API names the actor and the people given."""
    case = complaint(actor=admin_user, received_on=D(2024, 3, 1))
    client = client_for(admin_user)
    response = client.post(
        f"{CASES}{case.reference}/restrict/",
        {"restricted": True, "people": [officer.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert {u["id"] for u in response.json()["restricted_to"]} == {admin_user.pk, officer.pk}
    assert client_for(officer).get(f"{CASES}{case.reference}/").status_code == 200


def test_someone_only_on_a_restricted_case_cannot_be_found_or_linked(
    client_for, officer, admin_user
):
    """Another officer cannot find, link or read a person recorded only on a restricted case."""
    secret = complaint(actor=admin_user, received_on=dt.date(2024, 6, 3))
    services.case_restrict(case=secret, restricted=True, people=[admin_user], actor=admin_user)
    person = secret.parties.get().person
    api = client_for(officer)
    assert api.get("/api/v1/people/", {"q": person.last_name}).json()["count"] == 0
    assert (
        client_for(admin_user).get("/api/v1/people/", {"q": person.last_name}).json()["count"] == 1
    )
    mine = complaint(actor=officer, received_on=dt.date(2024, 6, 3))
    response = api.post(
        f"/api/v1/cases/{mine.reference}/people/", {"person": person.pk}, format="json"
    )
    assert response.status_code == 400
    assert person.email not in response.content.decode()
    assert not mine.parties.filter(person=person).exists()
