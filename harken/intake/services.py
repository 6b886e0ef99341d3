"""Turning an online form into a record, storing its files, and the confirmation e-mail.

Store first: the submission, its files and the case are committed in one transaction and
the reference issued before any e-mail is attempted. The e-mail is queued after the commit
and retried with back-off; a failure of the mail server or a worker never loses or repeats
the submission, and the unique `key` makes a double click or a resubmitted page find the
first submission rather than make a second.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from harken.accounts.models import Team
from harken.cases.models import Case, Kind, PartyRole, Relationship
from harken.cases.services import PersonInput, case_create
from harken.core.dates import format_date, quantity, today
from harken.core.errors import ApplicationError
from harken.core.storage import save_file
from harken.core.text import has_visible, shorten
from harken.core.web import whole_number
from harken.documents import filetypes
from harken.documents.services import scan_upload
from harken.notifications import outbox
from harken.notifications.models import Message, MessageKind
from harken.procedures.definitions import ClockStart, ProcedureDef, StageDef
from harken.procedures.services import current_version

from .forms import DATA_TOPIC_WORDS
from .journeys import BY_FORM, Journey, flatten, procedure_code
from .models import Attachment, FormKind, Submission

logger = logging.getLogger(__name__)

# A data-protection complaint (s164A DPA 2018) always follows this procedure, whatever the team.
DATA_PROTECTION_PROCEDURE = "data-protection"
LATE_REASON = "Submitted online; to be considered."

# What a file may be is the one policy of every upload (`harken.documents.filetypes`).
ALLOWED_TYPES_TEXT = filetypes.ACCEPTED_TEXT
STORAGE_FULL_MESSAGE = (
    "Your file could not be saved just now, so it has not been added. Try again in a few "
    "minutes: your answers are kept"
)

RELATIONSHIP_WORDS = {
    "child": "a child or young person",
    "parent": "a parent",
    "carer": "a carer or family member",
    "foster_carer": "a foster carer",
    "special_guardian": "a special guardian",
    "advocate": "an advocate",
    "professional": "a professional",
    "other": "someone else",
}
ANSWER_WORDS = {"yes": "yes", "no": "no", "not_sure": "not sure"}


def max_file_bytes() -> int:
    return int(settings.HARKEN_INTAKE_MAX_FILE_MB) * 1024 * 1024


def max_form_bytes() -> int:
    """All the files of one form together."""
    return int(settings.HARKEN_INTAKE_MAX_FORM_MB) * 1024 * 1024


# --- Files ------------------------------------------------------------------------------------


def clean_file_name(name: str) -> str:
    """The person's file name, safe to show: no folders, control or direction characters."""
    base = PurePath(name.replace("\\", "/")).name
    kept = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return shorten(kept, 150) if has_visible(kept) else "file"


@transaction.atomic
def attachment_store(*, journey_key: uuid.UUID, upload: UploadedFile) -> Attachment:
    """Keep a file sent with a form, if its content is a type every upload may be, it is not
    too big, and the form's files together stay within their limit. A storage failure is
    refused with a message (`StorageUnavailable`), leaving nothing behind."""
    limit = int(settings.HARKEN_INTAKE_MAX_FILES)
    held = Attachment.objects.filter(journey_key=journey_key, submission=None)
    if held.count() >= limit:
        raise ApplicationError.for_field("file", f"You can only send up to {limit} files")
    size = upload.size or 0
    if size == 0:
        raise ApplicationError.for_field("file", "The selected file is empty")
    if size > max_file_bytes():
        raise ApplicationError.for_field(
            "file", f"The selected file must be smaller than {settings.HARKEN_INTAKE_MAX_FILE_MB}MB"
        )
    if (held.aggregate(total=Sum("size"))["total"] or 0) + size > max_form_bytes():
        raise ApplicationError.for_field(
            "file",
            "The files you send with one form must add up to less than "
            f"{settings.HARKEN_INTAKE_MAX_FORM_MB}MB",
        )
    kind = filetypes.detect(upload, upload.name or "")
    # Checked for viruses like every staff upload (ClamAV, when configured).
    scan_upload(
        upload,
        log_context="online form attachment",
        infected_message="The selected file contains a virus, so it has not been sent",
        unavailable_message="The selected file could not be checked, so it has not been sent. "
        "Try again in a few minutes",
    )
    upload.seek(0)
    attachment = Attachment(
        journey_key=journey_key,
        original_name=clean_file_name(upload.name or ""),
        content_type=kind.mime,
        size=size,
    )
    name = attachment.file.field.generate_filename(attachment, f"upload{kind.extension}")
    stored = save_file(attachment.file.storage, name, upload, message=STORAGE_FULL_MESSAGE)
    attachment.file.name = stored
    # The file is written before the row: remove it if the row cannot be written.
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, journey_key: uuid.UUID, attachment_id: int) -> None:
    """Take a file back out of a form that has not been sent yet."""
    attachment = Attachment.objects.filter(
        pk=attachment_id, journey_key=journey_key, submission=None
    ).first()
    if attachment is None:
        return
    name = str(attachment.file.name)
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(partial(storage.delete, name))


