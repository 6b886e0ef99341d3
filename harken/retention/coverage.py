"""Every field of every model, declared once: what disposal does with it.

- PERSONAL: removed when its case is disposed (set to empty, or to the text in REPLACED).
- STATISTICAL: kept, because a report or register figure is computed from it.
- STRUCTURAL: kept, because rows, links and counts rest on it (ids, foreign keys, references).

`DISPOSED_WITH_CASE` names the models whose rows belong to a case, with the path from the
model to its case. `KEPT_MODELS` names every other model and why disposal does not touch it.
`harken/retention/tests/test_coverage.py` walks `apps.get_models()` and fails, saying what to
add here, for a model or a field that is in neither table (docs/adr/0091).
"""

from __future__ import annotations

from dataclasses import dataclass

PERSONAL = "personal"
STATISTICAL = "statistical"
STRUCTURAL = "structural"

P, S, X = PERSONAL, STATISTICAL, STRUCTURAL

# The fields every BaseModel has: who created and last changed a row is a member of staff
# named on a child's record; the times are kept (when things happened is statistical).
_BASE = {"id": X, "created_at": S, "modified_at": S, "created_by": P, "modified_by": P}

# Text put in place of a removed required field, so pages still read sensibly.
REMOVED_TEXT = "Removed under the retention schedule"


@dataclass(frozen=True)
class Covered:
    # The lookup from the model to the case id ("" for the case itself). None: handled by a
    # rule of its own in harken/retention/disposal.py (people, register audit rows).
    to_case: str | None
    fields: dict[str, str]


