"""Every write of the surveys: the questions (administrators), sending a case's survey,
answering it on the public page, and triaging a comment. Imports are in `returns.py`.

A link's token is made with `secrets.token_urlsafe` and only its SHA-256 is stored; an
e-mailed link's token is made when the outbox sends it (like a password link), a letter's
when the officer asks for it, so no readable token sits in the database (ADR 0230)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from harken import access
from harken.access import Perm
from harken.cases.models import Case, Channel, Kind, Status, Theme, TimelineEvent
from harken.core.audit import record_event, set_fields
from harken.core.dates import format_date, today
from harken.core.errors import AccessDenied, ApplicationError

from .models import (
    Answer,
    Audience,
    Comment,
    Decision,
    Invitation,
    InvitationChannel,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyEvent,
)

if TYPE_CHECKING:
    from harken.accounts.models import Team, User
    from harken.notifications.models import Message
    from harken.notifications.outbox import Built, Skip

Verb = TimelineEvent.Verb

# How long a link works (docs/surveys.md); HARKEN_SURVEY_LINK_DAYS changes it.
LINK_DAYS = 60
TOKEN_BYTES = 32


def link_days() -> int:
    return int(getattr(settings, "HARKEN_SURVEY_LINK_DAYS", LINK_DAYS))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def survey_link(token: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("survey_public:answer", kwargs={"token": token})


def _audit(
    *,
    verb: SurveyEvent.Verb,
    actor: User | None,
    description: str,
    changes: dict[str, list[str | None]] | None = None,
    **about: Any,
) -> SurveyEvent:
    return SurveyEvent.objects.create(
        verb=verb, actor=actor, description=description[:500], changes=changes or {}, **about
    )


def _require(actor: User | None, perm: Perm, refusal: str) -> None:
    if not access.may(actor, perm):
        raise AccessDenied(refusal)


# --- The questions -------------------------------------------------------------------------


@transaction.atomic
def survey_update(
    *, survey: Survey, actor: User, name: str, introduction: str, active: bool
) -> Survey:
    """A survey's name, opening words and whether it is sent."""
    _require(actor, Perm.SURVEYS_ADMINISTER, "You are not allowed to change the surveys.")
    name = name.strip()
    if not name:
        raise ApplicationError.for_field("name", "Enter the survey's name.")
    changes = set_fields(
        survey, {"name": name, "introduction": introduction.strip(), "active": active}
    )
    if changes:
        survey.modified_by = actor
        survey.save()
        _audit(
            verb=SurveyEvent.Verb.SURVEY_CHANGED,
            actor=actor,
            description=f"Survey '{survey}' changed",
            changes=changes,
            survey=survey,
        )
    return survey


def _check_question(kind: str, text: str) -> str:
    if kind not in QuestionKind.values:
        raise ApplicationError.for_field("kind", "Choose the kind of question.")
    text = text.strip()
    if not text:
        raise ApplicationError.for_field("text", "Enter the question.")
    return text


@transaction.atomic
def question_add(
    *,
    survey: Survey,
    actor: User,
    kind: str,
    text: str,
    hint: str = "",
    required: bool = False,
    low_label: str = "",
    high_label: str = "",
) -> Question:
    _require(actor, Perm.SURVEYS_ADMINISTER, "You are not allowed to change the surveys.")
    text = _check_question(kind, text)
    last = survey.questions.order_by("-position").values_list("position", flat=True).first()
    question = Question.objects.create(
        survey=survey,
        position=(last or 0) + 1,
        kind=kind,
        text=text,
        hint=hint.strip(),
        required=required,
        low_label=low_label.strip(),
        high_label=high_label.strip(),
    )
    _audit(
        verb=SurveyEvent.Verb.QUESTION_ADDED,
        actor=actor,
        description=f"Question added to '{survey}': {text}",
        survey=survey,
    )
    return question


