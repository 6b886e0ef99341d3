"""Each page renders for the roles allowed it and is refused (403/404) to the others; a POST
of an action someone may not take changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases import services
from harken.cases.models import AppointmentRole, Case, CaseRead, Stage, TimelineEvent
from harken.cases.tests.factories import respond_all

pytestmark = pytest.mark.django_db

D = dt.date

ALLOWED_EVERYWHERE = ("officer", "admin_user")


def _url(page: str, case: Case) -> str:
    return {
        "caseload": "/staff/",
        "team": "/staff/team/",
        "search": "/staff/search/",
        "new": "/staff/cases/new/",
        "compliment": "/staff/compliments/new/",
        "case": f"/staff/cases/{case.reference}/",
        "note": f"/staff/cases/{case.reference}/note/",
        "acknowledge": f"/staff/cases/{case.reference}/acknowledge/",
        "extend": f"/staff/cases/{case.reference}/extend/",
    }[page]


# page -> {fixture name: expected status}. The case is about the Assessment Teams: `manager`
# manages them, `other_manager` manages SEND; `io_user` is not appointed to it.
EXPECTED = {
    "caseload": {
        "officer": 200,
        "admin_user": 200,
        "manager": 200,
        "other_manager": 200,
        "io_user": 200,
        "report_viewer": 302,  # sent on to the reports: /staff/ is where signing in lands
    },
    "team": {
        "officer": 200,
        "admin_user": 200,
        "manager": 200,
        "other_manager": 200,
        "io_user": 403,
        "report_viewer": 403,
    },
    "search": {
        "officer": 200,
        "admin_user": 200,
        "manager": 200,
        "io_user": 200,
        "report_viewer": 403,
    },
    "new": {
        "officer": 200,
        "admin_user": 200,
        "manager": 403,
        "io_user": 403,
        "report_viewer": 403,
    },
    "compliment": {
        "officer": 200,
        "admin_user": 200,
        "manager": 403,
        "io_user": 403,
        "report_viewer": 403,
    },
    "case": {
        "officer": 200,
        "admin_user": 200,
        "manager": 200,
        "other_manager": 404,
        "io_user": 404,
        "report_viewer": 403,
    },
    "note": {
        "officer": 200,
        "manager": 200,
        "other_manager": 404,
        "io_user": 404,
        "report_viewer": 403,
    },
    "acknowledge": {"officer": 200, "admin_user": 200, "manager": 403, "other_manager": 404},
    "extend": {"officer": 200, "manager": 200, "other_manager": 404, "io_user": 404},
}
CASES = [(page, who, status) for page, roles in EXPECTED.items() for who, status in roles.items()]


@pytest.mark.parametrize(("page", "who", "status"), CASES)
def test_page_access(request, sign_in, case, page, who, status):
    """Allowed roles see the page; other teams and unappointed people get 404, others 403."""
    user = request.getfixturevalue(who)
    client = sign_in(user)
    response = client.get(_url(page, case))
    assert response.status_code == status, response.content[:300]
    if status == 200:
        assert b"<h1" in response.content


def test_report_viewer_lands_on_the_reports(report_viewer, sign_in, case):
    response = sign_in(report_viewer).get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/reports/"


def test_signed_out_goes_to_sign_in(client, case):
    response = client.get(f"/staff/cases/{case.reference}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/sign-in/")


def test_appointed_io_sees_only_their_case(officer, io_user, ip_user, sign_in, make_complaint):
    """An IO sees the case they are appointed to (caseload and page), and no other."""
    mine = make_complaint(received_on=D(2024, 4, 1))
    other = make_complaint(received_on=D(2024, 4, 2), summary="Someone else's complaint")
    services.stage_acknowledge(case=mine, on=D(2024, 4, 2), actor=officer)
    respond_all(mine, on=D(2024, 4, 10), actor=officer)
    services.complaint_escalate(case=mine, requested_on=D(2024, 4, 15), actor=officer)
    services.appointment_make(
        case=mine,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 4, 16),
        actor=officer,
    )
    client = sign_in(io_user)
    caseload = client.get("/staff/").content.decode()
    assert mine.reference in caseload
    assert other.reference not in caseload
    assert client.get(f"/staff/cases/{mine.reference}/").status_code == 200
    assert client.get(f"/staff/cases/{other.reference}/").status_code == 404
    # They may add a note, but no workflow action is offered or accepted.
    page = client.get(f"/staff/cases/{mine.reference}/").content.decode()
    assert "Add note" in client.get(f"/staff/cases/{mine.reference}/timeline/").content.decode()
    assert "/acknowledge/" not in page
    assert "/respond/" not in page
    response = client.post(f"/staff/cases/{mine.reference}/statement/", _date("on", 2024, 4, 17))
    assert response.status_code == 403
    assert Stage.objects.get(case=mine, number=2).statement_agreed_on is None


def _date(name: str, year: int, month: int, day: int) -> dict[str, str]:
    return {f"{name}_0": str(day), f"{name}_1": str(month), f"{name}_2": str(year)}


@pytest.mark.parametrize(
    ("who", "action", "data", "status"),
    [
        ("manager", "acknowledge", _date("acknowledged_on", 2024, 6, 4), 403),
        ("other_manager", "extend", {"reason": "x", **_date("new_due_on", 2024, 6, 20)}, 404),
        ("io_user", "note", {"text": "Hello"}, 404),
        ("report_viewer", "note", {"text": "Hello"}, 403),
        ("other_manager", "safeguarding", {"description": "x", "referred_to": "none"}, 404),
    ],
)
def test_post_of_an_action_not_allowed_changes_nothing(
    request, sign_in, case, who, action, data, status
):
    """Refused with 403 (role) or 404 (cannot see the case); the timeline is unchanged."""
    events = TimelineEvent.objects.filter(case=case).count()
    client = sign_in(request.getfixturevalue(who))
    response = client.post(f"/staff/cases/{case.reference}/{action}/", data)
    assert response.status_code == status
    assert TimelineEvent.objects.filter(case=case).count() == events
    assert Stage.objects.get(case=case, number=1).acknowledged_on is None


def test_unknown_action_is_not_found(officer, sign_in, case):
    client = sign_in(officer)
    assert client.get(f"/staff/cases/{case.reference}/frobnicate/").status_code == 404


def test_every_view_of_the_case_page_is_logged(officer, sign_in, case):
    client = sign_in(officer)
    client.get(f"/staff/cases/{case.reference}/")
    client.get(f"/staff/cases/{case.reference}/")
    assert CaseRead.objects.filter(case=case, user=officer, via="web").count() == 2


def test_manager_caseload_shows_only_their_teams(manager, sign_in, make_complaint):
    ours = make_complaint()
    theirs = make_complaint(team="SEND Team", summary="About SEND")
    page = sign_in(manager).get("/staff/").content.decode()
    assert ours.reference in page
    assert theirs.reference not in page


def test_restricted_case_hidden_from_officers_not_named(officer, admin_user, sign_in, case):
    services.case_restrict(case=case, restricted=True, people=[], actor=admin_user)
    client = sign_in(officer)
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 404
    assert case.reference not in client.get("/staff/").content.decode()
    page = sign_in(admin_user).get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Restricted" in page
