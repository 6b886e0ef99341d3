"""Every change in subject access: aliases, document text, bundles and their redactions.
Keyword-only; each checks the feedback team's permission, and writes its audit row in the
same transaction: a bundle's every step is an event on its request's register history (a
`RegisterEvent` of the SAR), and building a bundle is a read of each case in it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import uuid
import zipfile
from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from harken.accounts.models import User
from harken.cases.models import Case, CaseParty, Person, TimelineEvent
from harken.core import checks
from harken.core.audit import record_event, record_reads
from harken.core.dates import format_date, today
from harken.core.errors import ApplicationError
from harken.core.storage import save_file
from harken.documents.models import Document
from harken.ops import storage as ops_storage
from harken.registers import services as register_services
from harken.registers.models import Register, RegisterEvent, SubjectAccessRequest

from . import extraction, permissions, redaction, rules, selectors
from .models import (
    Bundle,
    BundleStatus,
    DocumentText,
    PersonAlias,
    Redaction,
    RedactionDecision,
    RedactionKind,
    RedactionReason,
    RightsRequest,
)

logger = logging.getLogger(__name__)

Verb = TimelineEvent.Verb

STORAGE_PREFIX = "subjectaccess/"
# The reason code a kind of proposal suggests (the officer may choose another).
SUGGESTED_REASON = {
    RedactionKind.THIRD_PARTY: RedactionReason.THIRD_PARTY,
    RedactionKind.EMAIL: RedactionReason.CONTACT,
    RedactionKind.PHONE: RedactionReason.CONTACT,
    RedactionKind.POSTCODE: RedactionReason.CONTACT,
    RedactionKind.NHS_NUMBER: RedactionReason.THIRD_PARTY,
    RedactionKind.NI_NUMBER: RedactionReason.THIRD_PARTY,
}


def _sar_event(
    sar: SubjectAccessRequest,
    actor: User,
    verb: TimelineEvent.Verb,
    description: str,
    changes: dict[str, list[str | None]] | None = None,
) -> None:
    RegisterEvent.objects.create(
        register=Register.SAR,
        record_id=sar.pk,
        actor=actor,
        verb=verb,
        description=description[:500],
        changes=changes or {},
    )


# --- Aliases --------------------------------------------------------------------------------


@transaction.atomic
def person_alias_add(*, person: Person, name: str, actor: User) -> PersonAlias:
    """Record another name a person is known by; an event on each of their cases."""
    permissions.ensure_can_use_subject_access(actor)
    rules.ensure_may_record_alias(person)
    name = " ".join((name or "").split())
    if len(name) < selectors.MIN_NAME:
        raise ApplicationError.for_field(
            "name", f"Enter the other name, at least {selectors.MIN_NAME} characters."
        )
    checks.length("name", name, what="the other name", most=200)
    if PersonAlias.objects.filter(person=person, name__iexact=name).exists():
        raise ApplicationError.for_field("name", "That name is already recorded for them.")
    alias = PersonAlias.objects.create(
        person=person, name=name, created_by=actor, modified_by=actor
    )
    for case in Case.objects.filter(parties__person=person).distinct():
        record_event(
            case=case,
            actor=actor,
            verb=Verb.ALIAS_ADDED,
            description="Another name recorded for a person on this case",
            changes={"alias": [None, name]},
        )
    return alias


# --- Document text --------------------------------------------------------------------------


def _document_bytes(document: Document) -> bytes:
    return b"".join(ops_storage.stream(document.storage_name))


def document_text_index(*, document: Document, data: bytes | None = None) -> DocumentText:
    """Extract (again) a document's text for the person search."""
    if data is None:
        data = _document_bytes(document)
    text = extraction.extract_text(data, document.content_type, document.filename)
    row, _ = DocumentText.objects.update_or_create(document=document, defaults={"text": text})
    return row


