"""Everything held on a person: where they are a party, where they are named in free text or
in a document's text, the registers that name them, their rights requests, the shared
mailbox's e-mails from their address, and who has read their records.

Names (full name and known aliases) and e-mail addresses are searched as phrases with the
full-text index on PostgreSQL (a GIN index per text column, migration 0002), so the cost
follows the matching rows, not the whole history; on SQLite a plain case-insensitive
`contains` does the same job. Phone numbers are matched as typed and as digits only.
Only cases the user may see are shown; matches on restricted cases they may not see are
counted, never described.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from harken import access
from harken.accounts.models import User
from harken.cases.models import (
    Case,
    CaseParty,
    CaseRead,
    Element,
    Note,
    Person,
    SafeguardingConcern,
)
from harken.core.dates import format_date
from harken.core.errors import AccessDenied
from harken.registers.models import (
    AdvocacyReferral,
    ContactRestriction,
    OmbudsmanCase,
    Register,
    RegisterRead,
    SubjectAccessRequest,
)

from . import permissions
from .models import Bundle, DocumentText, RightsRequest

FTS_CONFIG = "simple"
MIN_NAME = 3


@dataclass(frozen=True)
class Finding:
    """One place the person appears."""

    where: str  # "Complainant", "Named in a note", "In a document's text"…
    case: Case | None
    label: str  # what the place is ("Case CR-2024-0001", "Document letter.pdf")
    excerpt: str = ""


@dataclass
class PersonData:
    person: Person
    terms: list[str]
    same_people: list[Person]
    findings: list[Finding] = field(default_factory=list)
    case_ids: set[int] = field(default_factory=set)
    hidden_cases: int = 0
    reads: list[CaseRead] = field(default_factory=list)
    register_reads: list[RegisterRead] = field(default_factory=list)

    @property
    def cases(self) -> QuerySet[Case]:
        return Case.objects.filter(pk__in=self.case_ids).order_by("received_on", "pk")


def search_terms(person: Person) -> list[str]:
    """The names (full name, aliases) and contact details to look for."""
    names = [person.full_name, *person.aliases.values_list("name", flat=True)]
    terms = [n.strip() for n in names if len(n.strip()) >= MIN_NAME]
    if person.email:
        terms.append(person.email.strip())
    return list(dict.fromkeys(terms))


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _text_match(qs: QuerySet[Any], column: str, terms: Iterable[str], phone: str) -> QuerySet[Any]:
    """Rows of `qs` whose `column` contains any of `terms` (as a phrase) or the phone."""
    terms = list(terms)
    if not terms and not phone:
        return qs.none()
    q = Q()
    if connection.vendor == "postgresql":
        query: SearchQuery | None = None
        for term in terms:
            one = SearchQuery(term, search_type="phrase", config=FTS_CONFIG)
            query = one if query is None else query | one
        if query is not None:
            qs = qs.annotate(_fts=SearchVector(column, config=FTS_CONFIG))
            q |= Q(_fts=query)
    else:
        for term in terms:
            q |= Q(**{f"{column}__icontains": term})
    if phone:
        q |= Q(**{f"{column}__contains": phone})
    return qs.filter(q)


def _excerpt(text: str, terms: Iterable[str], phone: str, width: int = 60) -> str:
    lowered = text.lower()
    for term in [*terms, phone]:
        if not term:
            continue
        at = lowered.find(term.lower())
        if at >= 0:
            start = max(0, at - width)
            end = min(len(text), at + len(term) + width)
            return (
                ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
            )
    return text[: width * 2]


def same_people(person: Person) -> list[Person]:
    """Other records of the same human: the same e-mail address, the same phone number, or
    the same name and date of birth."""
    q = Q()
    if person.email:
        q |= Q(email__iexact=person.email)
    if _digits(person.phone) and len(_digits(person.phone)) >= 6:
        q |= Q(phone=person.phone)
    if person.first_name and person.last_name and person.date_of_birth:
        q |= Q(
            first_name__iexact=person.first_name,
            last_name__iexact=person.last_name,
            date_of_birth=person.date_of_birth,
        )
    if not q:
        return []
    return list(Person.objects.filter(q).exclude(pk=person.pk).order_by("pk"))


def person_data(*, user: User, person: Person) -> PersonData:
    """Everything held on `person` that `user` may see. The feedback team only."""
    permissions.ensure_can_use_subject_access(user)
    terms = search_terms(person)
    phone = person.phone.strip() if len(_digits(person.phone)) >= 6 else ""
    others = same_people(person)
    people = [person, *others]
    data = PersonData(person=person, terms=terms, same_people=others)
    visible = set(access.visible_cases(user).values_list("pk", flat=True))
    found: dict[int, None] = {}

    def add(where: str, case: Case | None, label: str, excerpt: str = "") -> None:
        if case is not None:
            if case.pk not in visible:
                found.setdefault(case.pk)
                return
            data.case_ids.add(case.pk)
        data.findings.append(Finding(where=where, case=case, label=label, excerpt=excerpt))

    for party in (
        CaseParty.objects.filter(person__in=people)
        .select_related("case", "person")
        .order_by("case__received_on", "case_id")
    ):
        role = "Complainant" if party.role == "complainant" else "Child the case is about"
        add(role, party.case, f"Case {party.case.reference}")

    text_sources: list[tuple[str, QuerySet[Any], str, str]] = [
        ("Named in the case summary", Case.objects.all(), "summary", ""),
        ("Named in the case details", Case.objects.all(), "details", ""),
        ("Named in a note", Note.objects.select_related("case"), "text", "case"),
        (
            "Named in a point of complaint",
            Element.objects.select_related("case"),
            "summary",
            "case",
        ),
        (
            "Named in a safeguarding concern",
            SafeguardingConcern.objects.select_related("case"),
            "description",
            "case",
        ),
    ]
    for where, qs, column, case_path in text_sources:
        for row in _text_match(qs, column, terms, phone).order_by("pk"):
            case = getattr(row, case_path) if case_path else row
            add(where, case, f"Case {case.reference}", _excerpt(getattr(row, column), terms, phone))

    for doc_text in _text_match(
        DocumentText.objects.select_related("document__case"), "text", terms, phone
    ).order_by("pk"):
        document = doc_text.document
        add(
            "Named in a document's text",
            document.case,
            f"Document {document.filename} on case {document.case.reference}",
            _excerpt(doc_text.text, terms, phone),
        )

    _registers(data, people, add)
    data.hidden_cases = len(set(found) - data.case_ids)
    data.reads = list(
        CaseRead.objects.filter(case_id__in=data.case_ids)
        .select_related("user", "case")
        .order_by("-at", "-pk")[:500]
    )
    return data


def _registers(data: PersonData, people: list[Person], add: Any) -> None:
    for r in ContactRestriction.objects.filter(person__in=people).select_related("case"):
        add("Persistent contact decision", r.case, f"Contact restriction {r.pk}")
    for a in AdvocacyReferral.objects.filter(child__in=people).select_related("case"):
        add("Advocacy referral", a.case, f"Advocacy referral {a.pk}")
    for o in OmbudsmanCase.objects.filter(person__in=people).select_related("case"):
        add("Ombudsman case", o.case, f"Ombudsman case {o.ombudsman_reference or o.pk}")
    for rr in RightsRequest.objects.filter(person__in=people).order_by("received_on", "pk"):
        add("Rights request", None, f"{rr.get_kind_display().split(' (')[0]} request {rr.pk}")
    _mail(people, add)
    sars = SubjectAccessRequest.objects.filter(Q(requester__in=people) | Q(subject__in=people))
    sar_ids = []
    for s in sars:
        sar_ids.append(s.pk)
        add("Subject access request", None, f"Subject access request {s.reference}")
    data.register_reads = list(
        RegisterRead.objects.filter(register=Register.SAR, record_id__in=sar_ids)
        .select_related("user")
        .order_by("-at", "-pk")[:200]
    )


MAX_MAIL_FOUND = 200


def _mail(people: list[Person], add: Any) -> None:
    """E-mails to the shared mailbox from the person's address (one on a case the user may not
    see is counted, not shown, as every finding on such a case)."""
    from harken.correspondence.models import MailItem

    addresses = sorted({p.email.strip().lower() for p in people if p.email.strip()})
    if not addresses:
        return
    items = (
        MailItem.objects.filter(sender_address__in=addresses)
        .select_related("case")
        .order_by("received_at", "pk")[:MAX_MAIL_FOUND]
    )
    for item in items:
        day = format_date(timezone.localdate(item.received_at))
        add(
            "E-mail to the shared mailbox",
            item.case,
            f"E-mail {item.pk} received {day} ({item.get_status_display().lower()})",
        )


def bundle_get(*, user: User, pk: int) -> Bundle:
    permissions.ensure_can_use_subject_access(user)
    bundle = Bundle.objects.select_related("sar", "person", "sar__requester").filter(pk=pk).first()
    if bundle is None or not _may_see_person(user, bundle.person):
        raise AccessDenied("There is no bundle with that number you can see.")
    return bundle


def _may_see_person(user: User, person: Person) -> bool:
    return access.visible_people(user).filter(pk=person.pk).exists()


def sar_for_bundles(*, user: User, pk: int) -> SubjectAccessRequest:
    permissions.ensure_can_use_subject_access(user)
    from harken.registers import selectors as register_selectors

    return register_selectors.sar_for_change(user=user, pk=pk)
