"""Register records not linked to a case: a subject access request, and an Ombudsman case, a
contact restriction or an advocacy referral recorded on its own. Each kind has a rule of its
own in the schedule (`RecordKind.SAR` ...); one linked to a case goes with its case.

As for a case: the years run from the day the record ended (or its last entry), a record
still running is never due, a legal hold on a person in force or a live subject access
request about them keeps their records, the personal fields of `coverage.py` are emptied and
the statistical ones kept, stored files are deleted, and its register audit rows keep what
happened and when but lose who and the details (docs/adr/0151)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db.models import DateField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate

from harken.core.dates import LONDON

from .models import Basis, RecordKind


@dataclass(frozen=True)
class Part:
    """Rows that belong to the record and go with it: the model, and its lookup to the
    record's id. `register`: their own register audit rows, if they have some."""

    label: str
    to_record: str
    register: str = ""
    extra: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Standalone:
    label: str  # the register model
    register: str  # its `RegisterEvent.register`
    only: tuple[tuple[str, Any], ...]  # the filter that makes a record standalone
    ended: str  # the day the record ended: the years of a closure rule run from it
    people: tuple[str, ...]  # its foreign keys to `cases.Person`
    parts: tuple[Part, ...] = ()

    @property
    def model(self) -> Any:
        return apps.get_model(self.label)

    def records(self) -> QuerySet[Any]:
        return self.model._default_manager.filter(**dict(self.only))


STANDALONE: dict[str, Standalone] = {
    RecordKind.SAR: Standalone(
        "registers.SubjectAccessRequest",
        "sar",
        (),
        "sent_on",
        ("requester", "subject"),
        (
            Part("registers.SarPause", "sar"),
            Part("subjectaccess.Bundle", "sar"),
            Part("subjectaccess.Redaction", "bundle__sar"),
        ),
    ),
    RecordKind.OMBUDSMAN: Standalone(
        "registers.OmbudsmanCase",
        "ombudsman",
        (("case__isnull", True),),
        "decision_on",
        ("person",),
        (
            Part("registers.OmbudsmanRemedy", "ombudsman_case", "remedy"),
            Part("registers.Payment", "ombudsman_case", "payment", (("case__isnull", True),)),
        ),
    ),
    RecordKind.RESTRICTION: Standalone(
        "registers.ContactRestriction",
        "restriction",
        (("case__isnull", True),),
        "ended_on",
        ("person",),
    ),
    RecordKind.ADVOCACY: Standalone(
        "registers.AdvocacyReferral",
        "advocacy",
        (("case__isnull", True),),
        "outcome_on",
        ("child",),
    ),
}


def _held(spec: Standalone) -> Q:
    """Records of a person held: by a hold on the person in force, or a live subject access
    request about them (the people `selectors.held_people` names, for each person field)."""
    from .models import LegalHold
    from .selectors import open_sars

    sars = open_sars()
    people = (
        LegalHold.objects.filter(person__isnull=False, released_at__isnull=True).values(
            "person_id"
        ),
        sars.filter(subject__isnull=False).values("subject_id"),
        sars.filter(subject__isnull=True).values("requester_id"),
    )
    held = Q()
    for field in spec.people:
        for ids in people:
            held |= Q(**{f"{field}_id__in": ids})
    return held


def due_records(
    *, kind: str, basis: str, years: int, day: dt.date, with_held: bool = False
) -> QuerySet[Any]:
    """The records of `kind` due for disposal on `day` under a rule of `basis` and `years`,
    not held (unless `with_held`) and not yet disposed, annotated with `counted_from`."""
    from .models import DisposedRecord
    from .selectors import years_before

    spec = STANDALONE[kind]
    records = spec.records().exclude(
        pk__in=DisposedRecord.objects.filter(kind=kind).values("record_id")
    )
    if not with_held:
        records = records.exclude(_held(spec))
    ended: Any = F(spec.ended)
    if basis == Basis.LAST_ENTRY:
        from harken.registers.models import RegisterEvent

        last = (
            RegisterEvent.objects.filter(register=spec.register, record_id=OuterRef("pk"))
            .order_by("-at")
            .annotate(day=TruncDate("at", tzinfo=LONDON))
            .values("day")[:1]
        )
        # A record still running is never due, whatever its last entry.
        records = records.filter(**{f"{spec.ended}__isnull": False})
        ended = Coalesce(Subquery(last, output_field=DateField()), spec.ended)
    return records.annotate(counted_from=ended).filter(counted_from__lte=years_before(day, years))


def _blank_rows(label: str, rows: QuerySet[Any]) -> None:
    from .disposal import _blank

    _blank(label, rows)


def _audit(register: str, ids: Any) -> None:
    from harken.registers.models import RegisterEvent, RegisterRead

    _blank_rows(
        "registers.RegisterEvent",
        RegisterEvent.objects.filter(register=register, record_id__in=ids),
    )
    _blank_rows(
        "registers.RegisterRead", RegisterRead.objects.filter(register=register, record_id__in=ids)
    )


def anonymise(kind: str, ids: Sequence[int]) -> int:
    """Anonymise these records of `kind` and what belongs to them; inside the caller's
    transaction, after they are marked disposed. Returns how many stored files were deleted."""
    from .disposal import people_anonymise

    spec = STANDALONE[kind]
    files = 0
    for part in spec.parts:
        rows = apps.get_model(part.label)._default_manager.filter(
            **{f"{part.to_record}__in": ids}, **dict(part.extra)
        )
        if part.label == "subjectaccess.Bundle":
            for name in rows.values_list("storage_name", flat=True):
                if name:
                    default_storage.delete(name)
                    files += 1
        if part.register:
            _audit(part.register, rows.values("pk"))
        _blank_rows(part.label, rows)
    records = spec.model._default_manager.filter(pk__in=ids)
    people = {
        pk
        for field in spec.people
        for pk in records.values_list(f"{field}_id", flat=True)
        if pk is not None
    }
    _audit(spec.register, list(ids))
    _blank_rows(spec.label, records)
    people_anonymise(people)
    return files


def disposed_ids(label: str) -> QuerySet[Any] | None:
    """The disposed records of a register model kept standalone (None: not such a model):
    they no longer keep their people from being anonymised."""
    from .models import DisposedRecord

    for kind, spec in STANDALONE.items():
        if spec.label == label:
            return DisposedRecord.objects.filter(kind=kind).values("record_id")
    return None
