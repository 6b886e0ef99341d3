"""The public survey page and the staff pages: what each person may see, every denial, the
clear pages for a used or expired link, and the token in no log line."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.utils import timezone

from harken.cases.models import CaseRead
from harken.ops.logs import formatter

from ..models import Comment, Invitation, SurveyEvent
from .factories import closed_complaint, letter_survey

pytestmark = pytest.mark.django_db


def _scale_name(invitation: Invitation) -> str:
    return f"q{invitation.survey.questions.filter(kind='scale').first().pk}"  # type: ignore[union-attr]


def test_public_page_answers_once_then_says_so(client, officer):
    case, token = letter_survey(officer, audience="child")
    invitation = Invitation.objects.get(case=case)
    url = f"/survey/{token}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Tell us how we did" in page.text
    assert case.reference not in page.text
    assert "name" not in [f.lower() for f in page.context["form"].fields]
    sent = client.post(url, {_scale_name(invitation): "5"})
    assert sent.status_code == 302
    assert sent["Location"] == "/survey/thank-you/"
    assert "Thank you for telling us" in client.get(sent["Location"]).text
    again = client.get(url)
    assert again.status_code == 410
    assert "This survey has already been answered" in again.text
    assert client.post(url, {_scale_name(invitation): "1"}).status_code == 410


def test_expired_and_unknown_links(client, officer):
    case, token = letter_survey(officer)
    Invitation.objects.filter(case=case).update(expires_at=timezone.now() - dt.timedelta(days=1))
    expired = client.get(f"/survey/{token}/")
    assert expired.status_code == 410
    assert "This link has expired" in expired.text
    missing = client.get("/survey/not-a-real-token/")
    assert missing.status_code == 404
    assert "We cannot find this survey" in missing.text


def test_bad_answer_is_shown_beside_its_question(client, officer):
    case, token = letter_survey(officer)
    invitation = Invitation.objects.get(case=case)
    page = client.post(f"/survey/{token}/", {_scale_name(invitation): "7"})
    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert "Choose a number from 1 to 5." in page.text
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_the_token_is_in_no_log_line(client, officer):
    _, token = letter_survey(officer)
    options = formatter(json=True)
    factory = options.pop("()")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(factory(**options))
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        client.get(f"/survey/{token}/")
        client.post(f"/survey/{token}/", {})
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
    logged = stream.getvalue()
    assert "survey_public:answer" in logged
    assert token not in logged


STAFF_PAGES = ["/staff/surveys/", "/staff/surveys/comments/", "/staff/surveys/import/"]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_for_the_feedback_team_only(client, sign_in, officer, manager, url):
    assert client.get(url).status_code == 302  # signed out: to the sign-in
    assert sign_in(manager).get(url).status_code == 403
    assert sign_in(officer).get(url).status_code == 200


def test_report_viewer_is_refused_too(client, sign_in, report_viewer):
    for url in STAFF_PAGES:
        assert sign_in(report_viewer).get(url).status_code == 403


def test_list_shows_the_surveys_and_audits_the_read(client, sign_in, officer):
    case, _ = letter_survey(officer)
    page = sign_in(officer).get("/staff/surveys/?state=open")
    assert case.reference in page.text
    assert "Waiting" in page.text
    assert CaseRead.objects.filter(case=case, via="surveys").exists()
    assert case.reference not in sign_in(officer).get("/staff/surveys/?state=answered").text


def test_list_counts_no_further_than_the_cap_and_hides_a_restricted_case(
    client, sign_in, officer, manager, monkeypatch
):
    """A council's years of surveys are counted as the caseload counts ("more than 10,000",
    here a cap of 2), and a restricted case's survey is listed only for those named on it."""
    from harken.surveys import views

    cases = [letter_survey(officer)[0] for _ in range(3)]
    assert "3 surveys" in sign_in(officer).get("/staff/surveys/").text
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    assert "More than 2 surveys" in sign_in(officer).get("/staff/surveys/").text
    monkeypatch.setattr(views, "COUNT_CAP", 10_000)
    type(cases[0]).objects.filter(pk=cases[0].pk).update(restricted=True)
    page = sign_in(officer).get("/staff/surveys/").text
    assert "2 surveys" in page
    assert cases[0].reference not in page
    assert cases[1].reference in page


