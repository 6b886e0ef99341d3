"""Themes and their groups: administrators add, rename, regroup and retire them; every
change is a `ThemeEvent` with the old and new values. A theme in use is never deleted, only
retired (it stays on the records and the report, and leaves the lists to choose from)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from harken import access
from harken.accounts.models import User
from harken.core import checks
from harken.core.audit import set_fields
from harken.core.errors import AccessDenied, ApplicationError

from .models import Case, Element, Theme, ThemeEvent, ThemeGroup

Verb = ThemeEvent.Verb

NAME_MAX_LENGTH = Theme._meta.get_field("name").max_length or 120


def _ensure_administrator(actor: User) -> None:
    if not access.is_administrator(actor):
        raise AccessDenied("Only an administrator can change themes.")


def _name(value: str, *, what: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ApplicationError.for_field("name", f"Enter the {what}'s name.")
    return checks.length("name", name, what="the name", most=NAME_MAX_LENGTH)


def _record(
    *,
    actor: User,
    verb: ThemeEvent.Verb,
    description: str,
    changes: dict[str, list[str | None]],
    theme: Theme | None = None,
    group: ThemeGroup | None = None,
) -> ThemeEvent:
    subject = theme or group
    return ThemeEvent.objects.create(
        actor=actor,
        verb=verb,
        description=description[:500],
        changes=changes,
        theme=theme,
        group=group,
        name=subject.name if subject is not None else "",
    )


@transaction.atomic
def theme_save(
    *, actor: User, theme: Theme | None, name: str, group: ThemeGroup | None, active: bool
) -> Theme:
    """Add a theme or change one: its name, its group, and whether it is offered (retired
    themes stay on the records that have them)."""
    _ensure_administrator(actor)
    name = _name(name, what="theme")
    others = Theme.objects.exclude(pk=theme.pk) if theme is not None else Theme.objects.all()
    if others.filter(name__iexact=name).exists():
        raise ApplicationError.for_field("name", "A theme with this name already exists.")
    creating = theme is None
    theme = theme or Theme()
    changes = set_fields(theme, {"name": name, "group": group, "active": active})
    if not changes:
        return theme
    theme.save()
    if creating:
        verb, description = Verb.THEME_ADDED, f"Theme {name} added"
    elif set(changes) == {"active"}:
        verb = Verb.THEME_RETIRED if not active else Verb.THEME_RESTORED
        description = f"Theme {name} {'retired' if not active else 'offered again'}"
    else:
        verb, description = Verb.THEME_CHANGED, f"Theme {name} changed"
    _record(actor=actor, verb=verb, description=description, changes=changes, theme=theme)
    return theme


@dataclass(frozen=True)
class Use:
    cases: int
    points: int

    @property
    def any(self) -> bool:
        return bool(self.cases or self.points)


def theme_use(theme: Theme) -> Use:
    return Use(cases=theme.cases.count(), points=Element.objects.filter(theme=theme).count())


@transaction.atomic
def theme_delete(*, actor: User, theme: Theme) -> None:
    """Delete a theme no record uses (one added by mistake); a theme in use is retired."""
    _ensure_administrator(actor)
    use = theme_use(theme)
    if use.any:
        raise ApplicationError(
            f"{theme.name} is recorded on {use.cases} case(s) and {use.points} point(s) of "
            "complaint, so it cannot be deleted: retire it instead (it stays on those records "
            "and in the report, and is no longer offered)."
        )
    name = theme.name
    _record(
        actor=actor,
        verb=Verb.THEME_DELETED,
        description=f"Theme {name} deleted (it was never used)",
        changes={"name": [name, None]},
        theme=theme,
    )
    theme.delete()


@transaction.atomic
def theme_group_save(*, actor: User, group: ThemeGroup | None, name: str) -> ThemeGroup:
    """Add a group of themes (e.g. "Staff", "Service delivery") or rename one."""
    _ensure_administrator(actor)
    name = _name(name, what="group")
    others = ThemeGroup.objects.exclude(pk=group.pk) if group else ThemeGroup.objects.all()
    if others.filter(name__iexact=name).exists():
        raise ApplicationError.for_field("name", "A group with this name already exists.")
    creating = group is None
    group = group or ThemeGroup()
    changes = set_fields(group, {"name": name})
    if changes:
        group.save()
        _record(
            actor=actor,
            verb=Verb.GROUP_ADDED if creating else Verb.GROUP_RENAMED,
            description=f"Theme group {name} {'added' if creating else 'renamed'}",
            changes=changes,
            group=group,
        )
    return group


def _count_of(qs: QuerySet[Any]) -> Coalesce:
    """How many rows of `qs` (filtered on the theme in the outer query), as a subquery: one
    index range per theme, never the product of two joins."""
    counted = qs.order_by().values("theme_id").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted), 0)


def themes_listed() -> QuerySet[Theme]:
    """Every theme with how many cases and points use it, by group (one query)."""
    return (
        Theme.objects.select_related("group")
        .annotate(
            case_count=_count_of(Case.themes.through.objects.filter(theme_id=OuterRef("pk"))),
            point_count=_count_of(Element.objects.filter(theme_id=OuterRef("pk"))),
        )
        .order_by(F("group__name").asc(nulls_last=True), "name")
    )


def theme_history(theme: Theme) -> QuerySet[ThemeEvent]:
    return theme.events.select_related("actor").order_by("-at", "-id")