def attachments_in_use(*, journey_key: uuid.UUID) -> None:
    """The form holding these files is being used: they are not abandoned."""
    Attachment.objects.filter(journey_key=journey_key, submission=None).update(
        last_used_at=timezone.now()
    )


def abandoned_attachments_delete(*, older_than: dt.datetime) -> int:
    """Delete files of forms never sent and unused for longer than the answers are kept."""
    count = 0
    for attachment in Attachment.objects.filter(submission=None, last_used_at__lt=older_than):
        name, storage = str(attachment.file.name), attachment.file.storage
        attachment.delete()
        storage.delete(name)
        count += 1
    return count


# --- From answers to a case -------------------------------------------------------------------


@dataclass(frozen=True)
class Triage:
    kind: str
    procedure_code: str | None
    spec: ProcedureDef | None


def _team(answers: dict[str, Any]) -> Team | None:
    pk = whole_number(answers.get("team"))
    if pk is None:
        return None
    team = Team.objects.filter(pk=pk, active=True).first()
    if team is None:  # closed since the answers were checked
        raise ApplicationError.for_field("team", "Select the service from the list")
    return team


def triage(form: str, answers: dict[str, Any], team: Team | None) -> Triage:
    """What the form becomes: the council's setting decides how complaints arrive, except a
    data-protection complaint, which is one from receipt (its 30 days run from then)."""
    if form == FormKind.DATA_PROTECTION:
        spec = current_version(DATA_PROTECTION_PROCEDURE).spec
        return Triage(Kind.COMPLAINT, DATA_PROTECTION_PROCEDURE, spec)
    if form in (FormKind.COMPLAINT, FormKind.YOUNG_PERSON):
        code = procedure_code(team)
        spec = current_version(code).spec
        if settings.HARKEN_WEB_TRIAGE == "complaint":
            return Triage(Kind.COMPLAINT, code, spec)
        return Triage(Kind.CONTACT, None, spec)
    if form == FormKind.COMPLIMENT:
        return Triage(Kind.COMPLIMENT, None, None)
    kind = str(answers.get("comment_type") or Kind.COMMENT)
    if kind not in (Kind.ENQUIRY, Kind.COMMENT, Kind.SUGGESTION):
        kind = Kind.COMMENT
    return Triage(kind, None, None)


def _is_late(happened_on: dt.date | None, received_on: dt.date, months: int | None) -> bool:
    if happened_on is None or months is None:
        return False
    return received_on > happened_on + relativedelta(months=months)


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _person_details(answers: dict[str, Any]) -> dict[str, Any]:
    how = answers.get("contact_preference") or ""
    details: dict[str, Any] = {
        "first_name": answers.get("first_name", ""),
        "last_name": answers.get("last_name", ""),
        "contact_preference": how,
        "email": answers.get("email", "") if how == "email" else "",
        "phone": (answers.get("phone") if how == "phone" else answers.get("mobile")) or "",
        "address": answers.get("address", "") if how == "post" else "",
        "postcode": answers.get("postcode", "") if how == "post" else "",
        "accessibility_needs": answers.get("accessibility_needs", ""),
        "language": answers.get("language", ""),
    }
    if answers.get("date_of_birth"):
        details["date_of_birth"] = _date(answers["date_of_birth"])
    return details