@transaction.atomic
def question_update(
    *,
    question: Question,
    actor: User,
    text: str,
    hint: str = "",
    required: bool = False,
    low_label: str | None = None,
    high_label: str | None = None,
) -> Question:
    """A question's words, hint and whether it must be answered. Once it has answers its words
    (and a scale's end labels) are fixed, since the stored answers were given to them: retire
    it and add a new question instead."""
    _require(actor, Perm.SURVEYS_ADMINISTER, "You are not allowed to change the surveys.")
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.retired_at is not None:
        raise ApplicationError("This question has been retired, so it cannot be changed.")
    text = _check_question(question.kind, text)
    values: dict[str, Any] = {"text": text, "hint": hint.strip(), "required": required}
    if question.kind == QuestionKind.SCALE:
        if low_label is not None:
            values["low_label"] = low_label.strip()
        if high_label is not None:
            values["high_label"] = high_label.strip()
    if question.answers.exists():
        for name in ("text", "low_label", "high_label"):
            if name in values and values[name] != getattr(question, name):
                raise ApplicationError.for_field(
                    name,
                    "This question has been answered, so its words cannot change (the answers "
                    "would then mean something else): retire it and add a new question.",
                )
    changes = set_fields(question, values)
    if changes:
        question.save()
        _audit(
            verb=SurveyEvent.Verb.QUESTION_CHANGED,
            actor=actor,
            description=f"Question changed in '{question.survey}'",
            changes=changes,
            survey=question.survey,
        )
    return question


def live_questions(survey: Survey) -> list[Question]:
    """The questions the public page asks, in order (retired ones left out)."""
    return list(survey.questions.filter(retired_at__isnull=True).order_by("position", "id"))


@transaction.atomic
def question_move(*, question: Question, actor: User, direction: str) -> Question:
    """Move a question one place up or down among the survey's current questions (the first
    satisfaction question is the one the report counts)."""
    _require(actor, Perm.SURVEYS_ADMINISTER, "You are not allowed to change the surveys.")
    if direction not in ("up", "down"):
        raise ApplicationError("Choose whether to move the question up or down.")
    # Lock the survey so that two moves at once cannot interleave their renumbering.
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    order = live_questions(survey)
    index = next((i for i, q in enumerate(order) if q.pk == question.pk), None)
    if index is None:
        raise ApplicationError("A retired question cannot be moved.")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(order):
        raise ApplicationError(
            "This question is already first."
            if direction == "up"
            else "This question is already last."
        )
    order[index], order[other] = order[other], order[index]
    # Retired questions keep their places after the current ones.
    for position, q in enumerate(order, start=1):
        if q.position != position:
            q.position = position
            q.save(update_fields=["position"])
    moved = order[other]
    _audit(
        verb=SurveyEvent.Verb.QUESTION_MOVED,
        actor=actor,
        description=f"Question moved {direction} to place {other + 1} in '{survey}': {moved.text}",
        survey=survey,
    )
    return moved


@transaction.atomic
def question_retire(*, question: Question, actor: User) -> Question:
    """Take a question off the public page; its answers stay, with their words, for the
    report. A survey keeps at least one question."""
    _require(actor, Perm.SURVEYS_ADMINISTER, "You are not allowed to change the surveys.")
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.retired_at is not None:
        raise ApplicationError("This question has already been retired.")
    if len(live_questions(question.survey)) <= 1:
        raise ApplicationError("A survey needs at least one question: add another first.")
    question.retired_at = timezone.now()
    question.save(update_fields=["retired_at"])
    _audit(
        verb=SurveyEvent.Verb.QUESTION_RETIRED,
        actor=actor,
        description=f"Question retired from '{question.survey}': {question.text}",
        survey=question.survey,
    )
    return question


@transaction.atomic
def question_remove(*, question: Question, actor: User) -> None:
    """A question nobody has answered yet is removed; an answered one stays (its answers
    would lose their meaning): retire it instead."""
    _require(actor, Perm.SURVEYS_ADMINISTER, "You are not allowed to change the surveys.")
    if question.answers.exists():
        raise ApplicationError(
            "This question has been answered, so it cannot be removed: retire it instead "
            "(its answers are kept)."
        )
    if question.retired_at is None and len(live_questions(question.survey)) <= 1:
        raise ApplicationError("A survey needs at least one question: add another first.")
    survey = question.survey
    _audit(
        verb=SurveyEvent.Verb.QUESTION_REMOVED,
        actor=actor,
        description=f"Question removed from '{survey}': {question.text}",
        survey=survey,
    )
    question.delete()


# --- Sending -------------------------------------------------------------------------------

SURVEY_KINDS = (Kind.COMPLAINT, Kind.CONTACT)


def stage_of(case: Case) -> int:
    """The stage a survey about this case is about: 0 for an initial contact, else the
    complaint's last stage."""
    if case.kind == Kind.CONTACT:
        return 0
    return int(case.stage_number or 1)


def refusal(case: Case) -> str | None:
    """Why this case's survey cannot be sent now (None: it can)."""
    if case.kind not in SURVEY_KINDS:
        return "Only a complaint or an initial contact has a satisfaction survey."
    if case.status != Status.CLOSED:
        return "The survey is sent once the case is closed."
    if Invitation.objects.filter(case=case, stage_number=stage_of(case)).exists():
        return "This case's survey has already been sent for this stage."
    return None


