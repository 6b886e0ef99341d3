"""Records not linked to a case: a subject access request, and an Ombudsman case, a contact
restriction or an advocacy referral recorded on its own; a rectification, restriction or
erasure request; a shared mailbox e-mail set aside or marked not feedback. Each kind has a
rule of its own in the schedule (`RecordKind.SAR` ...); one linked to a case goes with its
case (docs/adr/0151, 0152).

As for a case: the years run from the day the record ended (or its last entry), a record
still running is never due, a legal hold on a person in force or a live subject access
request about them keeps their records, the personal fields of `coverage.py` are emptied and
the statistical ones kept, stored files are deleted, and its register audit rows keep what
happened and when but lose who and the details.

A shared mailbox e-mail names no person record, only the address it came from: a held
person's e-mail address keeps the e-mails from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db.models import Case as DbCase
from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Lower, TruncDate

from harken.core.dates import LONDON

from .models import Basis, RecordKind


@dataclass(frozen=True)
class Part:
    """Rows that belong to the record and go with it: the model, and its lookup to the
    record's id. `register`: their own register audit rows, if they have some; `files`: the
    field naming a stored file of theirs, deleted from storage."""

    label: str
    to_record: str
    register: str = ""
    extra: tuple[tuple[str, Any], ...] = ()
    files: str = ""


def _london_day(field: str) -> Any:
    return TruncDate(field, tzinfo=LONDON)


@dataclass(frozen=True)
class Standalone:
    label: str  # the model
    register: str  # its `RegisterEvent.register`; "" for a record with an audit trail of its own
    only: tuple[tuple[str, Any], ...]  # the filter that makes a record standalone
    ended: str  # the field holding the day the record ended: a closure rule's years run from it
    people: tuple[str, ...]  # its foreign keys to `cases.Person`
    parts: tuple[Part, ...] = ()
    # The day it ended where one date field does not say it (an expression over the record).
    ended_as: Callable[[], Any] | None = None
    # Its own audit trail, where it has no register's: (model, lookup to the record, verbs that
    # are reads, not entries), for a rule counted from the last entry.
    events: tuple[str, str, tuple[str, ...]] | None = None
    # A lookup to an e-mail address: a held person's address keeps the record (a shared
    # mailbox e-mail names no person record, only the address it came from).
    address: str = ""
    files: str = ""  # the field naming its own stored file

    @property
    def model(self) -> Any:
        return apps.get_model(self.label)

    def records(self) -> QuerySet[Any]:
        return self.model._default_manager.filter(**dict(self.only))

    def ended_on(self) -> Any:
        return self.ended_as() if self.ended_as is not None else F(self.ended)

    def last_entry(self) -> Any:
        """A subquery: the London day of the record's last audit entry."""
        if self.events is not None:
            label, to_record, reads = self.events
            rows = (
                apps.get_model(label)
                ._default_manager.filter(**{to_record: OuterRef("pk")})
                .exclude(verb__in=reads)
            )
        else:
            from harken.registers.models import RegisterEvent

            rows = RegisterEvent.objects.filter(register=self.register, record_id=OuterRef("pk"))
        return Subquery(
            rows.order_by("-at").annotate(day=_london_day("at")).values("day")[:1],
            output_field=DateField(),
        )


def _rights_ended() -> Any:
    """A rights request ends when it is carried out or refused; a restriction carried out,
    only when it is lifted (until then it is in force: docs/adr/0150)."""
    return DbCase(
        When(kind="restriction", status="done", then=F("lifted_on")),
        default=F("decided_on"),
        output_field=DateField(),
    )


def _mail_ended() -> Any:
    return _london_day("received_at")


def _comment_ended() -> Any:
    """A survey comment ends when it is triaged; one not yet triaged is running."""
    return _london_day("triaged_at")


_LONG_AGO = dt.date(1900, 1, 1)


def _latest(rows: QuerySet[Any], field: str) -> Any:
    return Coalesce(
        Subquery(rows.order_by(f"-{field}").values(field)[:1], output_field=DateField()),
        Value(_LONG_AGO),
        output_field=DateField(),
    )


def _pool_ended() -> Any:
    """A person who left the pool: the latest of the last entry in their pool record (leaving
    it is one, as is each appointment) and the end of their last appointment, here or by a
    partner council. Running (never due) while an appointment is open or names them on a case
    not yet disposed of: that case's record says who investigated it."""
    from harken.cases.models import Appointment
    from harken.pool.models import PartnerAppointment, PoolEvent

    events = (
        PoolEvent.objects.filter(entry=OuterRef("pk"))
        .exclude(verb=PoolEvent.Verb.VIEWED)
        .annotate(day=_london_day("at"))
    )
    appointed = Appointment.objects.filter(pool_entry=OuterRef("pk"))
    partner = PartnerAppointment.objects.filter(entry=OuterRef("pk"))
    live = appointed.filter(Q(ended_on__isnull=True) | Q(stage__case__disposal__isnull=True))
    return DbCase(
        When(Exists(live), then=Value(None)),
        When(Exists(partner.filter(ended_on__isnull=True)), then=Value(None)),
        default=Greatest(
            _latest(events, "day"),
            _latest(appointed, "ended_on"),
            _latest(partner, "ended_on"),
            output_field=DateField(),
        ),
        output_field=DateField(),
    )


