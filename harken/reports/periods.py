"""Report periods: any dates, the presets councils report on, their quarters, and last year.

Financial years run April to March. A period is split into the financial quarters it covers
(April-June, July-September, October-December, January-March), clipped to the period's dates,
so a custom period from 15 May gives a first column "Q1 (15 May-30 Jun 2023)".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from harken.core.dates import format_date, today

# Longest period a report covers: two years (more quarters than that stop fitting a page).
MAX_DAYS = 731
EARLIEST = dt.date(2000, 1, 1)
# The latest end: far enough ahead for any plan, short of the calendar's end (a report's
# quarters and last year's comparison must still be dates).
LATEST = dt.date(2199, 12, 31)

QUARTER_NAMES = {1: "Q1", 2: "Q2", 3: "Q3", 4: "Q4"}
DASH = "\u2013"  # an en dash, as in "Apr-Jun"


class PeriodError(ValueError):
    """Dates that do not make a report period; the message says why."""


def financial_year_of(day: dt.date) -> int:
    """The year a financial year starts in: 2023 for 1 April 2023 to 31 March 2024."""
    return day.year if day.month >= 4 else day.year - 1


def financial_quarter_of(day: dt.date) -> int:
    return ((day.month - 4) % 12) // 3 + 1


def _quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = ((day.month - 1) // 3) * 3 + 1
    start = dt.date(day.year, first_month, 1)
    end = start + relativedelta(months=3, days=-1)
    return start, end


def _month_span(start: dt.date, end: dt.date) -> str:
    if start.year == end.year:
        return f"{start:%b}\u2013{end:%b %Y}"
    return f"{start:%b %Y}\u2013{end:%b %Y}"


@dataclass(frozen=True)
class Segment:
    """One column of a quarterly table: a financial quarter, or the part of it in the period."""

    id: str
    start: dt.date
    end: dt.date
    label: str


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str = ""
    # A period someone chose is held to the limits; one worked out from it (last year's, for
    # the comparison) is not: the year before 2000 or a 730-day period that spans a
    # 29 February is still a valid comparison, and must never stop the report.
    chosen: bool = field(default=True, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError("The end date must be the same as or after the start date.")
        if self.chosen:
            self._check_limits()
        if not self.label:
            object.__setattr__(self, "label", describe(self.start, self.end))

    def _check_limits(self) -> None:
        if self.start < EARLIEST:
            raise PeriodError(f"The start date must be on or after {format_date(EARLIEST)}.")
        if self.end > LATEST:
            raise PeriodError(f"The end date must be on or before {format_date(LATEST)}.")
        if (self.end - self.start).days >= MAX_DAYS:
            raise PeriodError("A report can cover two years at most.")

    @property
    def dates_label(self) -> str:
        return f"{format_date(self.start)} to {format_date(self.end)}"

    def quarters(self) -> list[Segment]:
        """The financial quarters the period covers, each clipped to the period."""
        segments: list[Segment] = []
        cursor = self.start
        many_years = financial_year_of(self.start) != financial_year_of(self.end)
        while cursor <= self.end:
            q_start, q_end = _quarter_bounds(cursor)
            start, end = max(q_start, self.start), min(q_end, self.end)
            name = QUARTER_NAMES[financial_quarter_of(start)]
            if many_years:
                fy = financial_year_of(start)
                name = f"{name} {fy}/{(fy + 1) % 100:02d}"
            if (start, end) == (q_start, q_end):
                span = _month_span(start, end)
            else:
                span = (
                    f"{start.day} {start:%b}\u2013{end.day} {end:%b %Y}"
                    if start.year == end.year
                    else f"{start.day} {start:%b %Y}\u2013{end.day} {end:%b %Y}"
                )
            segments.append(Segment(f"q{len(segments) + 1}", start, end, f"{name} ({span})"))
            cursor = end + dt.timedelta(days=1)
        return segments

    def previous_year(self) -> Period:
        """The same dates a year earlier (29 February becomes 28 February)."""
        start = self.start - relativedelta(years=1)
        end = self.end - relativedelta(years=1)
        return Period(start, end, describe(start, end), chosen=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "label": self.label,
        }


def describe(start: dt.date, end: dt.date) -> str:
    """A period's name: a preset's name where the dates are one, else the dates."""
    for preset in _presets_around(start):
        if (preset.start, preset.end) == (start, end):
            return preset.label
    return f"{format_date(start)} to {format_date(end)}"


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    start: dt.date
    end: dt.date

    @property
    def period(self) -> Period:
        return Period(self.start, self.end, self.label)


def _fy_label(fy: int) -> str:
    return f"{fy}/{(fy + 1) % 100:02d}"


def presets_for_financial_year(fy: int) -> list[Preset]:
    """The financial year, its halves and its quarters."""
    start = dt.date(fy, 4, 1)
    fy_name = _fy_label(fy)
    items = [
        Preset(
            f"fy-{fy}",
            f"Financial year {fy_name} (April {fy} to March {fy + 1})",
            start,
            dt.date(fy + 1, 3, 31),
        ),
        Preset(
            f"h1-{fy}",
            f"{fy_name} first half (April to September {fy})",
            start,
            dt.date(fy, 9, 30),
        ),
        Preset(
            f"h2-{fy}",
            f"{fy_name} second half (October {fy} to March {fy + 1})",
            dt.date(fy, 10, 1),
            dt.date(fy + 1, 3, 31),
        ),
    ]
    for number in range(1, 5):
        q_start = start + relativedelta(months=3 * (number - 1))
        q_end = q_start + relativedelta(months=3, days=-1)
        items.append(
            Preset(
                f"q{number}-{fy}",
                f"{fy_name} Q{number} ({_month_span(q_start, q_end).replace(DASH, ' to ')})",
                q_start,
                q_end,
            )
        )
    return items


def calendar_year_preset(year: int) -> Preset:
    return Preset(f"cy-{year}", f"Calendar year {year}", dt.date(year, 1, 1), dt.date(year, 12, 31))


def _presets_around(day: dt.date) -> list[Preset]:
    fy = financial_year_of(day)
    return [
        *presets_for_financial_year(fy),
        *presets_for_financial_year(fy - 1),
        calendar_year_preset(day.year),
    ]


PRESET_KEY = re.compile(r"^(fy|h1|h2|q1|q2|q3|q4|cy)-(\d{4})$")


def preset(key: str) -> Preset:
    """The preset named `key` ("fy-2023", "h1-2023", "q2-2023", "cy-2023")."""
    match = PRESET_KEY.match(key or "")
    if not match:
        raise PeriodError(f"There is no standard period called '{key}'.")
    kind, year = match.group(1), int(match.group(2))
    if kind == "cy":
        return calendar_year_preset(year)
    for item in presets_for_financial_year(year):
        if item.key == key:
            return item
    raise PeriodError(f"There is no standard period called '{key}'.")  # pragma: no cover


def recent_presets(on: dt.date | None = None, years: int = 3) -> list[Preset]:
    """The presets a report page offers: periods that have started, most recent first."""
    on = on or today()
    fy = financial_year_of(on)
    items: list[Preset] = []
    for year in range(fy, fy - years, -1):
        items.extend(p for p in presets_for_financial_year(year) if p.start <= on)
    for year in range(on.year, on.year - years, -1):
        items.append(calendar_year_preset(year))
    return items