def _people(form: str, answers: dict[str, Any]) -> list[PersonInput]:
    people = []
    details = _person_details(answers)
    if details["first_name"] or details["last_name"]:
        if form == FormKind.YOUNG_PERSON:
            relationship = Relationship.CHILD
        else:
            relationship = answers.get("relationship", "")
        people.append(
            PersonInput(role=PartyRole.COMPLAINANT, relationship=relationship, details=details)
        )
    if answers.get("for_child") == "yes" and answers.get("relationship") != "child":
        child: dict[str, Any] = {
            "first_name": answers.get("child_first_name", ""),
            "last_name": answers.get("child_last_name", ""),
        }
        if answers.get("child_date_of_birth"):
            child["date_of_birth"] = _date(answers["child_date_of_birth"])
        knows = {"yes": True, "no": False}.get(answers.get("child_knows", ""))
        people.append(PersonInput(role=PartyRole.CHILD, child_knows=knows, details=child))
    return people


def _story(form: str, answers: dict[str, Any]) -> str:
    for name in ("what_happened", "compliment", "message"):
        if answers.get(name):
            return str(answers[name])
    return ""


def case_summary(form: str, answers: dict[str, Any], *, unsafe: bool) -> str:
    words = " ".join(_story(form, answers).split())
    prefix = "SAFETY: may not be safe now. " if unsafe else ""
    return prefix + shorten(words, 150)


def case_details(
    journey: Journey,
    answers: dict[str, Any],
    *,
    team: Team | None,
    late: bool,
) -> str:
    """The person's words exactly, with what they told us about them, for the officer."""
    lines: list[str] = []
    if answers.get("safe_now") in ("no", "not_sure"):
        lines += [
            f"SAFETY: asked 'Are you safe right now?', the young person answered "
            f"'{ANSWER_WORDS[answers['safe_now']]}'. Check on them today.",
            "",
        ]
    lines += [f"Sent with the online form '{journey.name}'.", ""]

    def block(title: str, name: str) -> None:
        if answers.get(name):
            lines.extend([f"{title}:", str(answers[name]), ""])

    if answers.get("data_topic"):
        lines.extend(
            [
                "A complaint about the council's handling of their personal data (Data "
                "Protection Act 2018 s164A).",
                f"About: {DATA_TOPIC_WORDS.get(answers['data_topic'], answers['data_topic'])}.",
                "",
            ]
        )
    block("What happened", "what_happened")
    block("Compliment", "compliment")
    block("Question or comment", "message")
    if journey.form in (FormKind.COMPLAINT, FormKind.YOUNG_PERSON):
        when = _date(answers.get("happened_on"))
        lines.append(
            f"When it happened: {format_date(when) if when else 'not given'}"
            + (" (more than a year before it was sent)" if late else "")
        )
        block("Why they are telling us now", "late_reason")
    block("Who or what it is about", "about")
    if "team" in answers:
        lines.append(f"Service or team: {team.name if team else 'not sure'}")
    block("Who the compliment is for", "praised_worker")
    block("What would put things right", "put_right")
    if answers.get("relationship"):
        lines.append(f"The person sending it is {RELATIONSHIP_WORDS[answers['relationship']]}.")
    if answers.get("for_child") == "yes":
        lines.append(
            "Complaining for a child or young person; the child knows: "
            f"{ANSWER_WORDS.get(answers.get('child_knows', ''), 'not given')}."
        )
    if answers.get("advocate"):
        lines.append(
            "Would like an advocate: "
            f"{ANSWER_WORDS[answers['advocate']]}"
            + (" (wants to know more)" if answers["advocate"] == "not_sure" else "")
            + "."
        )
    if answers.get("files"):
        lines.append(f"Documents and photos sent: {len(answers['files'])}.")
    return "\n".join(lines).strip()