DISPOSED_WITH_CASE: dict[str, Covered] = {
    "cases.Case": Covered(
        "",
        {
            **_BASE,
            "reference": X,  # the register and report rows name it; not reissued
            "previous_reference": X,
            "kind": S,
            "channel": S,
            "received_on": S,
            "summary": P,
            "details": P,
            "teams": S,
            "themes": S,
            "procedure_version": S,
            "status": S,
            "stage_number": S,
            "assigned_to": P,
            "restricted": S,
            "restricted_to": P,
            "ombudsman_involved": S,
            "progressed_from": X,
            "contact_outcome": S,
            "due_on": S,
            "responded_on": S,
            "closed_on": S,
            "grounds_arose_on": S,
            "late_complaint_reason": P,
            "withdrawn_on": S,
            "withdrawal_reason": P,
            "discontinued_on": S,
            "discontinuance_reason": P,
            "praised_worker": P,
            "passed_on_on": S,
            "next_due_on": S,
            "next_due_label": S,
            "paused": S,
            # Kept so importing the council's old file again does not bring the record back.
            "external_reference": X,
        },
    ),
    "cases.CaseParty": Covered(
        "case",
        {"id": X, "case": X, "person": X, "role": S, "relationship": S, "child_knows": S},
    ),
    "cases.Element": Covered(
        "case",
        {**_BASE, "case": X, "number": S, "summary": P, "theme": S, "team": S},
    ),
    "cases.Stage": Covered(
        "case",
        {
            **_BASE,
            "case": X,
            "number": S,
            "received_on": S,
            "acknowledged_on": S,
            "statement_agreed_on": S,
            "io_appointed_on": S,
            "ip_appointed_on": S,
            "panel_appointed_on": S,
            "response_sent_on": S,
            "panel_planned_on": S,
            "panel_met_on": S,
            "panel_report_sent_on": S,
            "council_response_sent_on": S,
            "late_request_reason": P,
            "responder": P,
            "paused_reason": P,
            "clock_override_on": S,
            "clock_started_on": S,
            "acknowledgement_due_on": S,
            "original_due_on": S,
            "due_on": S,
            "due_explanation": S,  # made from dates and bank holidays only
            "latest_extension_on": S,
            "concluded_on": S,
            "working_days_taken": S,
            "within_timescale": S,
            "working_days_to_statement": S,
            "working_days_from_request": S,
            "escalation_due_on": S,
            "ended_early_on": S,
        },
    ),
    "cases.Extension": Covered(
        "stage__case",
        {**_BASE, "stage": X, "new_due_on": S, "reason": P, "complainant_told_on": S},
    ),
    "cases.ElementOutcome": Covered(
        "stage__case", {**_BASE, "element": X, "stage": X, "outcome": S}
    ),
    "cases.Appointment": Covered(
        "stage__case",
        {
            **_BASE,
            "stage": X,
            # The IO's, IP's or panel member's account: staff, kept with the stage's dates.
            "user": X,
            # Or the person of the pool appointed (issue 14): the pool's record, not the case's.
            "pool_entry": X,
            "role": S,
            "appointed_on": S,
            "ended_on": S,
            "end_reason": S,
        },
    ),
    "cases.SafeguardingConcern": Covered(
        "case",
        {
            **_BASE,
            "case": X,
            "raised_on": S,
            "description": P,
            "referred_to": S,
            "referred_on": S,
            "referral_reference": P,
        },
    ),
    "cases.Note": Covered("case", {**_BASE, "case": X, "text": P}),
    "cases.TimelineEvent": Covered(
        "case",
        {"id": X, "case": X, "at": S, "actor": P, "verb": S, "description": P, "changes": P},
    ),
    "cases.CaseRead": Covered("case", {"id": X, "case": X, "user": P, "at": S, "via": S}),
    "documents.Document": Covered(
        "case",
        {
            "id": X,
            "case": X,
            "stage": X,
            "kind": S,
            "filename": P,
            "storage_name": X,  # random; the file itself is deleted from storage
            "content_type": S,
            "size": S,
            "sha256": P,  # would confirm that a file someone holds was on the case
            "description": P,
            "scan_status": S,
            "letter_template": S,
            "letter_template_version": S,
            "uploaded_by": P,
            "uploaded_at": S,
        },
    ),
    "intake.Submission": Covered(
        "case",
        {
            "id": X,
            "form": S,
            "key": X,
            "answers": P,
            "case": X,
            "created_at": S,
            "next_steps": P,
            "unsafe": S,
            "advocate_requested": S,
            "email": P,
        },
    ),
    "intake.Attachment": Covered(
        "submission__case",
        {
            "id": X,
            "journey_key": X,
            "submission": X,
            "file": P,  # deleted from storage
            "original_name": P,
            "content_type": S,
            "size": S,
            "created_at": S,
            "last_used_at": S,
        },
    ),
    # The one outbox: every message Harken sent about the case (confirmations, compliments).
    "notifications.Message": Covered(
        "case",
        {
            "id": X,
            "channel": S,
            "kind": S,
            "to": P,
            "case": X,
            "submission": X,
            "user": X,
            "requested_by": P,
            "data": P,
            "reference": X,
            "status": S,
            "created_at": S,
            "attempts": S,
            "next_attempt_at": S,
            "expires_at": S,
            "queued_at": S,
            "claimed_at": S,
            "handed_over_at": S,
            "last_attempt_at": S,
            "last_error": P,
            "sent_at": S,
            # Issue 13: what became of it, and a message written on a case, kept whole.
            "delivered_at": S,
            "delivery_detail": P,  # a provider's or a bounce's words can name the address
            "provider": S,
            "provider_id": X,
            "subject": P,
            "body": P,
            "idempotency_key": X,
        },
    ),
    # The case documents a message carried (issue 13), in order.
    "notifications.MessageAttachment": Covered(
        "message__case",
        {"id": X, "message": X, "document": X, "position": S},
    ),
    # The text extracted from a case's document for the person search (subject access).
    "subjectaccess.DocumentText": Covered(
        "document__case",
        {"id": X, "document": X, "text": P, "extracted_at": S},
    ),
    # Other names a person is known by: deleted with the person (disposal._people).
    "subjectaccess.PersonAlias": Covered(None, {**_BASE, "person": X, "name": P}),
    "learning.Recommendation": Covered(
        "case",
        {
            **_BASE,
            "case": X,
            "visit": X,  # issue 14: a visit's recommendation has no case (kept with the visit)
            "number": S,
            "source": S,
            "stage": X,
            "ombudsman_case": X,
            "made_on": S,
            "text": P,
            "decision": S,
            "decided_on": S,
            "decision_reason": P,
            "service_area": S,
            "team": S,
        },
    ),
    "learning.Action": Covered(
        "recommendation__case",
        {
            **_BASE,
            "recommendation": X,
            "number": S,
            "description": P,
            "owner": X,  # the member of staff who owns the action: the plan's figures by owner
            "due_on": S,
            "status": S,
            "progress": P,
            "completed_on": S,
            "evidence": P,
            "cancelled_on": S,
            "cancel_reason": P,
        },
    ),
    "registers.OmbudsmanCase": Covered(
        "case",
        {
            **_BASE,
            "case": X,
            "person": X,
            "summary": P,
            "ombudsman_reference": X,
            "enquiry_received_on": S,
            "response_due_on": S,
            "response_sent_on": S,
            "decision_on": S,
            "decision": S,
            "injustice": S,
            "notes": P,
        },
    ),
    "registers.OmbudsmanRemedy": Covered(
        "ombudsman_case__case",
        {
            **_BASE,
            "ombudsman_case": X,
            "kind": S,
            "description": P,
            "amount": S,
            "due_on": S,
            "complied_on": S,
            "evidence": P,
        },
    ),
    "registers.Payment": Covered(
        "case",
        {
            **_BASE,
            "case": X,
            "ombudsman_case": X,
            "kind": S,
            "amount": S,
            "paid_on": S,
            "reason": P,
            "recommended_by_ombudsman": S,
            "remedy": X,
        },
    ),
    "registers.InvestigationCost": Covered(
        "case",
        {
            **_BASE,
            "case": X,
            "stage_number": S,
            "role": S,
            "amount": S,
            "incurred_on": S,
            "supplier": P,  # often the IO's own name
            "invoice_reference": P,
            "notes": P,
        },
    ),
    # Issue 14: surveys (docs/adr/0250). An invitation holds a hash and dates, the report's
    # response rate; it goes with its case, as do the words of its answers.
    "surveys.Invitation": Covered(
        "case",
        {
            **_BASE,
            "case": X,
            "stage_number": S,
            "survey": X,
            "channel": S,
            "token_hash": X,  # the hash of a link long expired: unique, so kept
            "sent_on": S,
            "expires_at": S,
            "answered_at": S,
            "message": X,
        },
    ),
    "surveys.Answer": Covered(
        "response__invitation__case",
        {"id": X, "response": X, "question": X, "scale": S, "yes_no": S, "text": P},
    ),
    # A comment's words may name someone: it goes with the case it came with or became, or,
    # on none, under its own rule (RecordKind.SURVEY_COMMENT, years after its triage).
    "surveys.Comment": Covered(
        None,
        {
            **_BASE,
            "response": X,
            "text": P,
            "theme": S,
            "case": X,
            "decision": S,
            "passed_to": S,
            "passed_to_person": P,
            "passed_on": S,
            "concern": X,
            "safeguarding_flag": S,
            "safeguarding_note": P,
            "contact": X,
            "triaged_at": S,
            "triaged_by": P,
        },
    ),
    # Its changes may hold a comment's note or the person it was passed to.
    "surveys.SurveyEvent": Covered(
        None,
        {
            "id": X,
            "at": S,
            "actor": P,
            "verb": S,
            "description": S,  # names a case reference, a survey or a decision, no person
            "changes": P,
            "survey": X,
            "invitation": X,
            "comment": X,
            "batch": X,
        },
    ),
    # Issue 14: a person of the pool who left it, under its own rule (RecordKind.POOL): the
    # years run from their last appointment; one on a case still kept is kept with it.
    "pool.PoolEntry": Covered(
        None,
        {
            **_BASE,
            "name": P,
            "organisation_kind": S,
            "organisation": S,
            "email": P,
            "phone": P,
            "address": P,
            "user": X,
            "employed_by_council": S,
            "available": S,
            "availability": P,
            "day_rate": S,
            "fixed_fee": S,
            "dbs_checked_on": P,
            "sharing": S,
            "partner_council": S,
            "active": S,
        },
    ),
    "pool.PoolEvent": Covered(
        None,
        {
            "id": X,
            "at": S,
            "actor": P,
            "entry": X,
            "verb": S,
            "description": P,  # "Added to the pool: <name>"
            "changes": P,
        },
    ),
    # Issue 14: the fee of an appointment from the pool (its amount is the investigation cost).
    "pool.PoolFee": Covered(
        "appointment__stage__case",
        {
            **_BASE,
            "appointment": X,
            "basis": S,
            "days": S,
            "rate": S,
            "amount": S,
            "cost": X,
        },
    ),
    "registers.ContactRestriction": Covered(
        "case",
        {
            **_BASE,
            "person": X,
            "case": X,
            "decision_on": S,
            "reason": P,
            "letter_issued_on": S,
            "restrictions": P,
            "single_point_of_contact": P,
            "review_on": S,
            "reviewed_on": S,
            "ended_on": S,
            "end_reason": P,
        },
    ),
    "registers.AdvocacyReferral": Covered(
        "case",
        {
            **_BASE,
            "child": X,
            "case": X,
            "referred_on": S,
            "provider": S,
            "provider_name": S,  # an organisation
            "outcome": S,
            "outcome_on": S,
            "outcome_notes": P,
        },
    ),
    # A subject access request is linked to no case: disposed under its own rule, with its
    # pauses, bundles and redaction log (harken/retention/standalone.py). So are an Ombudsman
    # case, a contact restriction and an advocacy referral recorded without a case (above).
    "registers.SubjectAccessRequest": Covered(
        None,
        {
            **_BASE,
            "reference": X,
            "requester": X,
            "subject": X,
            "received_on": S,
            "description": P,
            "identity_verified_on": S,
            "clock_started_on": S,
            "due_on": S,
            "due_explanation": S,  # how the due date was worked out: dates, no person
            "extended_due_on": S,
            "extension_reason": P,
            "requester_told_of_extension_on": S,
            "pages_disclosed": S,
            "redactions_count": S,
            "redactions": P,
            "sent_on": S,
        },
    ),
    "registers.SarPause": Covered(
        None,
        {**_BASE, "sar": X, "reason": S, "started_on": S, "ended_on": S, "note": P},
    ),
    "subjectaccess.Bundle": Covered(
        None,
        {
            **_BASE,
            "sar": X,
            "person": X,
            "status": S,
            "cases": X,
            "storage_name": P,  # the file is deleted from storage first
            "size": S,
            "sha256": S,
            "pages": S,
            "built_at": S,
            "released_on": S,
            "released_by": P,
            "release_method": P,  # how it was sent: may name an address
        },
    ),
    "subjectaccess.Redaction": Covered(
        None,
        {
            "id": X,
            "bundle": X,
            "text": P,  # the third party's name or number that was withheld
            "kind": S,
            "occurrences": S,
            "decision": S,
            "reason": S,
            "decided_by": P,
            "decided_at": S,
        },
    ),
    # A rectification, restriction or erasure request: about a person, never a case; disposed
    # under its own rule with its audit trail (harken/retention/standalone.py, ADR 0152).
    "subjectaccess.RightsRequest": Covered(
        None,
        {
            **_BASE,
            "person": X,
            "kind": S,
            "received_on": S,
            "due_on": S,
            "due_explanation": S,  # how the due date was worked out: dates, no person
            "status": S,
            "decided_on": S,
            "refusal_reason": S,
            "description": P,
            "outcome": P,
            "lifted_on": S,
            "lifted_by": P,
            "lift_reason": P,
        },
    ),
    "subjectaccess.RightsRequestEvent": Covered(
        None,
        {
            "id": X,
            "request": X,
            "at": S,
            "actor": P,
            "verb": S,
            "description": P,
            "changes": P,
        },
    ),
    # An e-mail to the shared mailbox: one on a case (made into it, added to it, joined it, a
    # bounce of a message about it) goes with the case, its raw .eml deleted from storage (its
    # copy is the case's document); one made into a subject access request goes with the
    # request; one set aside or marked not feedback has a rule of its own (ADR 0152).
    "correspondence.MailItem": Covered(
        "case",
        {
            "id": X,
            # A hash of the Message-ID: kept so reading the mailbox again never brings it back.
            "dedupe_key": X,
            "message_id": P,  # names the sender's mail server, often their address
            "raw_storage_name": X,  # random; the file itself is deleted from storage
            "raw_size": S,
            "raw_sha256": P,  # would confirm that an e-mail someone holds was received
            "received_at": S,
            "stored_at": S,
            "sender_address": P,
            "sender_phone": P,  # a text message's sender
            "inbound_text": X,  # the text message as Notify gave it (its own record)
            "sender_name": P,
            "subject": P,
            "recipients": P,
            "recipient_count": S,
            "in_reply_to": P,
            "references": P,
            "text": P,
            "html": P,
            "problems": P,  # may quote the message's headers
            "kind": S,
            "set_aside_reason": P,  # an automatic reply's header, or a bounce report's words
            "status": S,
            "case": X,
            "sar": X,
            "suggested_case": X,
            "bounced_message": X,
            "claimed_by": P,
            "claimed_at": S,
            "not_feedback_reason": S,
            "not_feedback_note": P,
            "done_by": P,
            "done_at": S,
        },
    ),
    # A text message as GOV.UK Notify's callback stored it: it goes with its shared mailbox
    # item (kind text), on a case or by the mailbox's own rules (standalone.py).
    "notifications.InboundText": Covered(
        "item__case",
        {
            "id": X,
            "notify_id": X,  # Notify's own id of the message
            "source_number": P,
            "destination_number": S,  # the council's own number
            "message": P,
            "received_at": S,
            "stored_at": S,
        },
    ),
    "correspondence.MailAttachment": Covered(
        "item__case",
        {
            "id": X,
            "item": X,
            "number": S,
            "filename": P,
            "content_type": S,
            "size": S,
            "refusal": P,  # names the file
            "text": P,
            "document": X,  # the case's document: disposed with it
        },
    ),
    "correspondence.MailItemEvent": Covered(
        "item__case",
        {"id": X, "item": X, "at": S, "actor": P, "verb": S, "description": P},
    ),
    "registers.RegisterEvent": Covered(
        None,
        {
            "id": X,
            "register": S,
            "record_id": X,
            "at": S,
            "actor": P,
            "verb": S,
            "description": P,
            "changes": P,
        },
    ),
    "registers.RegisterRead": Covered(
        None, {"id": X, "register": S, "record_id": X, "user": P, "at": S, "via": S}
    ),
    # A person is anonymised once every case they are on is disposed and no register record
    # outside those cases names them (harken/retention/disposal.py).
    "cases.Person": Covered(
        None,
        {
            **_BASE,
            "first_name": P,
            "last_name": P,
            "date_of_birth": P,
            "email": P,
            "phone": P,
            "address": P,
            "postcode": P,
            "contact_preference": S,
            "accessibility_needs": P,
            "language": P,
            "looked_after": S,
            "care_leaver": S,
        },
    ),
    "reports.ReportExample": Covered(
        "case",
        {
            **_BASE,
            "edition": X,
            "section": S,
            # The team's own words in a report edition: kept as the report was produced
            # (a report names no person; docs/adr/0091).
            "heading": S,
            "text": S,
            "case": X,
        },
    ),
    # A hold on a person (case empty) is emptied with the person, once released
    # (harken/retention/disposal.py `_people`).
    "retention.LegalHold": Covered(
        "case",
        {
            "id": X,
            "case": X,
            "person": X,
            "reason": S,
            "explanation": P,
            "placed_at": S,
            "placed_by": X,
            "released_at": S,
            "released_by": X,
            "release_reason": P,
        },
    ),
    # --- Issue 14: children's homes (harken/homes). No child is named in them: a visit holds
    # numbers spoken to, an issue's summary is written without names (the forms say so). A
    # visit and a drop-in are disposed under their own rules (RecordKind.HOME_VISIT,
    # DROP_IN: harken/retention/standalone.py) with their issues and trail; an issue that
    # became a case (an initial contact, a complaint, a safeguarding concern) goes with it.
    "homes.Visit": Covered(
        None,
        {
            **_BASE,
            "home": X,
            "visited_on": S,
            "visitor_name": P,
            "visitor": P,
            "announced": S,
            "children_spoken_to": S,
            "parents_spoken_to": S,
            "staff_spoken_to": S,
            "safeguarded": S,
            "wellbeing_promoted": S,
            "summary": P,
            "sent_to_home_on": S,
            "sent_to_provider_on": S,
            "sent_to_ofsted_on": S,  # the report's figures: late to Ofsted
            "report_filename": P,
            "report_storage_name": P,  # the file is deleted from storage
            "report_content_type": S,
            "report_size": S,
            "report_sha256": P,
        },
    ),
    "homes.DropIn": Covered(
        None,
        {
            **_BASE,
            "home": X,
            # A kind of placement or a venue, never a child's address (the form says so); the
            # drop-in needs a home or a placement (a check constraint).
            "placement": S,
            "held_on": S,
            "officer": X,  # the member of staff who ran it (a required link)
            "young_people": S,
        },
    ),
    "homes.Issue": Covered(
        "case",
        {
            **_BASE,
            "visit": X,
            "drop_in": X,
            "summary": P,
            "triage": S,  # the report counts what became of the issues
            "passed_to": S,
            "passed_to_person": P,
            "passed_on": S,
            "advocacy_referral": X,
            "case": X,
            "safeguarding_concern": X,
        },
    ),
    "homes.HomeEvent": Covered(
        None,
        {
            "id": X,
            "at": S,
            "actor": P,
            "home": X,
            "visit": X,
            "drop_in": X,
            "verb": S,
            "description": P,
            "changes": P,
        },
    ),
    # --- end of issue 14 (homes) ---
    "retention.DisposalCandidate": Covered(
        "case", {"id": X, "run": X, "line": X, "case": X, "record_id": X}
    ),
    "retention.DisposedCase": Covered("case", {"case": X, "run": X, "kind": S, "disposed_at": S}),
}

