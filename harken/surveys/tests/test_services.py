"""The surveys' services: sending once per case and stage, answering once, before the expiry,
the token never stored, and triage through the cases' services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from harken.cases.models import Kind, SafeguardingConcern, TimelineEvent
from harken.core.errors import AccessDenied, ApplicationError
from harken.notifications.models import Message, MessageKind
from harken.notifications.outbox import Built

from .. import services
from ..models import Audience, Comment, Decision, Invitation, Response, SurveyEvent
from .factories import closed_complaint, letter_survey

pytestmark = pytest.mark.django_db


def _answers(invitation: Invitation, **by_kind: object) -> dict[int, object]:
    return {
        q.pk: by_kind.get(q.kind) for q in invitation.survey.questions.all() if q.kind in by_kind
    }


def test_shipped_surveys_in_both_versions():
    """The data migration ships "how your complaint was handled" for adults and children."""
    from ..models import Survey

    assert set(Survey.objects.filter(active=True).values_list("audience", flat=True)) == {
        Audience.ADULT,
        Audience.CHILD,
    }
    child = Survey.objects.get(audience=Audience.CHILD)
    assert child.questions.all()[0].text == "How happy are you with how we helped you?"


def test_letter_link_answers_once(officer):
    """A letter's link opens the survey once; the token itself is not stored."""
    case, token = letter_survey(officer)
    invitation = Invitation.objects.get(case=case)
    assert invitation.token_hash == services.hash_token(token)
    assert token not in invitation.token_hash
    assert invitation.stage_number == 1
    assert case.events.filter(verb=TimelineEvent.Verb.SURVEY_SENT).exists()

    response = services.survey_answer(
        token=token, answers=_answers(invitation, scale="4", text="Took too long")
    )
    assert response.satisfaction == 4
    assert Comment.objects.get(response=response).case == case
    assert case.events.filter(verb=TimelineEvent.Verb.SURVEY_ANSWERED).exists()

    with pytest.raises(services.SurveyClosed) as used:
        services.survey_answer(token=token, answers=_answers(invitation, scale="1"))
    assert used.value.state == "answered"
    assert str(used.value) == "This survey has already been answered."
    assert Response.objects.count() == 1


def test_expired_link_refused(officer):
    case, token = letter_survey(officer)
    Invitation.objects.filter(case=case).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(services.SurveyClosed) as expired:
        services.survey_answer(token=token, answers={})
    assert str(expired.value) == "This link has expired."
    assert not Response.objects.exists()


def test_bad_answer_saves_nothing(officer):
    """A satisfaction outside 1 to 5 is refused and nothing is half-saved."""
    case, token = letter_survey(officer)
    invitation = Invitation.objects.get(case=case)
    with pytest.raises(ApplicationError, match="from 1 to 5"):
        services.survey_answer(token=token, answers=_answers(invitation, scale="9"))
    invitation.refresh_from_db()
    assert invitation.answered_at is None
    assert not Response.objects.exists()


def test_one_invitation_per_case_and_stage(officer):
    case, _ = letter_survey(officer)
    with pytest.raises(ApplicationError, match="already been sent"):
        services.invitation_send(
            case=case, audience=Audience.ADULT, channel="letter", actor=officer, base_url="/"
        )


def test_open_case_refused(officer):
    from harken.cases.tests.factories import complaint

    case = complaint(actor=officer, received_on=timezone.localdate() - dt.timedelta(days=3))
    with pytest.raises(ApplicationError, match="once the case is closed"):
        services.invitation_send(
            case=case, audience=Audience.ADULT, channel="letter", actor=officer, base_url="/"
        )