@transaction.atomic
def _create(journey: Journey, key: uuid.UUID, answers: dict[str, Any]) -> Submission:
    received_on = today()
    team = _team(answers)
    decided = triage(journey.form, answers, team)
    happened_on = _date(answers.get("happened_on"))
    late = _is_late(
        happened_on, received_on, decided.spec.time_limit_months if decided.spec else 12
    )
    late_reason = ""
    if late:
        late_reason = LATE_REASON
        if answers.get("late_reason"):
            late_reason += f" Their reason: {answers['late_reason']}"
    unsafe = answers.get("safe_now") in ("no", "not_sure")
    email = answers.get("email", "") if answers.get("contact_preference") == "email" else ""
    case = case_create(
        actor=None,
        kind=decided.kind,
        channel="web",
        received_on=received_on,
        summary=case_summary(journey.form, answers, unsafe=unsafe),
        details=case_details(journey, answers, team=team, late=late),
        teams=[team] if team else [],
        procedure_code=decided.procedure_code,
        people=_people(journey.form, answers),
        grounds_arose_on=happened_on,
        late_complaint_reason=late_reason[:2000],
        praised_worker=str(answers.get("praised_worker") or "")[:200],
    )
    # From here to the commit the reference counter is locked: kept short. The key is unique:
    # a second send of the same form fails here and all of its case is undone.
    submission = Submission(
        form=journey.form,
        key=key,
        answers=answers,
        case=case,
        unsafe=unsafe,
        advocate_requested=answers.get("advocate") == "yes",
        email=email,
    )
    submission.next_steps = next_steps(submission, spec=decided.spec)
    submission.save(force_insert=True)
    # The files the person saw listed on the check-your-answers page, and only those.
    file_ids = [int(item["id"]) for item in answers.get("files", [])]
    if file_ids:
        Attachment.objects.filter(pk__in=file_ids, journey_key=key, submission=None).update(
            submission=submission
        )
    if email:
        # The one outbox sends it once this transaction commits (notifications.outbox).
        outbox.message_queue(
            kind=MessageKind.CONFIRMATION, to=[email], case=case, submission=submission
        )
    return submission


def submission_create(
    *, journey: Journey, key: uuid.UUID, saved: dict[str, dict[str, Any]]
) -> tuple[Submission, bool]:
    """Make the record for a completed form, once. Returns (submission, created).

    The key is unique: a form sent again (or twice at once) finds the first record."""
    answers = flatten(journey, saved)
    try:
        submission = _create(journey, key, answers)
    except IntegrityError:
        # The same form sent twice at once: the other request made it first.
        existing = Submission.objects.filter(key=key).select_related("case").first()
        if existing is None:
            raise
        return existing, False
    return submission, True


# --- What happens next ------------------------------------------------------------------------


def _days(n: int) -> str:
    return quantity(n, "working day")


def _stage_words(stage: StageDef) -> str:
    if stage.response_days is None:
        return "There is no fixed time for the reply, but we will keep you up to date."
    start = (
        "of telling you we've received it"
        if stage.clock_starts == ClockStart.ACKNOWLEDGEMENT
        else "of receiving it"
    )
    words = f"The council normally replies within {_days(stage.response_days)} {start}"
    if stage.max_response_days and stage.max_response_days > stage.response_days:
        words += (
            f", or up to {_days(stage.max_response_days)} if it is complicated "
            "(we will tell you if it is)"
        )
    return words + "."


def _after_words(spec: ProcedureDef, young: bool) -> str:
    later = len(spec.stages) - 1
    if young:
        return (
            "If you're not happy with our answer, you can ask for someone independent to look "
            f"at it. After that, you can ask the {spec.ombudsman}."
        )
    if later <= 0:
        return (
            f"If you're not happy with the reply, you can ask the {spec.ombudsman} to look at it."
        )
    stages = "a further stage" if later == 1 else f"{later} further stages"
    return (
        f"If you're not happy with the reply, you can ask for your complaint to go to "
        f"{stages}. After that, you can ask the {spec.ombudsman} to look at it."
    )


def _data_protection_steps(case: Case, spec: ProcedureDef) -> list[str]:
    """s164A: acknowledged within 30 days, looked into without undue delay, the outcome; then
    the Information Commissioner."""
    stage = case.stages.order_by("number").first()
    steps = []
    if stage is not None and stage.acknowledgement_due_on:
        steps.append(
            "We'll confirm we have received your complaint by "
            f"{format_date(stage.acknowledgement_due_on)} (within 30 days)."
        )
    steps += [
        "We'll start looking into it straight away, keep you told of progress, and tell you "
        "the outcome without undue delay.",
        f"If you're not happy with the outcome, you can complain to the {spec.ombudsman} "
        f"({spec.ombudsman_website}, phone {spec.ombudsman_phone}).",
    ]
    return steps