def document_text_index_missing(*, limit: int | None = None, scheduled: bool = False) -> int:
    """Extract the text of every document not yet indexed; how many were done. `scheduled`
    (`harken run-scheduled`): a document that cannot be read now (its storage or key missing)
    is left for the next run, and another node indexing the same one at once is no error."""
    docs = Document.objects.filter(extracted_text__isnull=True).order_by("uploaded_at", "pk")
    done = 0
    for document in docs[:limit] if limit else docs.iterator():
        try:
            with transaction.atomic():
                document_text_index(document=document)
        except FileNotFoundError:
            DocumentText.objects.update_or_create(document=document, defaults={"text": ""})
        except Exception as exc:
            if not scheduled:
                raise
            logger.warning("A document's text could not be extracted: %s", type(exc).__name__)
            continue
        done += 1
    return done


# Documents indexed by each `harken run-scheduled` (hourly): uploads are found by the person
# search within the hour, and one run's cost is bounded whatever the backlog.
SCHEDULED_INDEX_LIMIT = 500


# --- Bundles --------------------------------------------------------------------------------


def _subject(sar: SubjectAccessRequest) -> Person:
    return sar.subject or sar.requester


def _case_texts(case: Case) -> list[str]:
    texts = [case.summary, case.details]
    texts += [n.text for n in case.notes.all()]
    texts += [e.summary for e in case.elements.all()]
    texts += [s.description for s in case.safeguarding.all()]
    texts += [e.description for e in case.events.all()]
    return [t for t in texts if t]


def _party_details(other: Person) -> list[tuple[str, str]]:
    """What names another person on a case: (text, kind)."""
    found: list[tuple[str, str]] = [(other.full_name, RedactionKind.THIRD_PARTY)]
    found += [(alias.name, RedactionKind.THIRD_PARTY) for alias in other.aliases.all()]
    for value, kind in (
        (other.email, RedactionKind.EMAIL),
        (other.phone, RedactionKind.PHONE),
        (other.postcode, RedactionKind.POSTCODE),
    ):
        if value:
            found.append((value, kind))
    return found


def _register_records(people: list[Person], kept: Any, on: Any) -> list[dict[str, object]]:
    """The person's register records for `_other_records`."""
    from harken.registers.models import AdvocacyReferral, ContactRestriction, OmbudsmanCase

    found: list[dict[str, object]] = []
    for r in kept(ContactRestriction.objects.filter(person__in=people).select_related("case")):
        rows = [
            *on(r.case),
            ("Decided", format_date(r.decision_on)),
            ("Reason", r.reason),
            ("What the decision restricts", r.restrictions),
            ("Ended", format_date(r.ended_on) if r.ended_on else "Not ended"),
        ]
        if r.end_reason:
            rows.append(("Why it ended", r.end_reason))
        found.append({"title": "Persistent contact decision", "on": r.decision_on, "rows": rows})
    for a in kept(AdvocacyReferral.objects.filter(child__in=people).select_related("case")):
        rows = [
            *on(a.case),
            ("Referred", format_date(a.referred_on)),
            ("Advocacy from", a.provider_name or a.get_provider_display()),
            ("Outcome", a.get_outcome_display() if a.outcome else "Not yet known"),
        ]
        if a.outcome_notes:
            rows.append(("Notes", a.outcome_notes))
        found.append({"title": "Advocacy referral", "on": a.referred_on, "rows": rows})
    for o in kept(OmbudsmanCase.objects.filter(person__in=people).select_related("case")):
        rows = [
            *on(o.case),
            ("Ombudsman's reference", o.ombudsman_reference),
            ("Enquiry received", format_date(o.enquiry_received_on)),
            ("Summary", o.summary),
            ("Decision", o.get_decision_display() if o.decision else "Not yet decided"),
        ]
        if o.notes:
            rows.append(("Notes", o.notes))
        found.append({"title": "Ombudsman case", "on": o.enquiry_received_on, "rows": rows})
    return found


