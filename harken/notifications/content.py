"""What each reminder says, worked out from current data, as plain data.

Everything starts from what the person may see (`harken.access.visible_cases`, the
action plan's own rules), so nobody is told about a case they could not open. E-mails carry
references, what is due and when, and links: never the name of a complainant or a child, nor
free text that could hold one (summaries, descriptions).

"Due soon" is due from today to the second working day after today
(`add_working_days(today, 2)`); "overdue" is due before today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from harken import access
from harken.accounts.models import User
from harken.cases.models import Stage, Status
from harken.learning import rules as learning_rules
from harken.learning.metrics import action_overview
from harken.learning.models import OPEN_STATUSES, Action
from harken.learning.selectors import visible_actions
from harken.workdays.rules import add_working_days

from . import conf

SOON_WORKING_DAYS = 2


@dataclass(frozen=True)
class Window:
    today: dt.date
    soon: dt.date

    @classmethod
    def on(cls, day: dt.date) -> Window:
        return cls(today=day, soon=add_working_days(day, SOON_WORKING_DAYS))


@dataclass(frozen=True)
class Item:
    reference: str
    what: str
    due_on: dt.date
    url: str

    def overdue(self, today: dt.date) -> bool:
        return self.due_on < today


@dataclass
class Section:
    title: str
    overdue: int = 0
    due_soon: int = 0
    open: int = 0
    items: list[Item] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon + self.open

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))


@dataclass
class Content:
    """One e-mail's worth: sections of counted and listed items, and optional figures."""

    day: dt.date
    sections: list[Section] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(s.total for s in self.sections)

    @property
    def overdue(self) -> int:
        return sum(s.overdue for s in self.sections)

    @property
    def due_soon(self) -> int:
        return sum(s.due_soon for s in self.sections)

    def snapshot(self) -> dict[str, Any]:
        """What was sent, for the record: counts, references and dates only."""
        return {
            "day": self.day.isoformat(),
            "sections": [
                {
                    "title": s.title,
                    "overdue": s.overdue,
                    "due_soon": s.due_soon,
                    "open": s.open,
                    "items": [{**asdict(i), "due_on": i.due_on.isoformat()} for i in s.items],
                }
                for s in self.sections
                if s.total
            ],
            "figures": self.figures,
        }


def _url(name: str, fragment: str = "", **kwargs: Any) -> str:
    try:
        return conf.site_url() + reverse(name, kwargs=kwargs) + fragment
    except NoReverseMatch:
        return ""


def _case_url(reference: str) -> str:
    return _url("casework:case", reference=reference)


def _action_url(recommendation_id: int, number: int) -> str:
    return _url("learning:recommendation", f"#action-{number}", pk=recommendation_id)


# --- Cases ----------------------------------------------------------------------------------


def case_section(user: User, window: Window) -> Section:
    """Open cases the user may see whose next step is overdue or due soon."""
    cases = access.visible_cases(user).filter(
        status=Status.OPEN, next_due_on__isnull=False, next_due_on__lte=window.soon
    )
    counts = cases.aggregate(
        overdue=Count("pk", filter=Q(next_due_on__lt=window.today)),
        due_soon=Count("pk", filter=Q(next_due_on__gte=window.today)),
    )
    rows = cases.order_by("next_due_on", "reference").values_list(
        "reference", "next_due_label", "next_due_on"
    )[: conf.items_listed()]
    return Section(
        title="Cases",
        overdue=counts["overdue"],
        due_soon=counts["due_soon"],
        items=[
            Item(ref, label or "Due", due, _case_url(ref))
            for ref, label, due in rows
            if due is not None
        ],
    )


def appointment_section(user: User, window: Window) -> Section:
    """The deadlines of the stages an IO, IP or panel member is appointed to."""
    stages = Stage.objects.filter(
        case__in=access.visible_cases(user),
        case__status=Status.OPEN,
        appointments__user=user,
        appointments__ended_on__isnull=True,
        concluded_on__isnull=True,
        ended_early_on__isnull=True,
        due_on__isnull=False,
        due_on__lte=window.soon,
    ).distinct()
    counts = stages.aggregate(
        overdue=Count("pk", distinct=True, filter=Q(due_on__lt=window.today)),
        due_soon=Count("pk", distinct=True, filter=Q(due_on__gte=window.today)),
    )
    items = []
    for stage in stages.select_related("case__procedure_version").order_by(
        "due_on", "case__reference"
    )[: conf.items_listed()]:
        label = "response"
        version = stage.case.procedure_version
        if version is not None and version.spec.has_stage(stage.number):
            label = version.spec.stage(stage.number).response_label
        items.append(
            Item(
                stage.case.reference,
                f"Stage {stage.number} {label} due",
                stage.due_on,  # type: ignore[arg-type]
                _case_url(stage.case.reference),
            )
        )
    return Section(
        title="Your appointments",
        overdue=counts["overdue"],
        due_soon=counts["due_soon"],
        items=items,
    )


