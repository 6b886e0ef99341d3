"""Every change to the schedule, the holds and the disposals. The pages, the API and the
commands all call these; each checks who may, refuses bad input with a message beside its
field, and writes its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from harken import access
from harken.cases.models import Case, Person, TimelineEvent
from harken.core import checks
from harken.core.audit import record_event
from harken.core.dates import format_date
from harken.core.errors import AccessDenied, ApplicationError

from . import disposal, selectors, standalone
from .models import (
    Basis,
    DisposalCandidate,
    DisposalLine,
    DisposalRun,
    DisposedCase,
    DisposedRecord,
    HoldReason,
    LegalHold,
    RecordKind,
    RetentionEvent,
    RetentionRule,
    RetentionRuleVersion,
    RunStatus,
)
from .permissions import may_manage_retention
from .standalone import STANDALONE

if TYPE_CHECKING:
    from harken.accounts.models import User

MAX_YEARS = 120
BATCH_SIZE = 1000
DENIED = "Only administrators can manage the retention schedule, legal holds and disposals."


def _ensure_admin(actor: User | None) -> None:
    if not may_manage_retention(actor):
        raise AccessDenied(DENIED)


def _event(
    *,
    actor: User | None,
    verb: RetentionEvent.Verb,
    description: str,
    changes: dict[str, Any] | None = None,
    rule: RetentionRule | None = None,
    hold: LegalHold | None = None,
    run: DisposalRun | None = None,
) -> RetentionEvent:
    return RetentionEvent.objects.create(
        actor=actor,
        verb=verb,
        description=description[:500],
        changes=changes or {},
        rule=rule,
        hold=hold,
        run=run,
    )


# --- The schedule ---------------------------------------------------------------------------


@transaction.atomic
def rule_update(
    *, rule: RetentionRule, basis: str, years: object, reason: str, actor: User, source: str = ""
) -> RetentionRule:
    """Change how long a kind of record is kept. The old version stays in the history."""
    _ensure_admin(actor)
    if basis not in Basis.values:
        raise ApplicationError.for_field("basis", "Select what the years are counted from.")
    if basis == Basis.BIRTHDAY_75 and rule.kind != RecordKind.LOOKED_AFTER:
        raise ApplicationError.for_field(
            "basis", "Only the rule for looked-after children can count to a birthday."
        )
    clean_years = checks.whole_number("years", years, what="years", lowest=1, highest=MAX_YEARS)
    reason = checks.text_field(
        "reason",
        reason,
        what="the reason",
        most=500,
        required="Enter why the rule is changing.",
    )
    source = checks.text_field(
        "source",
        source,
        what="the source",
        most=300,
    )
    source = source or rule.source
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    changes: dict[str, list[str]] = {}
    for name, new in (("basis", basis), ("years", clean_years), ("source", source)):
        old = getattr(rule, name)
        if old != new:
            changes[name] = [str(old), str(new)]
            setattr(rule, name, new)
    if not changes:
        raise ApplicationError.for_field("years", "Change the basis or the number of years.")
    rule.version += 1
    rule.changed_by = actor
    rule.save()
    RetentionRuleVersion.objects.create(
        rule=rule,
        version=rule.version,
        basis=rule.basis,
        years=rule.years,
        source=rule.source,
        reason=reason,
        changed_by=actor,
    )
    _event(
        actor=actor,
        verb=RetentionEvent.Verb.RULE_CHANGED,
        description=f"{rule}: now {rule.description} (version {rule.version})",
        changes=changes,
        rule=rule,
    )
    return rule


# --- Legal holds ----------------------------------------------------------------------------


def _hold_reason(reason: str, explanation: str, *, what: str) -> str:
    if reason not in HoldReason.values:
        raise ApplicationError.for_field("reason", f"Select why {what} is held.")
    return checks.text_field(
        "explanation",
        explanation,
        what="the explanation",
        most=2000,
        required="Enter why disposal must wait.",
    )


def _held_label(hold: LegalHold) -> str:
    """How the audit trail names what a hold is on, without personal data."""
    if hold.case_id is not None:
        return hold.case.reference  # type: ignore[union-attr]
    return f"person {hold.person_id} (all their records)"


@transaction.atomic
def hold_place(
    *,
    reason: str,
    explanation: str,
    actor: User,
    case: Case | None = None,
    person: Person | None = None,
) -> LegalHold:
    """Stop the disposal of a case, or of every record a person is on (docs/adr/0104), until
    the hold is released."""
    _ensure_admin(actor)
    if (case is None) == (person is None):
        raise ApplicationError.for_field("case", "Enter the case, or choose the person, to hold.")
    if case is not None:
        if not access.can_view_case(actor, case):
            raise AccessDenied("There is no case with that reference that you can see.")
        if DisposedCase.objects.filter(case=case).exists():
            raise ApplicationError.for_field(
                "case", "This case was disposed of already: there is nothing left to hold."
            )
        explanation = _hold_reason(reason, explanation, what="the case")
        hold = LegalHold.objects.create(
            case=case, reason=reason, explanation=explanation, placed_by=actor
        )
    elif person is not None:
        if not access.visible_people(actor).filter(pk=person.pk).exists():
            raise AccessDenied("There is no person with that number that you can see.")
        explanation = _hold_reason(reason, explanation, what="the person")
        hold = LegalHold.objects.create(
            person=person, reason=reason, explanation=explanation, placed_by=actor
        )
    label = hold.get_reason_display()
    cases = [case] if case is not None else _cases_of(person)
    for held_case in cases:
        record_event(
            case=held_case,
            actor=actor,
            verb=TimelineEvent.Verb.LEGAL_HOLD_PLACED,
            description=f"Legal hold placed ({label}"
            + ("" if case is not None else ", on a person on this case")
            + "): not disposed of until it is released",
        )
    _event(
        actor=actor,
        verb=RetentionEvent.Verb.HOLD_PLACED,
        description=f"Legal hold {hold.pk} placed on {_held_label(hold)} ({label})",
        hold=hold,
    )
    return hold


def _cases_of(person: Person | None) -> list[Case]:
    if person is None:
        return []
    return list(Case.objects.filter(parties__person=person).distinct().order_by("pk"))


@transaction.atomic
def hold_release(*, hold: LegalHold, reason: str, actor: User) -> LegalHold:
    _ensure_admin(actor)
    hold = (
        LegalHold.objects.select_for_update(of=("self",))
        .select_related("case", "person")
        .get(pk=hold.pk)
    )
    if hold.case is not None:
        visible = access.can_view_case(actor, hold.case)
    else:
        visible = access.visible_people(actor).filter(pk=hold.person_id or 0).exists()
    if not visible:
        raise AccessDenied("There is no legal hold with that number that you can see.")
    if hold.released_at is not None:
        raise ApplicationError("This hold was released already.")
    reason = checks.text_field(
        "release_reason",
        reason,
        what="the reason",
        most=2000,
        required="Enter why the hold is released.",
    )
    hold.released_at = timezone.now()
    hold.released_by = actor
    hold.release_reason = reason
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    cases = [hold.case] if hold.case is not None else _cases_of(hold.person)
    for held_case in cases:
        record_event(
            case=held_case,
            actor=actor,
            verb=TimelineEvent.Verb.LEGAL_HOLD_RELEASED,
            description=f"Legal hold released ({hold.get_reason_display()}"
            + ("" if hold.case is not None else ", on a person on this case")
            + ")",
        )
    _event(
        actor=actor,
        verb=RetentionEvent.Verb.HOLD_RELEASED,
        description=f"Legal hold {hold.pk} on {_held_label(hold)} released",
        hold=hold,
    )
    return hold


# --- Disposal -------------------------------------------------------------------------------


def _pending(status: str) -> DisposalRun | None:
    return DisposalRun.objects.filter(status=status).first()


def _preview(*, day: dt.date, actor: User | None) -> DisposalRun | None:
    """Find what is due on `day` under each rule; None if nothing is."""
    run = DisposalRun.objects.create(due_on=day, created_by=actor)
    total = 0
    for rule in RetentionRule.objects.order_by("kind"):
        due = selectors.due_for(rule=rule, day=day)
        found = due.aggregate(n=Count("pk"), lo=Min("counted_from"), hi=Max("counted_from"))
        if not found["n"]:
            continue
        line = DisposalLine.objects.create(
            run=run,
            rule=rule,
            rule_version=rule.version,
            rule_description=rule.description,
            kind=rule.kind,
            count=found["n"],
            earliest_on=found["lo"],
            latest_on=found["hi"],
        )
        # In chunks, never the whole list in memory (100,000 cases: bench/disposal.py).
        chunk: list[DisposalCandidate] = []
        field = "record_id" if rule.kind in STANDALONE else "case_id"
        for pk in due.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000):
            chunk.append(DisposalCandidate(run=run, line=line, **{field: pk}))
            if len(chunk) == 5000:
                DisposalCandidate.objects.bulk_create(chunk)
                chunk = []
        DisposalCandidate.objects.bulk_create(chunk)
        total += found["n"]
    if total == 0:
        run.delete()
        return None
    return run


def _preview_event(run: DisposalRun, actor: User | None) -> None:
    lines = list(run.lines.all())
    _event(
        actor=actor,
        verb=RetentionEvent.Verb.PREVIEW_MADE,
        description=f"Disposal {run.pk} previewed for {format_date(run.due_on)}: "
        + "; ".join(f"{line.get_kind_display()} {line.count}" for line in lines),
        run=run,
    )


@transaction.atomic
def disposal_preview_create(*, day: dt.date, actor: User) -> DisposalRun:
    """Make a preview of what the schedule makes due on `day`, for an administrator to
    approve. Nothing is changed until it is approved."""
    _ensure_admin(actor)
    if _pending(RunStatus.PREVIEW) is not None:
        raise ApplicationError.for_field(
            "due_on", "A preview is awaiting approval: approve or reject it first."
        )
    if day > timezone.localdate():
        raise ApplicationError.for_field("due_on", "The day must be today or in the past.")
    run = _preview(day=day, actor=actor)
    if run is None:
        raise ApplicationError.for_field(
            "due_on", f"Nothing is due for disposal on {format_date(day)}."
        )
    _preview_event(run, actor)
    return run


def disposal_preview_scheduled(*, day: dt.date) -> DisposalRun | None:
    """`harken run-scheduled`: a preview of what is due today, unless one awaits approval or
    nothing is due. Two nodes at once make one (the second is refused by the constraint)."""
    if _pending(RunStatus.PREVIEW) is not None:
        return None
    try:
        with transaction.atomic():
            run = _preview(day=day, actor=None)
            if run is not None:
                _preview_event(run, None)
            return run
    except IntegrityError:
        return None


@transaction.atomic
def disposal_approve(*, run: DisposalRun, actor: User) -> DisposalRun:
    """Approve a preview: the next `harken run-scheduled` (or `harken disposal carry-out`)
    anonymises what it lists, except what a hold or a change has taken out of it since."""
    _ensure_admin(actor)
    run = DisposalRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.PREVIEW:
        raise ApplicationError(f"Disposal {run.pk} is not awaiting approval.")
    if _pending(RunStatus.APPROVED) is not None:
        raise ApplicationError("Another approved disposal is still being carried out.")
    run.status = RunStatus.APPROVED
    run.decided_by = actor
    run.decided_at = timezone.now()
    run.save(update_fields=["status", "decided_by", "decided_at"])
    _event(
        actor=actor,
        verb=RetentionEvent.Verb.APPROVED,
        description=f"Disposal {run.pk} approved",
        run=run,
    )
    return run


@transaction.atomic
def disposal_reject(*, run: DisposalRun, actor: User) -> DisposalRun:
    """Reject a preview: nothing is disposed of; the next preview is made afresh."""
    _ensure_admin(actor)
    run = DisposalRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.PREVIEW:
        raise ApplicationError(f"Disposal {run.pk} is not awaiting approval.")
    run.status = RunStatus.REJECTED
    run.decided_by = actor
    run.decided_at = timezone.now()
    run.save(update_fields=["status", "decided_by", "decided_at"])
    run.candidates.all().delete()
    _event(
        actor=actor,
        verb=RetentionEvent.Verb.REJECTED,
        description=f"Disposal {run.pk} rejected",
        run=run,
    )
    return run


def _carry_out_batch(run_pk: int, after: int, batch_size: int) -> int | None:
    """Dispose of the next batch of a run's candidates; the last candidate id done, or None
    when none is left. The run's row is locked for the batch, so two nodes never dispose of
    the same case; each case is checked again (still ended, not held, still due)."""
    with transaction.atomic():
        run = DisposalRun.objects.select_for_update().get(pk=run_pk)
        if run.status != RunStatus.APPROVED:
            return None
        rows = list(
            DisposalCandidate.objects.filter(run=run, pk__gt=after)
            .order_by("pk")
            .values_list("pk", "case_id", "record_id", "line_id")[:batch_size]
        )
        if not rows:
            return None
        by_line: dict[int, list[int]] = defaultdict(list)
        for _, case_id, record_id, line_id in rows:
            by_line[line_id].append(int(case_id or record_id or 0))
        now = timezone.now()
        done: list[int] = []
        events: list[TimelineEvent] = []
        for line in DisposalLine.objects.filter(pk__in=by_line).select_related("rule"):
            if line.kind in STANDALONE:
                _records_batch(run, line, by_line[line.pk], now)
                continue
            still = list(
                selectors.due_cases(rule=line.rule, day=run.due_on)
                .filter(pk__in=by_line[line.pk])
                .values_list("pk", flat=True)
            )
            if not still:
                continue
            DisposedCase.objects.bulk_create(
                DisposedCase(case_id=pk, run=run, kind=line.kind, disposed_at=now) for pk in still
            )
            DisposalLine.objects.filter(pk=line.pk).update(disposed=F("disposed") + len(still))
            done.extend(still)
            events.extend(
                TimelineEvent(
                    case_id=pk,
                    verb=TimelineEvent.Verb.DISPOSED,
                    description=f"Anonymised under the retention schedule "
                    f"({line.get_kind_display()}: {line.rule_description}; disposal {run.pk})",
                )
                for pk in still
            )
        if done:
            disposal.anonymise(done)
            TimelineEvent.objects.bulk_create(events)
        return rows[-1][0]


def _records_batch(run: DisposalRun, line: DisposalLine, ids: list[int], now: Any) -> None:
    """Dispose of a batch of register records of one standalone kind: each checked again
    (still ended, not held, still due), marked, then anonymised."""
    still = list(
        selectors.due_for(rule=line.rule, day=run.due_on)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    if not still:
        return
    DisposedRecord.objects.bulk_create(
        DisposedRecord(kind=line.kind, record_id=pk, run=run, disposed_at=now) for pk in still
    )
    DisposalLine.objects.filter(pk=line.pk).update(disposed=F("disposed") + len(still))
    standalone.anonymise(line.kind, still)


def disposal_carry_out(
    *, run: DisposalRun, batch_size: int = BATCH_SIZE, actor: User | None = None
) -> DisposalRun:
    """Carry out an approved disposal in batches (bounded memory, one transaction each), then
    record it in the disposal log. Safe to run again after a stop: it carries on."""
    if actor is not None:
        _ensure_admin(actor)
    if run.status != RunStatus.APPROVED:
        raise ApplicationError(f"Disposal {run.pk} is not approved.")
    after = 0
    while True:
        last = _carry_out_batch(run.pk, after, batch_size)
        if last is None:
            break
        after = last
    with transaction.atomic():
        run = DisposalRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.APPROVED:
            return run  # another node finished it
        lines = list(run.lines.all())
        disposed = sum(line.disposed for line in lines)
        run.status = RunStatus.COMPLETED
        run.completed_at = timezone.now()
        run.skipped = sum(line.count for line in lines) - disposed
        run.save(update_fields=["status", "completed_at", "skipped"])
        # The list was needed to know what was approved; the log keeps the counts.
        run.candidates.all().delete()
        _event(
            actor=actor,
            verb=RetentionEvent.Verb.CARRIED_OUT,
            description=f"Disposal {run.pk} carried out: {disposed} anonymised, {run.skipped} "
            "left (held, reopened or no longer due since the preview)",
            run=run,
        )
    return run


def run_scheduled(*, day: dt.date) -> tuple[DisposalRun | None, DisposalRun | None]:
    """The retention part of `harken run-scheduled`: carry out an approved disposal, then
    make a preview of what is due if none awaits approval. Returns (carried out, previewed)."""
    approved = _pending(RunStatus.APPROVED)
    done = disposal_carry_out(run=approved) if approved is not None else None
    return done, disposal_preview_scheduled(day=day)