def active_survey(audience: str) -> Survey:
    if audience not in Audience.values:
        raise ApplicationError.for_field("audience", "Choose which version of the survey to send.")
    survey = Survey.objects.filter(audience=audience, active=True).order_by("id").first()
    if survey is None:
        raise ApplicationError.for_field(
            "audience", "There is no survey switched on for this version: ask an administrator."
        )
    return survey


@dataclass(frozen=True)
class Sent:
    invitation: Invitation
    # A letter's link, shown once to the officer (an e-mail's is made when it is sent).
    link: str = ""


@transaction.atomic
def invitation_send(
    *,
    case: Case,
    audience: str,
    channel: str,
    actor: User,
    base_url: str,
    email: str = "",
) -> Sent:
    """Send a closed case's satisfaction survey: one invitation per case and stage, by e-mail
    through the outbox or as a link (and QR code) for a letter."""
    _require(actor, Perm.SURVEYS_SEND, "You are not allowed to send surveys.")
    access.ensure_can_view(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    why = refusal(case)
    if why:
        raise ApplicationError(why)
    if channel not in InvitationChannel.values:
        raise ApplicationError.for_field("channel", "Choose how to send the survey.")
    survey = active_survey(audience)
    email = email.strip()
    if channel == InvitationChannel.EMAIL:
        from harken.notifications.sending import recipients

        known = {r.email for r in recipients(case) if r.email}
        if email not in known:
            raise ApplicationError.for_field("email", "Choose who to e-mail the survey to.")
    token, digest = _new_token()
    invitation = Invitation.objects.create(
        case=case,
        stage_number=stage_of(case),
        survey=survey,
        channel=channel,
        token_hash=digest,
        sent_on=today(),
        expires_at=timezone.now() + dt.timedelta(days=link_days()),
        created_by=actor,
        modified_by=actor,
    )
    how = "by e-mail" if channel == InvitationChannel.EMAIL else "as a link for a letter"
    link = ""
    if channel == InvitationChannel.EMAIL:
        from harken.notifications.models import MessageKind
        from harken.notifications.outbox import message_queue

        invitation.message = message_queue(
            kind=MessageKind.SURVEY,
            to=[email],
            case=case,
            requested_by=actor,
            data={"invitation": invitation.pk, "base_url": base_url},
        )
        invitation.save(update_fields=["message"])
    else:
        link = survey_link(token, base_url)
    description = (
        f"Satisfaction survey ({survey.get_audience_display().lower()}) for "
        f"{invitation.stage_label.lower()} sent {how}; the link works until "
        f"{format_date(timezone.localtime(invitation.expires_at).date())}"
    )
    record_event(case=case, actor=actor, verb=Verb.SURVEY_SENT, description=description)
    _audit(
        verb=SurveyEvent.Verb.INVITATION_SENT,
        actor=actor,
        description=f"{case.reference}: {description}",
        invitation=invitation,
        survey=survey,
    )
    return Sent(invitation, link)


@transaction.atomic
def invitation_link_again(*, invitation: Invitation, actor: User, base_url: str) -> str:
    """A new link for a letter (the one shown before stops working): the link is shown
    once, so an officer who lost it asks again."""
    _require(actor, Perm.SURVEYS_SEND, "You are not allowed to send surveys.")
    access.ensure_can_view(actor, invitation.case)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    state = invitation_state(invitation)
    if state != "open":
        raise ApplicationError(
            "This survey has already been answered."
            if state == "answered"
            else "This survey's link has expired."
        )
    token, digest = _new_token()
    invitation.token_hash = digest
    invitation.modified_by = actor
    invitation.save(update_fields=["token_hash", "modified_by", "modified_at"])
    _audit(
        verb=SurveyEvent.Verb.LINK_ISSUED,
        actor=actor,
        description=f"{invitation.case.reference}: a new survey link made (the old one stops)",
        invitation=invitation,
    )
    return survey_link(token, base_url)


@transaction.atomic
def invitation_for_letter(*, case: Case, actor: User, child: bool, base_url: str) -> str:
    """The link a letter prints (`{{ survey.link }}`), made as the letter is saved: the case's
    survey for its stage sent as a letter's link (the child-friendly one for a child
    complainant), or, if it was sent already and is still open, a new link that replaces the
    earlier one (the latest letter's link is the one that works). Never from a preview."""
    where = "template"
    if not access.may(actor, Perm.SURVEYS_SEND):
        raise ApplicationError.for_field(
            where, "You are not allowed to send surveys: choose a letter without the survey link."
        )
    existing = Invitation.objects.filter(case=case, stage_number=stage_of(case)).first()
    if existing is None:
        why = refusal(case)
        if why:
            raise ApplicationError.for_field(
                where, f"{why} Choose a letter without the survey link."
            )
        try:
            sent = invitation_send(
                case=case,
                audience=Audience.CHILD if child else Audience.ADULT,
                channel=InvitationChannel.LETTER,
                actor=actor,
                base_url=base_url,
            )
        except ApplicationError as exc:
            raise ApplicationError.for_field(where, exc.message) from exc
        return sent.link
    state = invitation_state(existing)
    if state != "open":
        raise ApplicationError.for_field(
            where,
            (
                "This case's survey has already been answered"
                if state == "answered"
                else "This case's survey link has expired"
            )
            + ": choose a letter without the survey link.",
        )
    return invitation_link_again(invitation=existing, actor=actor, base_url=base_url)


def invitation_message_build(message: Message) -> Built | Skip:
    """The outbox's builder: the e-mail with the link, its token made now and its hash
    stored (a retry makes a new one; only the latest link works)."""
    from harken.notifications.models import MessageStatus
    from harken.notifications.outbox import Built, Skip

    invitation = (
        Invitation.objects.select_related("survey", "case")
        .filter(pk=message.data.get("invitation"))
        .first()
    )
    if invitation is None or invitation_state(invitation) != "open":
        return Skip(MessageStatus.NOT_NEEDED)
    token, digest = _new_token()
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=digest)
    link = survey_link(token, str(message.data.get("base_url", "")))
    council = settings.HARKEN_COUNCIL_NAME
    until = format_date(timezone.localtime(invitation.expires_at).date())
    if invitation.survey.audience == Audience.CHILD:
        subject = "Tell us how we did"
        body = (
            "Hello,\n\nYou told us about something that was wrong. We want to know if we "
            "helped you well.\n\nIt takes about 2 minutes. You do not have to give your name.\n\n"
            f"{link}\n\nThe link works until {until}.\n\n{council}\n"
        )
    else:
        subject = "How did we handle your complaint?"
        body = (
            "Hello,\n\nWe would like to know how well we handled your complaint or enquiry. "
            "The survey has a few short questions and does not ask for your name.\n\n"
            f"{link}\n\nThe link works once, until {until}.\n\n{council}\n"
        )
    return Built(email=EmailMessage(subject=subject, body=body, to=list(message.to)))


