"""Working days (reg 2 of the 2006 Regulations) and calendar-month deadlines.

A working day is any day but Saturday, Sunday, Christmas Day, Boxing Day, Good Friday and a
bank holiday of the part of the UK the council is in (`settings.HARKEN_UK_PART`: ENG or WLS for
England and Wales, SCT, NIR). In "N working days after D", day 1 is the first working day
after D.

A council's own closure days (`ClosureDay` rows) are not in reg 2's list: for a statutory
deadline, a subject access request (the ICO's calendar month) and the timeliness figures they
are working days, and every function here counts them so by default. Only the team's own
targets and a non-statutory procedure whose definition says so skip them
(`skip_closure_days=True`). Either way a deadline's explanation names the closure days it
counted or skipped.

Caseload pages work out thousands of deadlines, so nothing here walks day by day or queries
per call: bank holidays are cached per (part, year), closure days are loaded by one cached
query (and not at all where only bank holidays count and nothing is explained), and counting
uses weekday arithmetic plus a binary search over the sorted non-working weekdays of each year.
"""

from __future__ import annotations

import datetime as dt
import time
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Final, Literal

import holidays
from dateutil.easter import easter
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from harken.core.dates import format_date, today

__all__ = [
    "CALENDAR_DAYS",
    "CALENDAR_MONTHS",
    "UK_PARTS",
    "WORKING_DAYS",
    "Deadline",
    "Unit",
    "add_calendar_months",
    "add_working_days",
    "calendar_day_deadline",
    "calendar_month_deadline",
    "clear_cache",
    "closure_reason",
    "is_working_day",
    "non_working_reason",
    "override_closure_days",
    "uk_part",
    "working_day_deadline",
    "working_days_between",
]

UK_PARTS: Final = ("ENG", "SCT", "NIR")
Unit = Literal["working days", "calendar months", "days"]
WORKING_DAYS: Final = "working days"
CALENDAR_MONTHS: Final = "calendar months"
# Calendar days ("the period of 30 days beginning when the complaint is received", s164A(3)
# Data Protection Act 2018), shown as plain "days".
CALENDAR_DAYS: Final = "days"
# Signals clear the cache in the process that changed a closure day; other processes (the
# other web workers, the task worker) pick the change up within this time.
CLOSURE_CACHE_SECONDS: Final = 60.0

_WEEKEND_NAMES: Final = ("Saturday", "Sunday")
_SUFFIXES: Final = {1: "st", 2: "nd", 3: "rd"}


# England and Wales share one list of bank holidays (reg 2): either name means it.
_PART_ALIASES: Final = {"WLS": "ENG"}


def part_problem(value: object) -> str | None:
    """What is wrong with a HARKEN_UK_PART value, in one sentence (None: nothing)."""
    part = str(value).strip().upper()
    if _PART_ALIASES.get(part, part) in UK_PARTS:
        return None
    return (
        "HARKEN_UK_PART must be ENG (England and Wales; WLS also means England and Wales), "
        f"SCT or NIR, not {value!r}."
    )


def uk_part() -> str:
    """The configured part of the UK, read on every call so `override_settings` works."""
    value = getattr(settings, "HARKEN_UK_PART", "ENG")
    problem = part_problem(value)
    if problem:
        raise ImproperlyConfigured(problem)
    part = str(value).strip().upper()
    return _PART_ALIASES.get(part, part)


# --- Bank holidays --------------------------------------------------------------------------


def _tidy_name(name: str) -> str:
    """ "Spring Bank Holiday (observed)" -> "Spring bank holiday (substitute day)"."""
    names = []
    for one in name.split("; "):
        if "Bank Holiday" in one:
            one = one[0] + one[1:].lower()
        names.append(one.replace("(observed)", "(substitute day)"))
    return " and ".join(names)


def warm_up() -> None:
    """Load the holiday tables a server will need (this year's and the next), at start-up."""
    year = today().year
    for one in (year, year + 1):
        _holidays(uk_part(), one)


@lru_cache(maxsize=512)
def _holidays(part: str, year: int) -> Mapping[dt.date, str]:
    """The named days off in `part` in `year`, weekends included.

    The days reg 2 names are added whatever the package says, so they hold in every part.
    """
    days = {
        day: _tidy_name(name)
        for day, name in holidays.country_holidays("GB", subdiv=part, years=year).items()
    }
    days[easter(year) - dt.timedelta(days=2)] = "Good Friday"
    days[dt.date(year, 12, 25)] = "Christmas Day"
    days[dt.date(year, 12, 26)] = "Boxing Day"
    return MappingProxyType(days)


# --- Closure days ---------------------------------------------------------------------------


