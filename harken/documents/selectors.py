"""Reads of documents and letter templates; reading a document is a read of its case."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Max, Q, QuerySet

from harken import access
from harken.accounts.models import User
from harken.cases.models import Appointment, Case, Stage
from harken.core.audit import record_read
from harken.core.dates import today
from harken.core.errors import AccessDenied

from .models import Document, DocumentKind, LetterKind, LetterTemplate


def document_list(*, case: Case) -> QuerySet[Document]:
    return case.documents.select_related("uploaded_by", "stage", "letter_template").order_by(
        "-uploaded_at", "filename"
    )


def stage_letters(*, case: Case) -> dict[int, list[Document]]:
    """Each stage's letters (acknowledgement, extension, response), newest first: one query."""
    found: dict[int, list[Document]] = {}
    for document in (
        case.documents.filter(stage__isnull=False, kind=DocumentKind.LETTER)
        .select_related("letter_template")
        # How each was sent (issue 13): its sending date is the step's evidence.
        .prefetch_related("message_attachments__message")
        .order_by("-uploaded_at", "filename")
    ):
        found.setdefault(document.stage_id, []).append(document)  # type: ignore[arg-type]
    return found


@dataclass(frozen=True)
class CasePanel:
    documents: list[Document]
    can_upload: bool
    can_write_letters: bool


def appointee_stage_filter(user: User | AnonymousUser) -> Q | None:
    """Which documents of a case they see an appointee sees (someone whose role sees only the
    cases they are appointed to): those of the stages they are appointed to now, and those
    of no stage (the complaint's own papers). None for everyone else: no such limit."""
    if not user.is_authenticated or not access.may(user, access.Perm.CASES_APPOINTED):
        return None
    if access.may(user, access.Perm.CASES_ALL) or access.may(user, access.Perm.CASES_OF_TEAMS):
        return None
    stages = Appointment.objects.filter(user_id=user.pk, ended_on__isnull=True).values("stage_id")
    return Q(stage__isnull=True) | Q(stage_id__in=stages)


def appointee_stage(*, user: User, case: Case) -> Stage | None:
    """The stage of `case` an appointee's upload belongs to: the one they are appointed to
    now (the latest). None for council staff and for someone not appointed."""
    if appointee_stage_filter(user) is None:
        return None
    appointment = (
        Appointment.objects.filter(user_id=user.pk, ended_on__isnull=True, stage__case=case)
        .select_related("stage")
        .order_by("-stage__number")
        .first()
    )
    return appointment.stage if appointment else None


def appointee_documents(*, user: User, stages: list[Stage]) -> dict[int, list[Document]]:
    """For an appointee's own page: each stage's documents (and its case's of no stage),
    one query however many stages."""
    if not stages:
        return {}
    by_case: dict[int, list[int]] = {}
    for stage in stages:
        by_case.setdefault(stage.case_id, []).append(stage.pk)
    found: dict[int, list[Document]] = {stage.pk: [] for stage in stages}
    rows = (
        Document.objects.filter(case_id__in=by_case)
        .filter(Q(stage__isnull=True) | Q(stage_id__in=found))
        .order_by("-uploaded_at", "filename")
    )
    for document in rows:
        targets = [document.stage_id] if document.stage_id else by_case[document.case_id]
        for stage_id in targets:
            found[stage_id].append(document)  # type: ignore[index]
    return found


def case_panel(*, case: Case, user: User | AnonymousUser) -> CasePanel:
    """What the case page's documents section shows: two queries however many documents."""
    if not access.can_view_case(user, case):
        return CasePanel(documents=[], can_upload=False, can_write_letters=False)
    documents = document_list(case=case)
    limit = appointee_stage_filter(user)
    if limit is not None:
        documents = documents.filter(limit)
    return CasePanel(
        documents=list(documents),
        can_upload=access.may(user, access.Perm.CASE_NOTE),
        can_write_letters=access.may(user, access.Perm.CASE_RESPOND),
    )


def appointee_document_days() -> int:
    return int(getattr(settings, "HARKEN_APPOINTEE_DOCUMENT_DAYS", 30))


def _finished_appointments(user: User | AnonymousUser) -> QuerySet[Appointment]:
    """The user's appointments that ended within the last HARKEN_APPOINTEE_DOCUMENT_DAYS."""
    if not user.is_authenticated or not user.is_active:
        return Appointment.objects.none()
    since = today() - dt.timedelta(days=appointee_document_days())
    return Appointment.objects.filter(user_id=user.pk, ended_on__gte=since)


def own_report_documents(*, user: User | AnonymousUser) -> QuerySet[Document]:
    """What an appointee keeps once their appointment has ended (the stage concluded, or the
    case ended): the documents they uploaded themselves to that case, for a while. Nothing
    else of the case: not its page, its notes or anyone else's documents."""
    cases = _finished_appointments(user).values("stage__case_id")
    return Document.objects.filter(
        uploaded_by_id=user.pk, kind=DocumentKind.UPLOADED, case_id__in=cases
    )


@dataclass(frozen=True)
class FormerAppointee:
    user: User
    role: str
    until: dt.date


def former_appointees_with_documents(*, case: Case) -> list[FormerAppointee]:
    """Appointees no longer appointed who may still download their own documents of `case`,
    and until when: for the case page's "who can see this case"."""
    since = today() - dt.timedelta(days=appointee_document_days())
    uploaders = case.documents.filter(kind=DocumentKind.UPLOADED).values("uploaded_by_id")
    ended = (
        Appointment.objects.filter(stage__case=case, ended_on__gte=since, user_id__in=uploaders)
        .exclude(
            # Appointments from the pool without an account have no user: NOT IN a list
            # holding NULL would keep nobody.
            user__in=Appointment.objects.filter(
                stage__case=case, ended_on__isnull=True, user__isnull=False
            ).values("user")
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "-ended_on")
    )
    seen: dict[int, FormerAppointee] = {}
    for appointment in ended:
        assert appointment.ended_on is not None  # noqa: S101  # filtered on
        assert appointment.user is not None  # noqa: S101  # user_id__in the uploaders
        seen.setdefault(
            appointment.user.pk,
            FormerAppointee(
                user=appointment.user,
                role=appointment.get_role_display(),
                until=appointment.ended_on + dt.timedelta(days=appointee_document_days()),
            ),
        )
    return list(seen.values())


def document_get_for_download(*, user: User, document_id: uuid.UUID) -> Document:
    """A document on a case the user can see, or one of their own they keep for a while after
    their appointment ended; the download logged as a read of the case."""
    try:
        document = (
            Document.objects.select_related("case")
            .filter(
                (Q(case__in=access.visible_cases(user)) & (appointee_stage_filter(user) or Q()))
                | Q(pk__in=own_report_documents(user=user).values("pk"))
            )
            .get(pk=document_id)
        )
    except Document.DoesNotExist as exc:
        raise AccessDenied("There is no document with that address you can see.") from exc
    record_read(case=document.case, user=user, via="download")
    return document


def last_letter_at(*, case: Case) -> dt.datetime | None:
    return case.documents.filter(kind=DocumentKind.LETTER).aggregate(at=Max("uploaded_at"))["at"]


def letter_templates(*, active_only: bool = False) -> QuerySet[LetterTemplate]:
    kind_order = models.Case(
        *[models.When(kind=kind, then=index) for index, kind in enumerate(LetterKind.values)],
        default=len(LetterKind.values),
    )
    qs = LetterTemplate.objects.select_related("updated_by").order_by(kind_order, "name")
    return qs.filter(active=True) if active_only else qs