# --- Answering -----------------------------------------------------------------------------


def invitation_find(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("survey").filter(token_hash=hash_token(token)).first()


def invitation_state(invitation: Invitation) -> str:
    """ "open", "answered" or "expired"."""
    if invitation.answered_at is not None:
        return "answered"
    if invitation.expires_at <= timezone.now():
        return "expired"
    return "open"


class SurveyClosed(ApplicationError):
    def __init__(self, state: str):
        super().__init__(
            "This survey has already been answered."
            if state == "answered"
            else "This link has expired."
        )
        self.state = state


def _answer_value(question: Question, value: Any) -> dict[str, Any]:
    if value in (None, ""):
        if question.required:
            raise ApplicationError.for_field(f"q{question.pk}", f"Answer '{question.text}'")
        return {}
    if question.kind == QuestionKind.SCALE:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 5:
            raise ApplicationError.for_field(f"q{question.pk}", "Choose a number from 1 to 5.")
        return {"scale": number}
    if question.kind == QuestionKind.YES_NO:
        if value not in ("yes", "no", True, False):
            raise ApplicationError.for_field(f"q{question.pk}", "Choose yes or no.")
        return {"yes_no": value in ("yes", True)}
    text = str(value).strip()[:5000]
    return {"text": text} if text else {}


@transaction.atomic
def survey_answer(*, token: str, answers: Mapping[int, Any]) -> Response:
    """Store the answers to an invitation (once). Everything else (the case's timeline, the
    comment to triage) is written in the same transaction, after the answers."""
    found = invitation_find(token)
    if found is None:
        raise SurveyClosed("missing")
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    state = invitation_state(invitation)
    if state != "open":
        raise SurveyClosed(state)
    questions = live_questions(invitation.survey)
    values = {q.pk: _answer_value(q, answers.get(q.pk)) for q in questions}
    satisfaction = next((values[q.pk]["scale"] for q in questions if "scale" in values[q.pk]), None)
    response = Response.objects.create(
        invitation=invitation,
        survey=invitation.survey,
        stage_number=invitation.stage_number,
        received_on=today(),
        satisfaction=satisfaction,
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=q, **values[q.pk]) for q in questions if values[q.pk]
    )
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["answered_at"])
    texts = [values[q.pk]["text"] for q in questions if values[q.pk].get("text")]
    if texts:
        Comment.objects.create(response=response, text="\n\n".join(texts), case=invitation.case)
    record_event(
        case=invitation.case,
        actor=None,
        verb=Verb.SURVEY_ANSWERED,
        description=f"Satisfaction survey for {invitation.stage_label.lower()} answered"
        + (" with a comment to triage" if texts else ""),
    )
    _audit(
        verb=SurveyEvent.Verb.ANSWERED,
        actor=None,
        description=f"{invitation.case.reference}: survey answered",
        invitation=invitation,
    )
    return response