@dataclass
class _Calendar:
    """Closure days as loaded, and the sorted non-working weekdays worked out from them."""

    closures: Mapping[dt.date, str]
    expires_at: float | None  # None: never (an override, or the bank holidays alone)
    blocked: dict[tuple[str, int], tuple[dt.date, ...]] = field(default_factory=dict)

    def blocked_weekdays(self, part: str, year: int) -> tuple[dt.date, ...]:
        """Mondays to Fridays of `year` that are not working days, in order."""
        found = self.blocked.get((part, year))
        if found is None:
            days = set(_holidays(part, year)) | {d for d in self.closures if d.year == year}
            found = tuple(sorted(d for d in days if d.weekday() < 5))
            self.blocked[(part, year)] = found
        return found

    def blocked_between(self, part: str, after: dt.date, upto: dt.date) -> list[dt.date]:
        """Non-working weekdays d with after < d <= upto."""
        found: list[dt.date] = []
        for year in range(after.year, upto.year + 1):
            days = self.blocked_weekdays(part, year)
            found.extend(days[bisect_right(days, after) : bisect_right(days, upto)])
        return found

    def count_blocked(self, part: str, after: dt.date, upto: dt.date) -> int:
        total = 0
        for year in range(after.year, upto.year + 1):
            days = self.blocked_weekdays(part, year)
            total += bisect_right(days, upto) - bisect_right(days, after)
        return total


# Reg 2's calendar: bank holidays and weekends only, never a query.
_BANK_HOLIDAYS_ONLY = _Calendar({}, expires_at=None)
_loaded: _Calendar | None = None
_override: _Calendar | None = None


def _load_closure_days() -> dict[dt.date, str]:
    """The one query: every closure day and its reason."""
    # Imported here: this module is imported by other apps' modules before apps are ready.
    from .models import ClosureDay

    return {day: reason for day, reason in ClosureDay.objects.values_list("date", "reason")}


def _calendar() -> _Calendar:
    """The calendar with the council's closure days."""
    global _loaded
    if _override is not None:
        return _override
    calendar = _loaded
    now = time.monotonic()
    if calendar is None or (calendar.expires_at is not None and now >= calendar.expires_at):
        calendar = _Calendar(_load_closure_days(), now + CLOSURE_CACHE_SECONDS)
        _loaded = calendar
    return calendar


def _counting(skip_closure_days: bool) -> _Calendar:
    """The calendar a count uses: with the closure days only where they are skipped."""
    return _calendar() if skip_closure_days else _BANK_HOLIDAYS_ONLY


def clear_cache() -> None:
    """Forget the cached closure days and bank holidays (signals call this on every change)."""
    global _loaded
    _loaded = None
    _BANK_HOLIDAYS_ONLY.blocked.clear()
    _holidays.cache_clear()


@contextmanager
def override_closure_days(
    days: Mapping[dt.date, str] | Iterable[dt.date] = (),
) -> Iterator[None]:
    """Use these closure days instead of the database's, e.g. in tests without a database.

    Not thread-safe: for tests and one-off scripts only.
    """
    global _override
    closures = dict(days) if isinstance(days, Mapping) else dict.fromkeys(days, "closure day")
    previous = _override
    _override = _Calendar(closures, expires_at=None)
    try:
        yield
    finally:
        _override = previous


# --- Single days ----------------------------------------------------------------------------


def is_working_day(d: dt.date, *, skip_closure_days: bool = False) -> bool:
    """Whether `d` is a working day in the configured part of the UK (a council closure day
    is one, unless `skip_closure_days`)."""
    if d.weekday() >= 5:
        return False
    if d in _holidays(uk_part(), d.year):
        return False
    return not (skip_closure_days and d in _calendar().closures)


def closure_reason(d: dt.date) -> str | None:
    """The reason the council is closed on `d`, if it is a closure day."""
    return _calendar().closures.get(d)


def non_working_reason(d: dt.date, *, skip_closure_days: bool = False) -> str | None:
    """Why `d` is not a working day ("Saturday", "Good Friday", and with `skip_closure_days`
    "Council closure: …"), or None.

    A named holiday wins over the weekend: 25 December 2021, a Saturday, is "Christmas Day".
    """
    calendar = _calendar() if skip_closure_days else _BANK_HOLIDAYS_ONLY
    return _reason(calendar, uk_part(), d)


def _reason(calendar: _Calendar, part: str, d: dt.date) -> str | None:
    name = _holidays(part, d.year).get(d)
    if name is not None:
        return name
    closure = calendar.closures.get(d)
    if closure is not None:
        return f"Council closure: {closure}"
    if d.weekday() >= 5:
        return _WEEKEND_NAMES[d.weekday() - 5]
    return None