def test_send_from_the_case_page_letter_link_and_qr(client, sign_in, officer):
    case = closed_complaint(officer)
    c = sign_in(officer)
    assert "Send the survey" in c.get(f"/staff/cases/{case.reference}/").text
    form = c.get(f"/staff/surveys/send/{case.reference}/")
    assert form.status_code == 200
    sent = c.post(
        f"/staff/surveys/send/{case.reference}/", {"audience": "adult", "channel": "letter"}
    )
    assert sent.status_code == 200
    assert "<svg" in sent.text
    assert "http://testserver/survey/" in sent.text
    assert Invitation.objects.filter(case=case).count() == 1
    again = c.get(f"/staff/surveys/send/{case.reference}/")
    assert "already been sent" in again.text


def test_send_form_names_the_missing_fields(client, sign_in, officer):
    case = closed_complaint(officer)
    page = sign_in(officer).post(f"/staff/surveys/send/{case.reference}/", {})
    assert "Choose which version of the survey to send" in page.text
    assert "Choose how to send the survey" in page.text
    assert not Invitation.objects.exists()


def test_send_denied_to_a_manager_and_for_an_unseen_case(client, sign_in, officer, manager):
    from harken.cases import services as case_services

    case = closed_complaint(officer)
    assert sign_in(manager).get(f"/staff/surveys/send/{case.reference}/").status_code == 403
    other = closed_complaint(officer)
    case_services.case_restrict(case=other, restricted=True, people=[], actor=officer)
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user

    second = make_user("second_officer", Role.FEEDBACK_OFFICER)
    assert sign_in(second).get(f"/staff/surveys/send/{other.reference}/").status_code == 404


def _answered_comment(officer) -> Comment:
    case, token = letter_survey(officer)
    from .. import services

    invitation = Invitation.objects.get(case=case)
    text_q = invitation.survey.questions.get(kind="text")
    services.survey_answer(token=token, answers={text_q.pk: "The worker shouted at me"})
    return Comment.objects.get()


def test_triage_page_records_the_decision(client, sign_in, officer):
    comment = _answered_comment(officer)
    c = sign_in(officer)
    page = c.get(f"/staff/surveys/comments/{comment.pk}/")
    assert "The worker shouted at me" in page.text
    assert SurveyEvent.objects.filter(verb=SurveyEvent.Verb.COMMENTS_READ).exists()
    missing = c.post(f"/staff/surveys/comments/{comment.pk}/", {"decision": "safeguarding"})
    assert "Describe the safeguarding concern." in missing.text
    done = c.post(
        f"/staff/surveys/comments/{comment.pk}/",
        {"decision": "contact", "note": "Worker's conduct"},
    )
    assert done.status_code == 302
    comment.refresh_from_db()
    assert comment.contact is not None
    assert comment.contact.reference in c.get(done["Location"]).text
    # The new contact's page links back to the comment.
    assert (
        f"/staff/surveys/comments/{comment.pk}/"
        in c.get(f"/staff/cases/{comment.contact.reference}/").text
    )


def test_triage_denied(client, sign_in, officer, manager):
    comment = _answered_comment(officer)
    assert sign_in(manager).get(f"/staff/surveys/comments/{comment.pk}/").status_code == 403
    assert (
        sign_in(manager)
        .post(f"/staff/surveys/comments/{comment.pk}/", {"decision": "no_action"})
        .status_code
        == 403
    )
    comment.refresh_from_db()
    assert comment.decision == "untriaged"


def test_import_page_shows_each_problem_then_imports(client, sign_in, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = sign_in(officer)
    bad = SimpleUploadedFile("q2.csv", b"received_on,satisfaction\n2026-07-01,8\n")
    page = c.post("/staff/surveys/import/", {"name": "Parents' survey", "file": bad})
    assert page.status_code == 400
    assert "line 2: satisfaction: &#x27;8&#x27; is not a number from 1 to 5." in page.text
    good = SimpleUploadedFile("q2.csv", b"received_on,satisfaction,comment\n2026-07-01,4,Kind\n")
    page = c.post("/staff/surveys/import/", {"name": "Parents' survey", "file": good})
    assert page.status_code == 200
    assert "1 return of Parents&#x27; survey imported" in page.text


def test_a_restricted_cases_comment_is_hidden_from_others(client, sign_in, officer):
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases import services as case_services

    comment = _answered_comment(officer)
    assert comment.case is not None
    case_services.case_restrict(case=comment.case, restricted=True, people=[officer], actor=officer)
    other = make_user("second_officer", Role.FEEDBACK_OFFICER)
    c = sign_in(other)
    assert "The worker shouted at me" not in c.get("/staff/surveys/comments/").text
    assert c.get(f"/staff/surveys/comments/{comment.pk}/").status_code == 404
    assert "The worker shouted at me" in sign_in(officer).get("/staff/surveys/comments/").text
