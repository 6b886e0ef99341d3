"""The inbox's reads: a page of items with their attachments and suggested cases, in a fixed
number of queries whatever the number of items (the page's size sets the cost)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from harken import access
from harken.accounts.models import User
from harken.cases.models import Case
from harken.core.audit import record_reads
from harken.core.errors import AccessDenied

from . import services
from .models import INBOX_KINDS, ItemStatus, MailItem

PER_PAGE = 25

# The inbox's three lists: (label, filter).
VIEWS: dict[str, tuple[str, dict[str, object]]] = {
    # E-mails and text messages alike (`INBOX_KINDS`), newest first.
    "inbox": ("Inbox", {"status": ItemStatus.NEW, "kind__in": INBOX_KINDS}),
    "set-aside": ("Automatic replies and bounces", {"status": ItemStatus.SET_ASIDE}),
    "done": (
        "Dealt with",
        {
            "status__in": [
                ItemStatus.CONVERTED,
                ItemStatus.ATTACHED,
                ItemStatus.JOINED,
                ItemStatus.NOT_FEEDBACK,
            ]
        },
    ),
}


@dataclass(frozen=True)
class Suggestion:
    case: Case
    why: str


@dataclass
class Row:
    item: MailItem
    suggestions: list[Suggestion] = field(default_factory=list)


def _items() -> QuerySet[MailItem]:
    return MailItem.objects.select_related(
        "claimed_by", "case", "suggested_case", "sar", "done_by"
    ).prefetch_related("attachments")


# Where a suggestion's read is recorded (`CaseRead.via`): a suggested case is shown to the
# officer by its reference, so it is a read of that case like a line of the caseload.
SUGGESTION_READ = "inbox suggestion"


def suggestions_for(items: Sequence[MailItem], *, user: User) -> dict[int, list[Suggestion]]:
    """Cases each item may belong to: the one its subject named (not joined, as the sender is
    not on it), a reference typed in its subject or text, the sender's open cases. Only cases
    `user` can see; each case suggested is recorded as read by `user` (one INSERT for all)."""
    found: dict[int, list[Suggestion]] = {item.pk: [] for item in items}
    references = {
        item.pk: services.references_in(f"{item.subject}\n{item.text[:20000]}")[:5]
        for item in items
    }
    wanted = {r for refs in references.values() for r in refs}
    wanted |= {item.suggested_case.reference for item in items if item.suggested_case}
    # A reply to a closed case: the case it is on already (the officer decides what next).
    wanted |= {item.case.reference for item in items if item.closed_case_reply and item.case}
    visible = {
        c.reference: c for c in access.visible_cases(user).filter(reference__in=sorted(wanted))
    }
    by_address = services.open_cases_of([i.sender_address for i in items], user)
    by_phone = services.open_cases_of_phone([i.sender_phone for i in items if i.is_text], user)
    for item in items:
        seen: set[str] = set()

        def add(case: Case | None, why: str, item: MailItem = item, seen: set[str] = seen) -> None:
            if case is not None and case.reference not in seen:
                seen.add(case.reference)
                found[item.pk].append(Suggestion(case, why))

        if item.closed_case_reply and item.case:
            add(
                visible.get(item.case.reference),
                "a reply to this case, which is closed: it is on the case's timeline",
            )
        if item.suggested_case:
            add(
                visible.get(item.suggested_case.reference),
                "its subject or reply names this case, but the sender's address is not on it",
            )
        for reference in references[item.pk]:
            add(visible.get(reference), "the e-mail names this reference")
        for case in by_address.get(item.sender_address, []):
            add(case, "an open case with the sender's address")
        if item.is_text:
            for case in by_phone.get(services.phone_key(item.sender_phone), []):
                add(case, "an open case with the sender's phone number")
    record_reads(
        cases=[s.case for shown in found.values() for s in shown], user=user, via=SUGGESTION_READ
    )
    return found


class _CountedPaginator(Paginator):
    """A paginator told its count (the page's tabs counted it already, in the same query)."""

    def __init__(self, object_list: QuerySet[MailItem], per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached property


def inbox_page(
    *, user: User, view: str = "inbox", page: int | str = 1, total: int | None = None
) -> tuple[Page, list[Row]]:
    """A page of one list; `total`, the list's length if the caller counted it already."""
    services.ensure_may_use(user)
    _, filters = VIEWS.get(view, VIEWS["inbox"])
    listed = _items().filter(**filters)
    paginator = (
        Paginator(listed, PER_PAGE) if total is None else _CountedPaginator(listed, PER_PAGE, total)
    )
    current = paginator.get_page(page)
    items = list(current.object_list)
    suggestions = suggestions_for(items, user=user)
    services.record_items_listed(items=items, user=user, via=f"inbox {view}")
    return current, [Row(item, suggestions[item.pk]) for item in items]


def item_get(*, user: User, pk: int) -> MailItem:
    services.ensure_may_use(user)
    item = _items().filter(pk=pk).first()
    if item is None:
        raise AccessDenied("There is no e-mail with that number.")
    return item


# The lists that grow with the mailbox's history are counted, and paged, to this many: what
# a page costs follows the work in front of the team, not every e-mail ever received.
LISTED_AT_MOST = 1000
HISTORY_VIEWS = ("set-aside", "done")


def counts() -> dict[str, int]:
    """How many items each list holds; the inbox exactly (a range of its index), the lists
    of the history to `LISTED_AT_MOST` + 1 (more than that is shown as "1,000+")."""
    found = {}
    for name, (_, filters) in VIEWS.items():
        items = MailItem.objects.filter(**filters)
        if name in HISTORY_VIEWS:
            items = items.order_by()[: LISTED_AT_MOST + 1]
        found[name] = items.count()
    return found