def _other_records(
    person: Person, cases: Iterable[Case], until: dt.datetime | None = None
) -> list[dict[str, object]]:
    """The person's records outside the case records: registers (persistent contact
    decisions, advocacy referrals, Ombudsman cases), their rights requests and their e-mails
    to the shared mailbox. A record linked to a case is included only when that case is in
    the bundle (a case the officer may not see stays out, as its case does); `until` keeps
    to the records that existed when the bundle was started (their text was proposed for
    redaction then). Each: title, date, rows of (label, text), and the free texts."""
    from harken.correspondence.models import MailItem

    people = [person, *selectors.same_people(person)]
    case_ids = {c.pk for c in cases}

    def kept(qs: Any, stamp: str = "created_at") -> Any:
        qs = qs.filter(Q(case__isnull=True) | Q(case_id__in=case_ids))
        return qs.filter(**{f"{stamp}__lte": until}) if until else qs

    def on(case: Case | None) -> list[tuple[str, str]]:
        return [("Case", case.reference)] if case else []

    found = _register_records(people, kept, on)
    rights = RightsRequest.objects.filter(person__in=people)
    for rr in rights.filter(created_at__lte=until) if until else rights:
        rows = [
            ("Received", format_date(rr.received_on)),
            ("What was asked", rr.description),
            ("Status", rr.get_status_display()),
        ]
        if rr.outcome:
            rows.append(("Outcome", rr.outcome))
        found.append({"title": rr.get_kind_display(), "on": rr.received_on, "rows": rows})
    addresses = sorted({p.email.strip().lower() for p in people if p.email.strip()})
    mail = MailItem.objects.filter(sender_address__in=addresses) if addresses else None
    for item in kept(mail, "stored_at").order_by("received_at", "pk") if mail is not None else []:
        day = timezone.localdate(item.received_at)
        rows = [
            *on(item.case),
            ("Received", format_date(day)),
            ("Subject", item.subject),
            ("Text", item.text),
        ]
        found.append({"title": "E-mail to the shared mailbox", "on": day, "rows": rows})
    for record in found:
        record["texts"] = [text for label, text in record["rows"] if label not in ("Case",)]  # type: ignore[attr-defined]
    found.sort(key=lambda r: (r["on"], str(r["title"])))  # type: ignore[arg-type, return-value]
    return found


def _propose(bundle: Bundle, person: Person, cases: list[Case]) -> int:
    """Propose every other person named on the cases and every pattern match, except the
    subject's own details (which are theirs to have)."""
    own = {term.lower() for term in selectors.search_terms(person)}
    own |= {v.strip().lower() for v in (person.email, person.phone, person.postcode) if v}
    same = {p.pk for p in selectors.same_people(person)} | {person.pk}
    proposals: dict[str, tuple[str, str]] = {}  # lower-cased text: (text, kind)
    corpus: list[str] = []
    candidates: list[tuple[str, str]] = []
    for case in cases:
        for party in CaseParty.objects.filter(case=case).exclude(person_id__in=same):
            candidates += _party_details(party.person)
        corpus += _case_texts(case)
        corpus += DocumentText.objects.filter(document__case=case).values_list("text", flat=True)
    for record in _other_records(person, cases):
        corpus += [str(t) for t in record["texts"] if t]  # type: ignore[attr-defined]
    for text in corpus:
        candidates += [(match, kind) for kind, match in redaction.pattern_matches(text)]
    for raw, kind in candidates:
        text = " ".join(raw.split())
        if len(text) >= selectors.MIN_NAME and text.lower() not in own:
            proposals.setdefault(text.lower(), (text, kind))
    everything = "\n".join(corpus)
    Redaction.objects.bulk_create(
        Redaction(
            bundle=bundle, text=text[:300], kind=kind, occurrences=redaction.count(everything, text)
        )
        for text, kind in proposals.values()
    )
    return len(proposals)


@transaction.atomic
def bundle_start(*, sar: SubjectAccessRequest, actor: User) -> Bundle:
    """Gather the subject's records for a bundle and propose the redactions to review.
    Refused once the response has been sent."""
    permissions.ensure_can_use_subject_access(actor)
    if sar.sent_on is not None:
        raise ApplicationError("The response has been sent: start a new request for more.")
    person = _subject(sar)
    data = selectors.person_data(user=actor, person=person)
    cases = list(data.cases)
    for case in cases:
        for document in case.documents.filter(extracted_text__isnull=True):
            try:
                document_text_index(document=document)
            except FileNotFoundError:
                DocumentText.objects.update_or_create(document=document, defaults={"text": ""})
    bundle = Bundle.objects.create(sar=sar, person=person, created_by=actor, modified_by=actor)
    bundle.cases.set(cases)
    proposed = _propose(bundle, person, cases)
    record_reads(cases=cases, user=actor, via="sar-bundle")
    _sar_event(
        sar,
        actor,
        Verb.SAR_BUNDLE_STARTED,
        f"Bundle {bundle.pk} started: {len(cases)} case(s), {proposed} redaction(s) proposed"
        + (f"; {data.hidden_cases} restricted case(s) not included" if data.hidden_cases else ""),
    )
    return bundle