def test_email_goes_through_the_outbox_with_a_fresh_token(officer):
    """The e-mail is an outbox message; its link's token is made when it is built, and the
    link it carries is the one that works."""
    case = closed_complaint(officer)
    email = case.parties.all()[0].person.email
    sent = services.invitation_send(
        case=case,
        audience=Audience.CHILD,
        channel="email",
        email=email,
        actor=officer,
        base_url="http://testserver/",
    )
    message = Message.objects.get(kind=MessageKind.SURVEY)
    assert message.to == [email]
    assert sent.invitation.message == message
    assert "survey" not in message.body
    built = services.invitation_message_build(message)
    assert isinstance(built, Built)
    assert built.email is not None
    link = next(line for line in built.email.body.splitlines() if "/survey/" in line)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    invitation = services.invitation_find(token)
    assert invitation is not None
    assert invitation.pk == sent.invitation.pk
    assert built.email.subject == "Tell us how we did"


def test_email_needs_a_known_address(officer):
    case = closed_complaint(officer)
    with pytest.raises(ApplicationError, match="Choose who to e-mail"):
        services.invitation_send(
            case=case,
            audience=Audience.ADULT,
            channel="email",
            email="someone@example.org",
            actor=officer,
            base_url="/",
        )
    assert not Invitation.objects.exists()


def test_manager_may_not_send(manager, officer):
    case = closed_complaint(officer)
    with pytest.raises(AccessDenied):
        services.invitation_send(
            case=case, audience=Audience.ADULT, channel="letter", actor=manager, base_url="/"
        )


def _comment(officer) -> Comment:
    case, token = letter_survey(officer)
    invitation = Invitation.objects.get(case=case)
    services.survey_answer(token=token, answers=_answers(invitation, text="I felt unsafe there"))
    return Comment.objects.get()


def test_safeguarding_on_a_linked_case_uses_the_concern_service(officer):
    comment = _comment(officer)
    services.comment_triage(
        comment=comment,
        decision=Decision.SAFEGUARDING,
        actor=officer,
        note="Says they felt unsafe at the placement",
        referred_to="front_door",
    )
    comment.refresh_from_db()
    concern = SafeguardingConcern.objects.get(case=comment.case)
    assert comment.concern == concern
    assert comment.safeguarding_flag
    assert SurveyEvent.objects.filter(verb=SurveyEvent.Verb.COMMENT_TRIAGED).exists()
    with pytest.raises(ApplicationError, match="already been triaged"):
        services.comment_triage(comment=comment, decision=Decision.NO_ACTION, actor=officer)


def test_comment_becomes_a_contact_linked_both_ways(officer):
    comment = _comment(officer)
    services.comment_triage(comment=comment, decision=Decision.CONTACT, actor=officer)
    comment.refresh_from_db()
    contact = comment.contact
    assert contact is not None
    assert contact.kind == Kind.CONTACT
    assert contact.survey_comment == comment
    assert contact.events.filter(verb=TimelineEvent.Verb.SURVEY_COMMENT_LINKED).exists()


def test_passed_to_team_needs_who_and_when(officer, assessment_team):
    comment = _comment(officer)
    with pytest.raises(ApplicationError, match="Enter who it was passed to"):
        services.comment_triage(
            comment=comment, decision=Decision.PASSED_TO_TEAM, actor=officer, team=assessment_team
        )
    comment.refresh_from_db()
    assert comment.decision == Decision.UNTRIAGED


def test_questions_administered_with_audit(admin_user, officer):
    from ..models import Survey

    survey = Survey.objects.get(audience=Audience.ADULT)
    question = services.question_add(
        survey=survey, actor=admin_user, kind="yes_no", text="Would you recommend us?"
    )
    assert question.position == survey.questions.count()
    services.survey_update(
        survey=survey, actor=admin_user, name="Complaint handling", introduction="", active=True
    )
    verbs = set(SurveyEvent.objects.filter(survey=survey).values_list("verb", flat=True))
    assert verbs == {SurveyEvent.Verb.QUESTION_ADDED, SurveyEvent.Verb.SURVEY_CHANGED}
    with pytest.raises(AccessDenied):
        services.question_add(survey=survey, actor=officer, kind="text", text="Anything?")