# Text put in place of removed required text (never empty where a page shows it).
REPLACED: dict[tuple[str, str], str] = {
    ("cases.Case", "summary"): REMOVED_TEXT,
    ("cases.TimelineEvent", "description"): REMOVED_TEXT,
    ("registers.RegisterEvent", "description"): REMOVED_TEXT,
    ("subjectaccess.RightsRequestEvent", "description"): REMOVED_TEXT,
    ("correspondence.MailItemEvent", "description"): REMOVED_TEXT,
    # A completed action must show its evidence (a database constraint).
    ("learning.Action", "evidence"): REMOVED_TEXT,
    ("surveys.Comment", "text"): REMOVED_TEXT,
    ("pool.PoolEntry", "name"): "Former member of the pool",
    ("pool.PoolEvent", "description"): REMOVED_TEXT,
    ("homes.Issue", "summary"): REMOVED_TEXT,
    ("homes.HomeEvent", "description"): REMOVED_TEXT,
}

_CONFIGURATION = "configuration, not a record about a person"
_STAFF = "a staff account or its security records: the council's HR schedule, not this one"
_OPERATIONS = "operational queue; its rows are cleared by their own jobs"
_DJANGO = "Django's own tables"

_POOL = (
    "the pool of independent people (issue 14): the roles, courses and partner appointments of "
    "an entry name no one once the entry is anonymised under its own rule (RecordKind.POOL), "
    "and the report counts them"
)