def _editable(bundle: Bundle) -> None:
    if bundle.status == BundleStatus.RELEASED:
        raise ApplicationError("This bundle has been released: it cannot be changed.")


@transaction.atomic
def redaction_decide(
    *, redaction_row: Redaction, actor: User, decision: str, reason: str = ""
) -> Redaction:
    """Accept (redact, with a reason code) or reject (disclose) a proposal. A decision on a
    built bundle sends it back for building again."""
    permissions.ensure_can_use_subject_access(actor)
    bundle = redaction_row.bundle
    _editable(bundle)
    if decision not in (RedactionDecision.ACCEPTED, RedactionDecision.REJECTED):
        raise ApplicationError.for_field("decision", "Select redact or disclose.")
    if decision == RedactionDecision.ACCEPTED:
        if reason not in RedactionReason.values:
            raise ApplicationError.for_field("reason", "Select the reason for the redaction.")
    else:
        reason = ""
    old = redaction_row.decision
    redaction_row.decision = decision
    redaction_row.reason = reason
    redaction_row.decided_by = actor
    redaction_row.decided_at = timezone.now()
    redaction_row.save()
    if bundle.status == BundleStatus.BUILT:
        bundle.status = BundleStatus.REVIEW
        bundle.save(update_fields=["status", "modified_at"])
    _sar_event(
        bundle.sar,
        actor,
        Verb.SAR_REDACTION_DECIDED,
        f"Bundle {bundle.pk}: redaction {redaction_row.pk} "
        f"({redaction_row.get_kind_display().lower()}) "
        + (f"accepted, reason {reason}" if reason else "rejected: to be disclosed"),
        {"decision": [old, decision], **({"reason": [None, reason]} if reason else {})},
    )
    return redaction_row