STANDALONE: dict[str, Standalone] = {
    RecordKind.SAR: Standalone(
        "registers.SubjectAccessRequest",
        "sar",
        (),
        "sent_on",
        ("requester", "subject"),
        (
            Part("registers.SarPause", "sar"),
            Part("subjectaccess.Bundle", "sar", files="storage_name"),
            Part("subjectaccess.Redaction", "bundle__sar"),
            # The e-mail the request arrived in (the shared mailbox), with its parts.
            Part("correspondence.MailItem", "sar", files="raw_storage_name"),
            Part("correspondence.MailAttachment", "item__sar"),
            Part("correspondence.MailItemEvent", "item__sar"),
            Part("notifications.InboundText", "item__sar"),
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
    # A rectification, restriction or erasure request is about a person, never a case.
    RecordKind.RIGHTS: Standalone(
        "subjectaccess.RightsRequest",
        "",
        (),
        "decided_on",
        ("person",),
        (Part("subjectaccess.RightsRequestEvent", "request"),),
        ended_as=_rights_ended,
        events=("subjectaccess.RightsRequestEvent", "request", ()),
    ),
    # An e-mail set aside (an automatic reply, a bounce) or marked not feedback, on no case
    # and no request. One in the inbox is running; one on a case goes with the case, one made
    # into a subject access request with the request (a part of it, above).
    RecordKind.MAIL: Standalone(
        "correspondence.MailItem",
        "",
        (
            ("case__isnull", True),
            ("sar__isnull", True),
            ("status__in", ("set_aside", "not_feedback")),
        ),
        "received_at",
        (),
        (
            Part("correspondence.MailAttachment", "item"),
            Part("correspondence.MailItemEvent", "item"),
            Part("notifications.InboundText", "item"),
        ),
        ended_as=_mail_ended,
        events=("correspondence.MailItemEvent", "item", ("listed", "viewed")),
        address="sender_address",
        files="raw_storage_name",
    ),
    # Issue 14 (docs/adr/0250). A survey comment on no case that did not become one (an
    # imported return's): its words, the note and who it was passed to.
    RecordKind.SURVEY_COMMENT: Standalone(
        "surveys.Comment",
        "",
        (("case__isnull", True), ("contact__isnull", True)),
        "triaged_at",
        (),
        (Part("surveys.SurveyEvent", "comment"),),
        ended_as=_comment_ended,
        events=("surveys.SurveyEvent", "comment", ("comments_read",)),
    ),
    # A person who left the pool: their name, contact details and DBS date; their roles,
    # rates, training and appointments stay for the report's figures, naming no one.
    RecordKind.POOL: Standalone(
        "pool.PoolEntry",
        "",
        (("active", False),),
        "",
        (),
        (Part("pool.PoolEvent", "entry"),),
        ended_as=_pool_ended,
        events=("pool.PoolEvent", "entry", ("viewed",)),
    ),
    # Issue 14 (homes): a Regulation 44 visit, its stored report, its recommendations on the
    # plan and the issues raised at it; an issue that became a case follows its case.
    RecordKind.HOME_VISIT: Standalone(
        "homes.Visit",
        "",
        (),
        "visited_on",
        (),
        (
            Part("homes.Issue", "visit", extra=(("case__isnull", True),)),
            Part("learning.Action", "recommendation__visit"),
            Part("learning.Recommendation", "visit"),
            Part("homes.HomeEvent", "visit"),
        ),
        events=("homes.HomeEvent", "visit", ("visit_viewed",)),
        files="report_storage_name",
    ),
    RecordKind.DROP_IN: Standalone(
        "homes.DropIn",
        "",
        (),
        "held_on",
        (),
        (
            Part("homes.Issue", "drop_in", extra=(("case__isnull", True),)),
            Part("homes.HomeEvent", "drop_in"),
        ),
        events=("homes.HomeEvent", "drop_in", ("drop_in_viewed",)),
    ),
}


def held_people_ids() -> tuple[QuerySet[Any], ...]:
    """Subqueries of the people whose every record is held: by a hold on the person in force,
    or a live subject access request about them (as `selectors.held_people`)."""
    from .models import LegalHold
    from .selectors import open_sars

    sars = open_sars()
    return (
        LegalHold.objects.filter(person__isnull=False, released_at__isnull=True).values(
            "person_id"
        ),
        sars.filter(subject__isnull=False).values("subject_id"),
        sars.filter(subject__isnull=True).values("requester_id"),
    )


def _addresses(people: Any) -> QuerySet[Any]:
    from harken.cases.models import Person

    return (
        Person.objects.filter(pk__in=people)
        .exclude(email="")
        .annotate(lower_email=Lower("email"))
        .values("lower_email")
    )


def _held(spec: Standalone) -> Q:
    """Records of a person held: by a hold on the person in force, or a live subject access
    request about them, for each person field; and, for a record that names only an address,
    the held people's addresses (`Q(pk__in=[])` where nothing can hold it)."""
    held = Q(pk__in=[])
    for ids in held_people_ids():
        for field in spec.people:
            held |= Q(**{f"{field}_id__in": ids})
        if spec.address:
            held |= Q(**{f"{spec.address}__in": _addresses(ids)})
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
    # A record still running (no day it ended) is never due, whatever its last entry.
    records = records.annotate(record_ended_on=spec.ended_on()).filter(
        record_ended_on__isnull=False
    )
    ended: Any = F("record_ended_on")
    if basis == Basis.LAST_ENTRY:
        ended = Coalesce(spec.last_entry(), "record_ended_on", output_field=DateField())
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


def _delete_files(rows: QuerySet[Any], field: str) -> int:
    deleted = 0
    for name in rows.values_list(field, flat=True):
        if name:
            default_storage.delete(name)
            deleted += 1
    return deleted


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
        if part.files:
            files += _delete_files(rows, part.files)
        if part.register:
            _audit(part.register, rows.values("pk"))
        _blank_rows(part.label, rows)
    records = spec.model._default_manager.filter(pk__in=ids)
    if spec.files:
        files += _delete_files(records, spec.files)
    people = {
        pk
        for field in spec.people
        for pk in records.values_list(f"{field}_id", flat=True)
        if pk is not None
    }
    if spec.register:
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