# --- Counting -------------------------------------------------------------------------------


def _weekdays_upto(ordinal: int) -> int:
    """How many Mondays to Fridays there are in ordinals 1..ordinal (ordinal 1 was a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _nth_weekday(count: int) -> int:
    """The ordinal of the count-th Monday-to-Friday day (the inverse of `_weekdays_upto`)."""
    weeks, rest = divmod(count, 5)
    return weeks * 7 - 2 if rest == 0 else weeks * 7 + rest


def _add(calendar: _Calendar, part: str, start: dt.date, n: int) -> dt.date:
    if n < 0:
        raise ValueError(f"A number of working days cannot be negative (got {n}).")
    # Invariant: the working days in (start, current] number n - remaining. Each pass steps
    # over `remaining` weekdays; the non-working ones among them are made up on the next pass.
    current, remaining = start, n
    while remaining:
        reached = _weekdays_upto(current.toordinal()) + remaining
        candidate = dt.date.fromordinal(_nth_weekday(reached))
        remaining = calendar.count_blocked(part, current, candidate)
        current = candidate
    return current


def add_working_days(start: dt.date, n: int, *, skip_closure_days: bool = False) -> dt.date:
    """The n-th working day after `start` (day 1 is the first working day after it).

    n = 0 gives `start` itself, working day or not.
    """
    return _add(_counting(skip_closure_days), uk_part(), start, n)


def working_days_between(start: dt.date, end: dt.date, *, skip_closure_days: bool = False) -> int:
    """How many working days there are after `start` up to and including `end` (0 if none)."""
    if end <= start:
        return 0
    weekdays = _weekdays_upto(end.toordinal()) - _weekdays_upto(start.toordinal())
    return weekdays - _counting(skip_closure_days).count_blocked(uk_part(), start, end)


def _on_or_after(calendar: _Calendar, part: str, d: dt.date) -> dt.date:
    return _add(calendar, part, d - dt.timedelta(days=1), 1)


def add_calendar_months(start: dt.date, months: int, *, skip_closure_days: bool = False) -> dt.date:
    """The same date `months` later (the month's last day where there is none), moved on to
    the next working day if it is not one. For subject access requests."""
    if months < 0:
        raise ValueError(f"A number of months cannot be negative (got {months}).")
    return _on_or_after(
        _counting(skip_closure_days), uk_part(), start + relativedelta(months=months)
    )


# --- Deadlines with their reasons -----------------------------------------------------------


def _join(items: list[str]) -> str:
    """["a"] -> "a"; ["a", "b"] -> "a and b"; ["a", "b", "c"] -> "a, b and c"."""
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def format_dates(days: Iterable[dt.date]) -> str:
    """Dates in order, grouped by month: "25 and 26 December and 1 January".

    Years are left out (the sentence around names the start and due dates) unless the same
    month comes round twice, when every month carries its year.
    """
    ordered = sorted(days)
    with_years = len({(d.year, d.month) for d in ordered}) != len({d.month for d in ordered})
    groups: list[tuple[tuple[int, int], list[dt.date]]] = []
    for d in ordered:
        if groups and groups[-1][0] == (d.year, d.month):
            groups[-1][1].append(d)
        else:
            groups.append(((d.year, d.month), [d]))
    texts = []
    for _, group in groups:
        text = f"{_join([str(d.day) for d in group])} {group[0]:%B}"
        texts.append(f"{text} {group[0].year}" if with_years else text)
    return _join(texts)


def _ordinal(number: int) -> str:
    """29 -> "29th", 31 -> "31st"."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{_SUFFIXES.get(number % 10, 'th')}"


def _closure_note(days: tuple[dt.date, ...], *, skipped: bool) -> str:
    """What the deadline did with the council's closure days, as a clause."""
    one = len(days) == 1
    dates = format_dates(days)
    if skipped:
        return f" ({dates}: {'a council closure day' if one else 'council closure days'})"
    if one:
        return f"; {dates}, a council closure day, counts as a working day"
    return f"; {dates}, council closure days, count as working days"


@dataclass(frozen=True)
class Deadline:
    """A due date and everything needed to say how it was worked out.

    `skipped` holds the non-working weekdays that did not count (weekends are not listed):
    for working days, those between `start` and `due`; for calendar months, those the due
    date was moved past. `after` names the start in the explanation ("the acknowledgement on
    18 December 2023"); by default it is the start date. A calendar-month deadline that fell
    on a non-working day keeps that day in `moved_from` and the reason in `moved_because`.
    `closures` are the council's closure days in the same stretch: counted as working days
    unless `closures_skipped` (then they are in `skipped` too).
    """

    due: dt.date
    start: dt.date
    amount: int
    unit: Unit
    skipped: tuple[dt.date, ...] = ()
    after: str | None = None
    moved_from: dt.date | None = None
    moved_because: str | None = None
    closures: tuple[dt.date, ...] = ()
    closures_skipped: bool = False

    def explain(self) -> str:
        """One sentence, e.g. "Due 4 January 2024: 10 working days after 18 December 2023,
        not counting 25 and 26 December and 1 January." """
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        text = (
            f"Due {format_date(self.due)}: {self.amount} {unit} after "
            f"{self.after or format_date(self.start)}"
        )
        closures = _closure_note(self.closures, skipped=self.closures_skipped)
        if self.unit == WORKING_DAYS:
            if self.skipped:
                text += f", not counting {format_dates(self.skipped)}"
            return text + (closures if self.closures else "") + "."
        same_date = self.moved_from or self.due
        if self.unit == CALENDAR_MONTHS and same_date.day != self.start.day:
            text += f" ({same_date:%B} has no {_ordinal(self.start.day)})"
        if self.moved_from is not None:
            if self.moved_because in _WEEKEND_NAMES:
                moved_from = f"{self.moved_because} {format_date(self.moved_from)}"
            else:
                moved_from = f"{format_date(self.moved_from)} ({self.moved_because})"
            text += f", moved from {moved_from} to the next working day"
        # A skipped closure day is already the reason the date moved.
        counted = self.closures and not self.closures_skipped
        return text + (closures if counted else "") + "."


def _closures_in(part: str, after: dt.date, upto: dt.date) -> tuple[dt.date, ...]:
    """The council's closure days d with after < d <= upto that would otherwise be working
    days (not a weekend, not a bank holiday)."""
    closures = _calendar().closures
    return tuple(
        sorted(
            d
            for d in closures
            if after < d <= upto and d.weekday() < 5 and d not in _holidays(part, d.year)
        )
    )


def working_day_deadline(
    start: dt.date, n: int, *, after: str | None = None, skip_closure_days: bool = False
) -> Deadline:
    """The deadline `n` working days after `start`; `after` names the start in explanations.
    Council closure days count as working days unless `skip_closure_days`."""
    calendar, part = _counting(skip_closure_days), uk_part()
    due = _add(calendar, part, start, n)
    skipped = calendar.blocked_between(part, start, due)
    return Deadline(
        due=due,
        start=start,
        amount=n,
        unit=WORKING_DAYS,
        skipped=tuple(skipped),
        after=after,
        closures=_closures_in(part, start, due),
        closures_skipped=skip_closure_days,
    )


def calendar_month_deadline(
    start: dt.date, months: int, *, after: str | None = None, skip_closure_days: bool = False
) -> Deadline:
    """The deadline `months` calendar months after `start` (see `add_calendar_months`).
    A council closure day is a working day (the ICO's rule) unless `skip_closure_days`."""
    if months < 0:
        raise ValueError(f"A number of months cannot be negative (got {months}).")
    calendar, part = _counting(skip_closure_days), uk_part()
    same_date = start + relativedelta(months=months)
    due = _on_or_after(calendar, part, same_date)
    moved = due != same_date
    return Deadline(
        due=due,
        start=start,
        amount=months,
        unit=CALENDAR_MONTHS,
        skipped=tuple(calendar.blocked_between(part, same_date - dt.timedelta(days=1), due)),
        after=after,
        moved_from=same_date if moved else None,
        moved_because=_reason(calendar, part, same_date) if moved else None,
        closures=_closures_in(part, same_date - dt.timedelta(days=1), due),
        closures_skipped=skip_closure_days,
    )


def calendar_day_deadline(
    start: dt.date, n: int, *, after: str | None = None, skip_closure_days: bool = False
) -> Deadline:
    """The deadline `n` calendar days after `start` (day 1 is the day after it), moved on to
    the next working day if it is not one: the ICO's reading of a data-protection complaint's
    30 days. A council closure day is a working day unless `skip_closure_days`."""
    if n < 0:
        raise ValueError(f"A number of days cannot be negative (got {n}).")
    calendar, part = _counting(skip_closure_days), uk_part()
    last_day = start + dt.timedelta(days=n)
    due = _on_or_after(calendar, part, last_day)
    moved = due != last_day
    return Deadline(
        due=due,
        start=start,
        amount=n,
        unit=CALENDAR_DAYS,
        skipped=tuple(calendar.blocked_between(part, last_day - dt.timedelta(days=1), due)),
        after=after,
        moved_from=last_day if moved else None,
        moved_because=_reason(calendar, part, last_day) if moved else None,
        closures=_closures_in(part, last_day - dt.timedelta(days=1), due),
        closures_skipped=skip_closure_days,
    )