# --- Triage --------------------------------------------------------------------------------


def _passed(team: Team | None, person: str, passed_on: dt.date | None) -> dict[str, Any]:
    if team is None:
        raise ApplicationError.for_field("team", "Choose the team it was passed to.")
    if not person.strip():
        raise ApplicationError.for_field("person", "Enter who it was passed to.")
    if passed_on is None:
        raise ApplicationError.for_field("passed_on", "Enter the date it was passed on.")
    if passed_on > today():
        raise ApplicationError.for_field(
            "passed_on", "The date it was passed on must be today or in the past."
        )
    return {"passed_to": team, "passed_to_person": person.strip(), "passed_on": passed_on}


@transaction.atomic
def comment_triage(
    *,
    comment: Comment,
    decision: str,
    actor: User,
    theme: Theme | None = None,
    team: Team | None = None,
    person: str = "",
    passed_on: dt.date | None = None,
    note: str = "",
    referred_to: str = "",
) -> Comment:
    """Decide what becomes of a comment: no action, passed to a team (who and when), a
    safeguarding concern (on the case it came with, through the cases' service; without a
    case, flagged here), or a new initial contact (through the cases' service, linked both
    ways). A comment is triaged once."""
    from harken.cases import services as case_services

    _require(actor, Perm.SURVEYS_TRIAGE, "You are not allowed to triage survey comments.")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.decision != Decision.UNTRIAGED:
        raise ApplicationError("This comment has already been triaged.")
    if decision not in Decision.values or decision == Decision.UNTRIAGED:
        raise ApplicationError.for_field("decision", "Choose what becomes of the comment.")
    note = note.strip()
    values: dict[str, Any] = {"decision": decision, "theme": theme or comment.theme}
    if decision == Decision.PASSED_TO_TEAM:
        values |= _passed(team, person, passed_on)
    elif decision == Decision.SAFEGUARDING:
        if not note:
            raise ApplicationError.for_field("note", "Describe the safeguarding concern.")
        if comment.case is not None:
            if not access.can_view_case(actor, comment.case):
                raise AccessDenied("You cannot see the case this comment came with.")
            concern = case_services.safeguarding_record(
                case=comment.case,
                raised_on=today(),
                description=f"From a survey comment: {note}",
                referred_to=referred_to,
                actor=actor,
                referred_on=today() if referred_to and referred_to != "none" else None,
            )
            values["concern"] = concern
        values |= {"safeguarding_flag": True, "safeguarding_note": note}
    elif decision == Decision.CONTACT:
        online = comment.response.invitation_id is not None
        contact = case_services.case_create(
            actor=actor,
            kind=Kind.CONTACT,
            channel=Channel.WEB if online else Channel.LETTER,
            received_on=comment.response.received_on,
            summary=(note or comment.text)[:200],
            details=f"From a survey comment:\n\n{comment.text}",
            themes=[values["theme"]] if values["theme"] else [],
        )
        record_event(
            case=contact,
            actor=actor,
            verb=Verb.SURVEY_COMMENT_LINKED,
            description="Recorded from a survey comment (the comment links to this case)",
        )
        values["contact"] = contact
    changes = set_fields(comment, values)
    comment.triaged_at = timezone.now()
    comment.triaged_by = actor
    comment.modified_by = actor
    comment.save()
    _audit(
        verb=SurveyEvent.Verb.COMMENT_TRIAGED,
        actor=actor,
        description=f"Survey comment triaged: {comment.get_decision_display()}",
        changes=changes,
        comment=comment,
    )
    return comment