KEPT_MODELS: dict[str, str] = {
    # --- Issue 14: children's homes (harken/homes). The register of homes names no child
    # and is configuration-like; visits, drop-ins, issues and their trail have rules of their
    # own (harken/retention/standalone.py, RecordKind.HOME_VISIT and DROP_IN, below).
    "homes.Home": "the register of children's homes: configuration-like, kept while in use "
    "(a home with visits cannot be deleted: Visit.home protects it)",
    # --- end of issue 14 (homes) ---
    # Issue 14: surveys. The configuration stays; an invitation, the free text of its answers
    # and a comment go with their case or under the comment's own rule (DISPOSED_WITH_CASE).
    "surveys.Survey": _CONFIGURATION,
    "surveys.Question": _CONFIGURATION,
    "surveys.ReturnBatch": "a file of anonymous survey returns: its name and row count",
    "surveys.Response": "anonymous answers (a date, a stage, a satisfaction score; no person, "
    "no case): the report's survey figures for every past year and last year's column, kept as "
    "long as the anonymised cases are; the free text of its answers and comments is disposed of",
    "admin.LogEntry": "Django admin's log of staff changes to configuration",
    "auth.Permission": _DJANGO,
    "auth.Group": _DJANGO,
    "contenttypes.ContentType": _DJANGO,
    "sessions.Session": "expires by itself (HARKEN_SESSION_IDLE_TIMEOUT)",
    "django_tasks_database.DBTaskResult": _OPERATIONS,
    "cases.OpenTeamCase": "a team and a case id, for open cases only (ADR 0132): a case is "
    "disposed of only once it has ended, when it has no row here",
    "accounts.ServiceArea": _CONFIGURATION,
    "accounts.Team": _CONFIGURATION,
    "accounts.User": _STAFF,
    "accounts.RecoveryCode": _STAFF,
    "accounts.SignInLock": _STAFF,
    "accounts.SignInEvent": _STAFF + " (it names no case)",
    "accounts.ApiToken": _STAFF,
    "workdays.ClosureDay": _CONFIGURATION,
    "procedures.Procedure": _CONFIGURATION,
    "procedures.ProcedureVersion": _CONFIGURATION,
    "cases.ThemeGroup": _CONFIGURATION,
    "cases.Theme": _CONFIGURATION,
    "cases.ThemeEvent": _CONFIGURATION,
    "cases.ReferenceCounter": _CONFIGURATION,
    "documents.LetterTemplate": _CONFIGURATION,
    "documents.LetterTemplateRevision": _CONFIGURATION,
    "reports.ReportEdition": "a report produced for a period: kept as it was produced",
    "reports.ReportBuild": "a report file built for one person (ADR 0210): figures for a period "
    "and, in the internal edition, references of cases they may see; no field of a case. Its "
    "file is deleted HARKEN_REPORT_BUILD_KEEP_DAYS (7) days after it was built by "
    "`harken run-scheduled`; the row stays as the record of who built what",
    "registers.SarCounter": _CONFIGURATION,
    "casework.RememberedFilters": "a member of staff's own caseload filters: "
    "the staff account's, not a case's",
    "casework.SavedView": "a member of staff's own named caseload filters: the staff account's, "
    "not a case's",
    "core.AuditEvent": "changes to configuration (closure days, recomputed deadlines, "
    "procedure versions); names no case or person",
    "notifications.ReminderPreference": _STAFF,
    "notifications.SentReminder": "a digest sent to a member of staff; names no child",
    "retention.RetentionRule": _CONFIGURATION,
    "retention.RetentionRuleVersion": _CONFIGURATION,
    "retention.DisposalRun": "the disposal log: counts, rules and staff, no personal data",
    "retention.DisposalLine": "the disposal log: counts, rules and staff, no personal data",
    "retention.RetentionEvent": "the audit trail of the schedule: no personal data",
    "retention.DisposedRecord": "the disposal log of a register record: kind, id, run, when",
    # Issue 14: the pool of independent people. An entry that left the pool is anonymised
    # under its own rule (DISPOSED_WITH_CASE, harken/retention/standalone.py).
    "pool.PoolEntryRole": _POOL,
    "pool.PoolTraining": _POOL,
    "pool.PartnerAppointment": _POOL + " (a partner council's appointment: no case here)",
}
