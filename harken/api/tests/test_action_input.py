"""Every case action through the API takes JSON only and needs its fields said; who may take
it is answered (403) before what was sent is checked (400). The staff pages do the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test.client import MULTIPART_CONTENT, encode_multipart

from harken import access
from harken.api.actions import ACTIONS
from harken.cases import services
from harken.cases.models import AppointmentRole, Case, TimelineEvent
from harken.cases.tests.factories import complaint, respond_all
from harken.casework.actions import ACTIONS as STAFF_ACTIONS

pytestmark = pytest.mark.django_db

D = dt.date
NAMES = [a.name for a in ACTIONS]


def _state(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.restricted,
        case.status,
        case.ombudsman_involved,
        case.assigned_to_id,
        TimelineEvent.objects.filter(case=case).count(),
    )


@pytest.fixture
def restricted_case(officer):
    case = complaint(actor=officer, received_on=D(2024, 6, 3))
    services.case_restrict(case=case, restricted=True, people=[], actor=officer)
    return case


@pytest.mark.parametrize("name", NAMES)
def test_a_form_encoded_body_is_refused_and_changes_nothing(
    client_for, officer, restricted_case, name
):
    """An empty multipart body (which DRF would read as `restricted: false`) is 415."""
    before = _state(restricted_case)
    response = client_for(officer).generic(
        "POST",
        f"/api/v1/cases/{restricted_case.reference}/{name}/",
        encode_multipart("BoUnDaRy", {}),
        content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy"),
    )
    assert response.status_code == 415, response.json()
    assert "message" in response.json()
    assert _state(restricted_case) == before


@pytest.mark.parametrize("name", NAMES)
def test_an_empty_json_body_is_a_400_naming_what_is_missing(
    client_for, officer, restricted_case, name
):
    before = _state(restricted_case)
    response = client_for(officer).post(
        f"/api/v1/cases/{restricted_case.reference}/{name}/", {}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["message"]
    assert _state(restricted_case) == before


def test_restrict_needs_the_boolean_said(client_for, officer, restricted_case):
    response = client_for(officer).post(
        f"/api/v1/cases/{restricted_case.reference}/restrict/", {"people": []}, format="json"
    )
    assert response.status_code == 400
    assert "restricted" in response.json()["errors"]
    restricted_case.refresh_from_db()
    assert restricted_case.restricted


@pytest.fixture
def stage2_with_io(officer, io_user):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 12), actor=officer)
    services.appointment_make(
        case=case,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 3, 13),
        actor=officer,
    )
    return case


REFUSED_TO_IO = [
    a.name for a in ACTIONS if not access.role_may("investigating_officer", a.transition.permission)
]


def test_the_io_may_add_notes_and_safeguarding_only():
    assert set(NAMES) - set(REFUSED_TO_IO) == {"notes", "safeguarding"}


@pytest.mark.parametrize("name", REFUSED_TO_IO)
def test_role_is_refused_before_the_input_is_read(client_for, io_user, stage2_with_io, name):
    """An appointed IO may see the case but not take this action: 403, even for a body that
    would be a 400 for someone allowed."""
    before = _state(stage2_with_io)
    response = client_for(io_user).post(
        f"/api/v1/cases/{stage2_with_io.reference}/{name}/", {}, format="json"
    )
    assert response.status_code == 403, response.json()
    assert _state(stage2_with_io) == before


def test_a_manager_may_not_answer_a_stage_kept_to_the_feedback_team_whatever_they_send(
    client_for, officer, manager, admin_user
):
    """Where the procedure keeps stage 2 to the feedback team, a manager's empty request to
    record or extend it is refused for who they are (403), before its input is read (400)."""
    from harken.procedures.definitions import CHILDREN_STATUTORY
    from harken.procedures.services import procedure_version_create

    definition = CHILDREN_STATUTORY.to_dict()
    definition["stages"][1]["recorded_by"] = ["feedback_officer", "administrator"]
    procedure_version_create(definition=definition, actor=admin_user)
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 12), actor=officer)
    for name in ("respond", "extend"):
        response = client_for(manager).post(
            f"/api/v1/cases/{case.reference}/{name}/", {}, format="json"
        )
        assert response.status_code == 403, (name, response.json())


STAFF_REFUSED_TO_IO = [
    a.name for a in STAFF_ACTIONS if not access.role_may("investigating_officer", a.permission)
]


@pytest.mark.parametrize("name", STAFF_REFUSED_TO_IO)
def test_staff_page_refuses_the_role_before_the_form(sign_in, io_user, stage2_with_io, name):
    before = _state(stage2_with_io)
    response = sign_in(io_user).post(f"/staff/cases/{stage2_with_io.reference}/{name}/", {})
    assert response.status_code == 403
    assert _state(stage2_with_io) == before
