"""Reads of documents and letter templates; reading a document is a read of its case."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Max, QuerySet

from harken.accounts.models import User
from harken.cases.models import Case
from harken.core import access
from harken.core.audit import record_read
from harken.core.errors import AccessDenied

from .models import Document, DocumentKind, LetterKind, LetterTemplate


def document_list(*, case: Case) -> QuerySet[Document]:
    return case.documents.select_related("uploaded_by").order_by("-uploaded_at", "filename")


@dataclass(frozen=True)
class CasePanel:
    documents: list[Document]
    can_upload: bool
    can_write_letters: bool


def case_panel(*, case: Case, user: User | AnonymousUser) -> CasePanel:
    """What the case page's documents section shows: two queries however many documents."""
    if not access.can_view_case(user, case):
        return CasePanel(documents=[], can_upload=False, can_write_letters=False)
    role = getattr(user, "role", None)
    return CasePanel(
        documents=list(document_list(case=case)),
        can_upload=role in access.ACTION_ROLES["note"],
        can_write_letters=role in access.ACTION_ROLES["respond"],
    )


def document_get_for_download(*, user: User, document_id: uuid.UUID) -> Document:
    """A document on a case the user can see, its download logged as a read of the case."""
    try:
        document = (
            Document.objects.select_related("case")
            .filter(case__in=access.visible_cases(user))
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
