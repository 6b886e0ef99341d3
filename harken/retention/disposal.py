"""Anonymising a batch of cases, driven by the field table in `coverage.py`.

Rows are kept (foreign keys, counts, dates, stages, teams, themes, outcomes, timeliness,
procedure versions), so a report recomputed for any past period gives the same figures;
every field the table calls personal is emptied, stored files are deleted through the
storage API (file system, S3, Azure alike), and audit rows keep what happened and when but
lose who and the free text. Each batch is a few set-based statements however many cases it
holds (docs/adr/0092).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models

from .coverage import DISPOSED_WITH_CASE, PERSONAL, REPLACED

# Register audit rows name their record by (register, id): the register records of a case.
REGISTER_RECORDS: dict[str, tuple[str, str]] = {
    "ombudsman": ("registers.OmbudsmanCase", "case"),
    "remedy": ("registers.OmbudsmanRemedy", "ombudsman_case__case"),
    "payment": ("registers.Payment", "case"),
    "cost": ("registers.InvestigationCost", "case"),
    "restriction": ("registers.ContactRestriction", "case"),
    "advocacy": ("registers.AdvocacyReferral", "case"),
}


def personal_fields(label: str) -> list[str]:
    return [name for name, kind in DISPOSED_WITH_CASE[label].fields.items() if kind == PERSONAL]


def empty_value(label: str, field: models.Field[Any, Any]) -> Any:
    """What a personal field becomes: the replacement text, or empty."""
    if (label, field.name) in REPLACED:
        return REPLACED[(label, field.name)]
    if isinstance(field, models.JSONField):
        return field.get_default() if field.has_default() else {}  # a list stays a list
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField | models.FileField):
        return ""
    raise TypeError(
        f"{label}.{field.name} is personal but cannot be emptied: make it nullable, or give "
        "it a replacement in harken/retention/coverage.py REPLACED."
    )


def _blank(label: str, queryset: models.QuerySet[Any]) -> None:
    model = queryset.model
    values: dict[str, Any] = {}
    for name in personal_fields(label):
        field = model._meta.get_field(name)
        if field.many_to_many:
            through = getattr(model, name).through
            source = field.m2m_field_name()  # type: ignore[attr-defined]
            through.objects.filter(**{f"{source}__in": queryset.values("pk")}).delete()
        else:
            values[name] = empty_value(label, field)  # type: ignore[arg-type]
    if values:
        queryset.update(**values)


def _delete_files(case_ids: Sequence[int]) -> int:
    """Delete the stored files of these cases' documents, form attachments and the raw
    e-mails of the shared mailbox that joined them (their copies are the cases' documents)."""
    from harken.correspondence.models import MailItem
    from harken.documents.models import Document
    from harken.intake.models import Attachment

    deleted = 0
    for name in MailItem.objects.filter(case_id__in=case_ids).values_list(
        "raw_storage_name", flat=True
    ):
        if name:
            default_storage.delete(name)
            deleted += 1
    for name in Document.objects.filter(case_id__in=case_ids).values_list(
        "storage_name", flat=True
    ):
        if name:
            default_storage.delete(name)
            deleted += 1
    storage = Attachment._meta.get_field("file").storage  # type: ignore[union-attr]
    for name in Attachment.objects.filter(submission__case_id__in=case_ids).values_list(
        "file", flat=True
    ):
        if name:
            storage.delete(name)
            deleted += 1
    return deleted


def _people(case_ids: Sequence[int]) -> None:
    """Anonymise the people on these cases who are on no other live record (these cases are
    marked disposed already)."""
    from harken.cases.models import CaseParty

    people_anonymise(
        set(CaseParty.objects.filter(case_id__in=case_ids).values_list("person_id", flat=True))
    )


def people_anonymise(candidates: set[int]) -> None:
    """Anonymise those of these people no live record names: every case they are on is
    disposed, and every register record that names them is disposed with its case or under
    its own rule (harken/retention/standalone.py)."""
    from harken.cases.models import Person

    from .standalone import STANDALONE, disposed_ids

    if not candidates:
        return
    blocked: set[int] = set()
    for relation in Person._meta.related_objects:
        related = relation.related_model
        if related._meta.label == "subjectaccess.PersonAlias":
            continue  # the person's other names go with them, below
        fk = relation.field.name
        rows = related._default_manager.filter(**{f"{fk}__in": candidates})
        if related._meta.label == "retention.LegalHold":
            # A hold on the person in force keeps them (and their cases, which are not due);
            # a released one is emptied with them, below.
            blocked.update(rows.filter(released_at__isnull=True).values_list(fk, flat=True))
            continue
        covered = DISPOSED_WITH_CASE.get(related._meta.label)
        if covered is not None and covered.to_case:
            rows = rows.exclude(**{f"{covered.to_case}__disposal__isnull": False})
        gone = disposed_ids(related._meta.label)
        if gone is not None:
            rows = rows.exclude(pk__in=gone)
        blocked.update(rows.values_list(fk, flat=True))
    # Records whose link to the person has no reverse name (a rights request) are not among
    # the relations above: each standalone record not disposed keeps its people.
    for spec in STANDALONE.values():
        gone = disposed_ids(spec.label)
        for field in spec.people:
            blocked.update(
                spec.records()
                .filter(**{f"{field}_id__in": candidates})
                .exclude(pk__in=gone)
                .values_list(f"{field}_id", flat=True)
            )
    free = candidates - blocked
    if free:
        from harken.subjectaccess.models import PersonAlias

        from .models import LegalHold

        _blank("cases.Person", Person.objects.filter(pk__in=free))
        PersonAlias.objects.filter(person_id__in=free).delete()
        _blank("retention.LegalHold", LegalHold.objects.filter(person_id__in=free))


def _register_audit(case_ids: Sequence[int]) -> None:
    from harken.registers.models import RegisterEvent, RegisterRead

    for register, (label, to_case) in REGISTER_RECORDS.items():
        model = apps.get_model(label)
        ids = model._default_manager.filter(**{f"{to_case}__in": case_ids}).values("pk")
        _blank(
            "registers.RegisterEvent",
            RegisterEvent.objects.filter(register=register, record_id__in=ids),
        )
        _blank(
            "registers.RegisterRead",
            RegisterRead.objects.filter(register=register, record_id__in=ids),
        )


def anonymise(case_ids: Sequence[int]) -> int:
    """Anonymise these cases and what belongs to them; run inside the caller's transaction,
    after the cases are marked disposed. Returns how many stored files were deleted."""
    files = _delete_files(case_ids)
    for label, covered in DISPOSED_WITH_CASE.items():
        if covered.to_case is None:
            continue
        model = apps.get_model(label)
        lookup = f"{covered.to_case}__in" if covered.to_case else "pk__in"
        _blank(label, model._default_manager.filter(**{lookup: case_ids}))
    _register_audit(case_ids)
    _surveys(case_ids)
    _people(case_ids)
    return files


def _surveys(case_ids: Sequence[int]) -> None:
    """A survey comment follows the initial contact it became, or else the case it came with;
    the surveys' trail of those comments and of the cases' invitations loses who and what
    changed (issue 14, docs/adr/0250)."""
    from django.db.models import Q

    comment = apps.get_model("surveys", "Comment")
    event = apps.get_model("surveys", "SurveyEvent")
    comments = comment._default_manager.filter(
        Q(contact_id__in=case_ids) | Q(contact__isnull=True, case_id__in=case_ids)
    )
    _blank(
        "surveys.SurveyEvent",
        event._default_manager.filter(
            Q(comment__in=comments.values("pk")) | Q(invitation__case_id__in=case_ids)
        ),
    )
    _blank("surveys.Comment", comments)