def next_steps(submission: Submission, *, spec: ProcedureDef | None = None) -> list[str]:
    """What happens next, with the procedure's deadlines in plain words. `spec` is the
    procedure a contact would follow, if known (one lookup less)."""
    case: Case = submission.case  # type: ignore[assignment]
    journey = BY_FORM[submission.form]
    answers = submission.answers
    young = journey.young
    working_days = "Working days are Monday to Friday, not counting bank holidays."
    if case.kind == Kind.COMPLIMENT:
        steps = ["We'll pass your compliment on to the people it is about and their manager."]
        if answers.get("contact_preference") not in (None, "", "none"):
            steps.append("We'll let you know when we have.")
        return steps
    if case.kind in (Kind.ENQUIRY, Kind.COMMENT, Kind.SUGGESTION):
        return [
            f"We'll read your {case.get_kind_display().lower()} and reply by "
            f"{format_date(case.due_on)} (within "
            f"{_days(settings.HARKEN_CONTACT_RESPONSE_DAYS)}).",
            working_days,
        ]
    if case.procedure_version:
        spec = case.procedure_version.spec
    if spec is None:
        team = case.teams.first()
        spec = current_version(procedure_code(team)).spec
    if submission.form == FormKind.DATA_PROTECTION and case.kind == Kind.COMPLAINT:
        return _data_protection_steps(case, spec)
    steps = []
    if young:
        steps.append(
            "Someone from our feedback team will read what you've told us and get in touch "
            f"by {format_date(case.next_due_on)}."
            if case.kind == Kind.CONTACT
            else "Someone from our feedback team will read what you've told us."
        )
        steps.append(
            "You can have an advocate: someone who can help you say what you want. They are "
            "on your side. Just ask us, or tell someone you trust."
        )
    if case.kind == Kind.CONTACT:
        if not young:
            steps.append(
                "We'll read your complaint and contact you by "
                f"{format_date(case.due_on)} (within "
                f"{_days(settings.HARKEN_CONTACT_RESPONSE_DAYS)}) to talk about it. Often we "
                "can put things right quickly."
            )
        steps.append(
            "If it needs to be looked into formally, we'll tell you. "
            + _stage_words(spec.stages[0])
        )
    else:
        stage = case.stages.order_by("number").first()
        if stage is not None and stage.acknowledgement_due_on:
            steps.append(
                "We'll let you know we have received your complaint by "
                f"{format_date(stage.acknowledgement_due_on)}."
            )
        if stage is not None and stage.due_on:
            steps.append(
                f"We'll reply by {format_date(stage.due_on)}. " + _stage_words(spec.stages[0])
            )
        else:
            steps.append(_stage_words(spec.stages[0]))
    steps.append(_after_words(spec, young))
    steps.append(working_days)
    return steps


# --- The confirmation e-mail ------------------------------------------------------------------


def confirmation_message(submission: Submission) -> EmailMessage:
    case: Case = submission.case  # type: ignore[assignment]
    # The reference on the confirmation page, even if the contact has since been progressed
    # and passed it to its complaint.
    reference = case.previous_reference or case.reference
    journey = BY_FORM[submission.form]
    council = settings.HARKEN_COUNCIL_NAME
    first_name = submission.answers.get("first_name") or ""
    lines = [
        f"Hello {first_name}".strip() + ",",
        "",
        f"Thank you for your {journey.noun}. We have received it.",
        "",
        f"Your reference number is {reference}. Please give it if you contact us.",
        "",
        "What happens next",
        "",
        *[line for step in submission.next_steps or next_steps(submission) for line in (step, "")],
        "If you are worried about a child's safety, call the police on 999 if it is an "
        "emergency. Children and young people can talk to Childline for free on 0800 1111.",
        "",
        "Please do not reply to this e-mail.",
        "",
        council,
    ]
    return EmailMessage(
        subject=f"{council}: we have received your {journey.noun} ({reference})",
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[submission.email],
    )


def confirmation_build(message: Message) -> outbox.Built:
    """The confirmation, as the outbox sends it (written when sent, from the submission)."""
    submission = Submission.objects.select_related("case").get(pk=int(message.submission_id or 0))
    email = confirmation_message(submission)
    email.to = list(message.to)
    return outbox.Built(email=email)


def confirmation_send(*, submission_id: int) -> bool:
    """Send the submission's confirmation now, by the one protocol (`outbox.message_send`).
    False if there was nothing to send; a failure waits for its retry and is raised."""
    message_id = (
        Message.objects.filter(submission_id=submission_id, kind=MessageKind.CONFIRMATION)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if message_id is None:
        return False
    return outbox.message_send(message_id=message_id)
