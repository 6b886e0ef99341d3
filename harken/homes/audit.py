"""The homes' audit trail: each change to a home, visit, drop-in or issue is a `HomeEvent`,
written in the caller's transaction."""

from __future__ import annotations

from typing import Any

from .models import DropIn, Home, HomeEvent, Visit

Verb = HomeEvent.Verb


def home_event(
    *,
    actor: Any,
    verb: HomeEvent.Verb,
    description: str,
    home: Home | None = None,
    visit: Visit | None = None,
    drop_in: DropIn | None = None,
    changes: dict[str, list[str | None]] | None = None,
) -> HomeEvent:
    if visit is not None and home is None:
        home = visit.home
    if drop_in is not None and home is None:
        home = drop_in.home
    return HomeEvent.objects.create(
        actor=actor,
        verb=verb,
        description=description[:500],
        home=home,
        visit=visit,
        drop_in=drop_in,
        changes=changes or {},
    )


def plan_event(
    *, visit: Visit, actor: Any, description: str, changes: dict[str, list[str | None]] | None
) -> HomeEvent:
    """A change on the action plan to a visit's recommendation or its actions (the learning
    services call this: a visit's recommendation has no case timeline)."""
    return home_event(
        actor=actor,
        verb=Verb.PLAN_CHANGED,
        description=description,
        visit=visit,
        changes=changes,
    )


def record_viewed(
    *,
    actor: Any,
    visit: Visit | None = None,
    drop_in: DropIn | None = None,
    with_cases: bool = True,
) -> None:
    """A visit's or a drop-in's page (or the API's answer) was read: its own trail says who,
    and each case an issue raised there became is logged as read (`via="home visit"` or
    `"drop-in"`), as a list of cases is, unless the reader is not shown them (`with_cases`:
    an independent visitor's page names no case)."""
    from harken.core.audit import record_reads

    record: Visit | DropIn | None = visit or drop_in
    if record is None:
        raise ValueError("a visit or a drop-in")
    if visit is not None:
        home_event(actor=actor, verb=Verb.VISIT_VIEWED, description="Visit viewed", visit=visit)
    else:
        home_event(
            actor=actor, verb=Verb.DROP_IN_VIEWED, description="Drop-in viewed", drop_in=drop_in
        )
    if not with_cases:
        return
    cases = [i.case_id for i in record.issues.all() if i.case_id]
    record_reads(cases=cases, user=actor, via="home visit" if visit else "drop-in")


def record_home_viewed(*, actor: Any, home: Home) -> None:
    """A home's page (or the API's answer) was read: who read the register line and which
    visits were listed is in the trail."""
    home_event(actor=actor, verb=Verb.HOME_VIEWED, description="Home viewed", home=home)