# --- Actions --------------------------------------------------------------------------------


def _digest_actions(user: User) -> QuerySet[Action]:
    """Feedback officers and administrators: every action; managers: theirs and their teams'."""
    actions = visible_actions(user)
    if access.role_may(user.role, access.Perm.CASES_OF_TEAMS):
        actions = actions.filter(Q(owner=user) | Q(recommendation__team__in=user.teams.all()))
    return actions


def _action_items(actions: QuerySet[Action]) -> list[Item]:
    rows = actions.order_by("due_on", "recommendation__case__reference", "number").values_list(
        "recommendation__case__reference",
        "recommendation__visit_id",
        "recommendation__number",
        "recommendation_id",
        "number",
        "due_on",
        "owner_id",
    )[: conf.items_listed()]
    return [
        # A visit's recommendation has no case (issue 14): "V12 R1.1".
        Item(f"{ref or f'V{visit}'} R{rec}.{num}", "Action due", due, _action_url(rec_id, num))
        for ref, visit, rec, rec_id, num, due, _owner in rows
    ]


def action_section(user: User, window: Window, title: str = "Action plan") -> Section:
    actions = _digest_actions(user).filter(status__in=OPEN_STATUSES, due_on__lte=window.soon)
    counts = actions.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=window.today)),
        due_soon=Count("pk", filter=Q(due_on__gte=window.today)),
    )
    return Section(
        title=title,
        overdue=counts["overdue"],
        due_soon=counts["due_soon"],
        items=_action_items(actions),
    )


# --- Registers ------------------------------------------------------------------------------

# Each register deadline the digest includes: a function (user, window) -> Section, added by
# `register_deadlines` below when the registers app has the records.
RegisterSource = Callable[[User, Window], Section]


def register_sections(user: User, window: Window) -> list[Section]:
    from . import registers

    return [source(user, window) for source in registers.sources(user)]


# --- The reminders --------------------------------------------------------------------------


def digest(user: User, day: dt.date) -> Content:
    """The daily digest: what is overdue and what is due in the next 2 working days."""
    window = Window.on(day)
    content = Content(day=day)
    if access.role_may(user.role, access.Perm.CASES_APPOINTED):
        content.sections.append(appointment_section(user, window))
        return content
    if not access.role_may(user.role, access.Perm.PLAN_VIEW):
        return content
    content.sections.append(case_section(user, window))
    content.sections.append(action_section(user, window))
    content.sections.extend(register_sections(user, window))
    # Issue 14: the children's homes' missed visits and late reports (harken/homes).
    if apps.is_installed("harken.homes"):
        from harken.homes.digest import homes_section

        homes = homes_section(user, window)
        if homes is not None:
            content.sections.append(homes)
    # Issue 14: the pool's DBS checks to renew (harken/pool/digest.py says when).
    if apps.is_installed("harken.pool"):
        from harken.pool.digest import dbs_section

        dbs = dbs_section(user, window)
        if dbs is not None:
            content.sections.append(dbs)
    return content


def monthly_actions(user: User, day: dt.date) -> Content:
    """The monthly reminder to an action owner: every action of theirs still open."""
    content = Content(day=day)
    if not access.role_may(user.role, access.Perm.OWN_ACTIONS):
        return content
    actions = visible_actions(user).filter(owner=user, status__in=OPEN_STATUSES)
    counts = actions.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=day)),
        open=Count("pk", filter=Q(due_on__gte=day)),
    )
    content.sections.append(
        Section(
            title="Your open actions",
            overdue=counts["overdue"],
            open=counts["open"],
            items=_action_items(actions),
        )
    )
    return content


def overdue_summary(user: User, day: dt.date) -> Content:
    """For senior managers: overdue actions by service area (figures), and those they may see
    listed by reference."""
    content = Content(day=day)
    rows = action_overview(day)
    if not rows[-1].overdue:
        return content
    content.figures = [
        {"service_area": r.service_area, "open": r.open, "overdue": r.overdue}
        for r in rows
        if r.overdue or r.service_area_id is None
    ]
    section = Section(title="Overdue actions", overdue=rows[-1].overdue)
    if learning_rules.may_see_plan(user):
        visible = visible_actions(user).filter(status__in=OPEN_STATUSES, due_on__lt=day)
        section.items = _action_items(visible)
    content.sections.append(section)
    return content


BUILDERS: dict[str, Callable[[User, dt.date], Content]] = {
    "digest": digest,
    "actions": monthly_actions,
    "overdue_summary": overdue_summary,
}


def describe(content: Content) -> str:
    """A one-line summary for the subject."""
    parts = []
    if content.overdue:
        parts.append(f"{content.overdue} overdue")
    if content.due_soon:
        parts.append(f"{content.due_soon} due soon")
    opened = sum(s.open for s in content.sections)
    if opened:
        parts.append(f"{opened} open")
    return ", ".join(parts) or "nothing due"
