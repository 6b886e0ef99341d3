"""Register deadlines in the daily digest, read from harken.registers with its own access
rules (`harken.registers.permissions.visible`): feedback officers and administrators get every
register deadline; managers those of records linked to cases they can see; nobody else any.

- Ombudsman response due: `OmbudsmanCase.response_due_on`, until the response is sent (while
  the Ombudsman's decision is awaited).
- Ombudsman remedy due: `OmbudsmanRemedy.due_on`, until complied with.
- Subject access request due: `final_due_on` (the extended date where the extension stands),
  until sent.
- Contact restriction review: `ContactRestriction.review_on`, while in force and not yet
  reviewed on or after that date.

Each is listed by a reference that names nobody: the Ombudsman's reference, the SAR
reference, or "Contact restriction 12".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from harken.registers import permissions
from harken.registers.models import (
    ContactRestriction,
    OmbudsmanCase,
    OmbudsmanDecision,
    OmbudsmanRemedy,
    SubjectAccessRequest,
    restrictions_in_force,
)

from . import conf

if TYPE_CHECKING:
    from harken.accounts.models import User

    from .content import RegisterSource, Section, Window


def _url(names: tuple[str, ...], pk: int | None = None) -> str:
    """The record's page, by the first of `names` the registers app has; else its index."""
    for name in names:
        try:
            return conf.site_url() + reverse(name, kwargs={"pk": pk} if pk is not None else {})
        except NoReverseMatch:
            continue
    try:
        return conf.site_url() + reverse("registers:index")
    except NoReverseMatch:
        return ""


def _section(
    title: str,
    qs: QuerySet[Any],
    due: str,
    window: Window,
    item: Callable[[Any], tuple[str, str, str]],
) -> Section:
    from .content import Item, Section

    qs = qs.filter(**{f"{due}__isnull": False, f"{due}__lte": window.soon})
    counts = qs.aggregate(
        overdue=Count("pk", filter=Q(**{f"{due}__lt": window.today})),
        due_soon=Count("pk", filter=Q(**{f"{due}__gte": window.today})),
    )
    items = []
    for record in qs.order_by(due, "pk")[: conf.items_listed()]:
        reference, what, url = item(record)
        items.append(Item(reference, what, getattr(record, due), url))
    return Section(title=title, overdue=counts["overdue"], due_soon=counts["due_soon"], items=items)


def ombudsman_responses(user: User, window: Window) -> Section:
    qs = OmbudsmanCase.objects.filter(
        permissions.visible(user, "case"),
        decision=OmbudsmanDecision.IN_PROGRESS,
        response_sent_on__isnull=True,
    )
    return _section(
        "Ombudsman responses",
        qs,
        "response_due_on",
        window,
        lambda o: (
            f"Ombudsman {o.ombudsman_reference}",
            "Response to the Ombudsman due",
            _url(("registers:ombudsman", "registers:ombudsman_case"), o.pk),
        ),
    )


def ombudsman_remedies(user: User, window: Window) -> Section:
    qs = OmbudsmanRemedy.objects.filter(
        permissions.visible(user, "ombudsman_case__case"), complied_on__isnull=True
    ).select_related("ombudsman_case")
    return _section(
        "Ombudsman remedies",
        qs,
        "due_on",
        window,
        lambda r: (
            f"Ombudsman {r.ombudsman_case.ombudsman_reference}",
            f"{r.get_kind_display()} remedy due",
            _url(("registers:ombudsman", "registers:ombudsman_case"), r.ombudsman_case_id),
        ),
    )


def subject_access_requests(user: User, window: Window) -> Section:
    qs = SubjectAccessRequest.objects.filter(sent_on__isnull=True).annotate(
        final_due=Coalesce(F("extended_due_on"), F("due_on"))
    )
    return _section(
        "Subject access requests",
        qs,
        "final_due",
        window,
        lambda s: (
            s.reference,
            "Subject access request due",
            _url(("registers:sar", "registers:subject_access_request"), s.pk),
        ),
    )


def restriction_reviews(user: User, window: Window) -> Section:
    # In force today (the registers' own rule: an end date may lie in the future).
    qs = ContactRestriction.objects.filter(
        permissions.visible(user, "case"), restrictions_in_force(window.today)
    ).filter(Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=F("review_on")))
    return _section(
        "Contact restriction reviews",
        qs,
        "review_on",
        window,
        lambda r: (
            f"Contact restriction {r.pk}",
            "Review of the restriction due",
            _url(("registers:restriction", "registers:contact_restriction"), r.pk),
        ),
    )


def sources(user: User) -> list[RegisterSource]:
    if not permissions.can_read_registers(user):
        return []
    found: list[RegisterSource] = [ombudsman_responses, ombudsman_remedies, restriction_reviews]
    # Subject access requests belong to no case: only those who see standalone records.
    if permissions.can_change_registers(user):
        found.insert(2, subject_access_requests)
    return found
