"""A roster's month calendar and "who is on call on <date>", from its on-call periods.

Pure: the periods come from ``rosters.service.shifts`` (the code behind ``dispatcher
shifts``), are cut into local days by ``admin.timeline.build_days`` and laid out here in
weeks from Monday to Sunday. Days outside the month are blanks (None).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dispatcher.admin.timeline import Day


@dataclass(frozen=True)
class Month:
    """A month's calendar: weeks of seven days (None outside the month), and its neighbours."""

    first: date
    weeks: list[list[Day | None]]
    previous: date
    following: date

    @property
    def label(self) -> str:
        """``March 2026``."""
        return self.first.strftime("%B %Y")


YEARS = range(1970, 2201)  # what the pages accept; beyond it the day asked is ignored


def month_of(text: str, default: date) -> date:
    """The first day of the month ``YYYY-MM`` in ``text``, else of ``default``'s month."""
    try:
        year, month = (int(part) for part in text.split("-"))
        if year in YEARS:
            return date(year, month, 1)
    except ValueError:
        pass
    return default.replace(day=1)


def day_of(text: str, default: date) -> date:
    """The day ``YYYY-MM-DD`` in ``text``, else ``default``."""
    try:
        found = date.fromisoformat(text)
    except ValueError:
        return default
    return found if found.year in YEARS else default


def days_in(first: date) -> int:
    """How many days the month starting ``first`` has."""
    return calendar.monthrange(first.year, first.month)[1]


def month_grid(first: date, days: Sequence[Day]) -> Month:
    """Lay out ``days`` (every day of the month starting ``first``, in order) in weeks."""
    assert len(days) == days_in(first), "one Day per day of the month"
    cells: list[Day | None] = [None] * first.weekday() + list(days)
    cells += [None] * (-len(cells) % 7)
    weeks = [cells[i : i + 7] for i in range(0, len(cells), 7)]
    previous = (first.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = first.replace(day=days_in(first)) + timedelta(days=1)
    return Month(first, weeks, previous, following)