@transaction.atomic
def redaction_add(*, bundle: Bundle, actor: User, text: str, reason: str) -> Redaction:
    """The officer's own redaction (a piece of text the proposals missed), accepted."""
    permissions.ensure_can_use_subject_access(actor)
    _editable(bundle)
    text = " ".join((text or "").split())
    if len(text) < 2:
        raise ApplicationError.for_field("text", "Enter the text to redact.")
    checks.length("text", text, what="the text to redact", most=300)
    if reason not in RedactionReason.values:
        raise ApplicationError.for_field("reason", "Select the reason for the redaction.")
    if bundle.redactions.filter(text__iexact=text).exists():
        raise ApplicationError.for_field("text", "That text is already in the list.")
    row = Redaction.objects.create(
        bundle=bundle,
        text=text,
        kind=RedactionKind.THIRD_PARTY,
        decision=RedactionDecision.ACCEPTED,
        reason=reason,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    if bundle.status == BundleStatus.BUILT:
        bundle.status = BundleStatus.REVIEW
        bundle.save(update_fields=["status", "modified_at"])
    _sar_event(
        bundle.sar,
        actor,
        Verb.SAR_REDACTION_ADDED,
        f"Bundle {bundle.pk}: redaction {row.pk} added by the officer, reason {reason}",
    )
    return row


def _accepted(bundle: Bundle) -> list[tuple[str, str]]:
    return list(
        bundle.redactions.filter(decision=RedactionDecision.ACCEPTED).values_list("text", "reason")
    )


def _case_context(case: Case, accepted: list[tuple[str, str]]) -> dict[str, object]:
    r = lambda text: redaction.redact_text(text or "", accepted)  # noqa: E731
    return {
        "reference": case.reference,
        "kind": case.get_kind_display(),
        "received_on": format_date(case.received_on),
        "status": case.get_status_display(),
        "summary": r(case.summary),
        "details": r(case.details),
        "parties": [
            {"role": p.get_role_display(), "name": r(p.person.full_name)}
            for p in case.parties.select_related("person")
        ],
        "elements": [{"number": e.number, "summary": r(e.summary)} for e in case.elements.all()],
        "notes": [
            {"at": format_date(n.created_at.date()), "text": r(n.text)}
            for n in case.notes.order_by("created_at", "pk")
        ],
        "safeguarding": [
            {"raised_on": format_date(s.raised_on), "text": r(s.description)}
            for s in case.safeguarding.order_by("raised_on", "pk")
        ],
        "events": [
            {"at": format_date(e.at.date()), "text": r(e.description)}
            for e in case.events.order_by("at", "pk")
        ],
    }


def _pdf(template: str, context: dict[str, object]) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = HTML(
        string=render_to_string(template, context),
        base_url="about:blank",
        url_fetcher=URLFetcher(allowed_protocols=()),
    )
    return bytes(html.write_pdf(pdf_variant="pdf/ua-1"))


@transaction.atomic
def bundle_build(*, bundle: Bundle, actor: User) -> Bundle:
    """Render the records with the accepted redactions taken out, redact the original PDFs
    for real, and store the zip (index PDF with the redaction log, records PDF, documents).
    Refused while a proposal is undecided, or if any redacted text could still be read."""
    permissions.ensure_can_use_subject_access(actor)
    _editable(bundle)
    undecided = bundle.redactions.filter(decision=RedactionDecision.PROPOSED).count()
    if undecided:
        raise ApplicationError(
            f"Decide every proposed redaction first: {undecided} still to review."
        )
    accepted = _accepted(bundle)
    cases = list(
        bundle.cases.order_by("received_on", "pk").prefetch_related("elements", "safeguarding")
    )
    others = [
        {
            "title": record["title"],
            "rows": [
                (label, redaction.redact_text(str(text or ""), accepted))
                for label, text in record["rows"]  # type: ignore[attr-defined]
            ],
        }
        for record in _other_records(bundle.person, cases, until=bundle.created_at)
    ]
    records_pdf = _pdf(
        "subjectaccess/bundle_records.html",
        {
            "sar": bundle.sar,
            "cases": [_case_context(c, accepted) for c in cases],
            "others": others,
        },
    )
    files: list[tuple[str, bytes, str]] = []  # (name in the zip, bytes, how it was handled)
    for number, document in enumerate(
        Document.objects.filter(case__in=cases).order_by("case__received_on", "uploaded_at"),
        start=1,
    ):
        files.append(_bundle_document(number, document, accepted))
    log = [
        {
            "number": row.pk,
            "kind": row.get_kind_display(),
            "reason": row.get_reason_display(),
            "occurrences": row.occurrences,
            "decided_by": row.decided_by.get_full_name() if row.decided_by else "",
        }
        for row in bundle.redactions.filter(decision=RedactionDecision.ACCEPTED).select_related(
            "decided_by"
        )
    ]
    index_pdf = _pdf(
        "subjectaccess/bundle_index.html",
        {
            "sar": bundle.sar,
            "built_on": format_date(today()),
            "cases": [
                {"reference": c.reference, "received_on": format_date(c.received_on)} for c in cases
            ],
            "files": [{"name": name, "how": how} for name, _data, how in files],
            "others": [str(o["title"]) for o in others],
            "log": log,
            "reasons": RedactionReason.choices,
        },
    )
    pages = redaction.pdf_pages(index_pdf) + redaction.pdf_pages(records_pdf)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("00-index.pdf", index_pdf)
        archive.writestr("01-records.pdf", records_pdf)
        for name, data, _how in files:
            archive.writestr(f"documents/{name}", data)
            if name.endswith(".pdf"):
                pages += redaction.pdf_pages(data)
    content = out.getvalue()
    old_name = bundle.storage_name
    name = save_file(
        default_storage,
        f"{STORAGE_PREFIX}{uuid.uuid4().hex}.zip",
        ContentFile(content),
        message="The bundle could not be stored. Try again later.",
    )
    if old_name:
        transaction.on_commit(lambda: default_storage.delete(old_name))
    bundle.storage_name = name
    bundle.size = len(content)
    bundle.sha256 = hashlib.sha256(content).hexdigest()
    bundle.pages = pages
    bundle.built_at = timezone.now()
    bundle.status = BundleStatus.BUILT
    bundle.modified_by = actor
    bundle.save()
    record_reads(cases=cases, user=actor, via="sar-bundle")
    _sar_event(
        bundle.sar,
        actor,
        Verb.SAR_BUNDLE_BUILT,
        f"Bundle {bundle.pk} built: {len(cases)} case(s), {len(others)} other record(s), "
        f"{len(files)} document(s), "
        f"{pages} page(s), {len(accepted)} redaction(s) applied",
    )
    return bundle


def _bundle_document(
    number: int, document: Document, accepted: list[tuple[str, str]]
) -> tuple[str, bytes, str]:
    data = _document_bytes(document)
    base = f"{number:04d}-{document.filename}"
    is_pdf = document.content_type == "application/pdf" or document.filename.lower().endswith(
        ".pdf"
    )
    if is_pdf:
        try:
            redacted, areas = redaction.redact_pdf(data, accepted)
        except redaction.RedactionFailed as exc:
            raise ApplicationError(
                f"Redacted text could still be read in document {number} ({document.filename}) "
                "after redaction. Redact that document by hand and upload it again before "
                "building the bundle."
            ) from exc
        return base, redacted, f"original PDF, {areas} area(s) redacted"
    text = DocumentText.objects.filter(document=document).values_list("text", flat=True).first()
    if text is None:
        text = extraction.extract_text(data, document.content_type, document.filename)
    if accepted and any(redaction.count(text, needle) for needle, _c in accepted):
        pdf = _pdf(
            "subjectaccess/bundle_text_document.html",
            {"filename": document.filename, "text": redaction.redact_text(text, accepted)},
        )
        return f"{base}.redacted.pdf", pdf, "text of the original, redacted, as a PDF"
    return base, data, "original, nothing to redact"


@transaction.atomic
def bundle_release(
    *, bundle: Bundle, actor: User, released_on: dt.date | None, method: str
) -> Bundle:
    """Record that the built bundle was sent: the request's response is recorded as sent on
    the same day (through the register's own service, which refuses the same things)."""
    permissions.ensure_can_use_subject_access(actor)
    if bundle.status != BundleStatus.BUILT:
        raise ApplicationError(
            "Build the bundle, with every redaction decided, before releasing it."
        )
    method = (method or "").strip()
    if not method:
        raise ApplicationError.for_field("method", "Enter how the bundle was sent.")
    checks.length("method", method, what="how it was sent", most=200)
    released_on = checks.date("released_on", released_on, label="the bundle was sent")
    sar = bundle.sar
    accepted = bundle.redactions.filter(decision=RedactionDecision.ACCEPTED)
    try:
        register_services.sar_update(
            sar=sar,
            actor=actor,
            sent_on=released_on,
            pages_disclosed=bundle.pages,
            redactions_count=accepted.count(),
            redactions="; ".join(sorted({f"{r.get_reason_display()}" for r in accepted}))[:5000],
        )
    except ApplicationError as exc:
        if "sent_on" in exc.field_errors:
            raise ApplicationError.for_field("released_on", exc.field_errors["sent_on"][0]) from exc
        raise ApplicationError(exc.message) from exc
    bundle.status = BundleStatus.RELEASED
    bundle.released_on = released_on
    bundle.released_by = actor
    bundle.release_method = method
    bundle.modified_by = actor
    bundle.save()
    _sar_event(
        sar,
        actor,
        Verb.SAR_BUNDLE_RELEASED,
        f"Bundle {bundle.pk} released {format_date(released_on)} ({method})",
        {"released_on": [None, released_on.isoformat()]},
    )
    return bundle


def bundle_file(*, bundle: Bundle, actor: User) -> Iterable[bytes]:
    """The stored zip's bytes (decrypted as read); the download is on the request's record."""
    permissions.ensure_can_use_subject_access(actor)
    if not bundle.storage_name:
        raise ApplicationError("This bundle has not been built yet.")
    _sar_event(bundle.sar, actor, Verb.SAR_BUNDLE_DOWNLOADED, f"Bundle {bundle.pk} downloaded")
    return ops_storage.stream(bundle.storage_name)
