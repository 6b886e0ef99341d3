"""/api/v1/surveys/: the same services and refusals as the pages, and each denial."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from harken.cases.models import CaseRead

from .. import services
from ..models import Comment, Invitation
from .factories import closed_complaint, letter_survey

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_send_list_and_summary(officer):
    case = closed_complaint(officer)
    api = _api(officer)
    sent = api.post(
        "/api/v1/surveys/invitations/",
        {"case": case.reference, "audience": "child", "channel": "letter"},
        format="json",
    )
    assert sent.status_code == 201
    assert sent.json()["link"].startswith("http://testserver/survey/")
    again = api.post(
        "/api/v1/surveys/invitations/",
        {"case": case.reference, "audience": "child", "channel": "letter"},
        format="json",
    )
    assert again.status_code == 400
    assert "already been sent" in again.json()["message"]
    listed = api.get("/api/v1/surveys/invitations/").json()
    assert listed["results"][0]["case"] == case.reference
    assert listed["results"][0]["state"] == "open"
    assert CaseRead.objects.filter(case=case, via="api-surveys").exists()
    summary = api.get("/api/v1/surveys/summary/").json()
    assert summary["stages"][0]["sent"] == 1


def test_denials(officer, manager, report_viewer):
    case = closed_complaint(officer)
    for user in (manager, report_viewer):
        api = _api(user)
        assert api.get("/api/v1/surveys/invitations/").status_code == 403
        assert api.get("/api/v1/surveys/comments/").status_code == 403
        assert api.get("/api/v1/surveys/summary/").status_code == 403
        assert (
            api.post(
                "/api/v1/surveys/invitations/",
                {"case": case.reference, "audience": "adult", "channel": "letter"},
                format="json",
            ).status_code
            == 403
        )
    assert not Invitation.objects.exists()
    assert APIClient().get("/api/v1/surveys/invitations/").status_code in (401, 403)
    unknown = _api(officer).post(
        "/api/v1/surveys/invitations/",
        {"case": "NOPE-1", "audience": "adult", "channel": "letter"},
        format="json",
    )
    assert unknown.status_code == 404


def test_triage_through_the_api(officer, manager):
    case, token = letter_survey(officer)
    invitation = Invitation.objects.get(case=case)
    text = invitation.survey.questions.get(kind="text")
    services.survey_answer(token=token, answers={text.pk: "All fine"})
    comment = Comment.objects.get()
    url = f"/api/v1/surveys/comments/{comment.pk}/triage/"
    assert _api(manager).post(url, {"decision": "no_action"}, format="json").status_code == 403
    done = _api(officer).post(url, {"decision": "no_action"}, format="json")
    assert done.status_code == 200
    assert done.json()["decision"] == "no_action"
    twice = _api(officer).post(url, {"decision": "no_action"}, format="json")
    assert twice.status_code == 400
    listed = _api(officer).get("/api/v1/surveys/comments/?decision=no_action").json()
    assert [c["id"] for c in listed["results"]] == [comment.pk]
