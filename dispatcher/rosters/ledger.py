"""The partners' ledger read back: per partner per month pledged, used, declined and
unanswered, and the in-kind value of what was used.

Counts per month only (``rosters.partners`` writes them), nothing per request. A month
nobody paged a partner has no row and reads as zeros with the partner's pledge of today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.rosters.models import Partner, PartnerMonth


@dataclass(frozen=True)
class LedgerLine:
    """One partner's month. ``value`` is ``used`` times the partner's unit value (None when
    it has none)."""

    partner_id: int
    partner: str
    need: str
    month: date
    pledged: int
    used: int
    accepted: int
    declined: int
    unanswered: int
    unit_value: int | None

    @property
    def value(self) -> int | None:
        """The in-kind value of the month's use, in whole dollars."""
        return None if self.unit_value is None else self.used * self.unit_value


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from ``first``'s to ``last``'s, both included."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def ledger_lines(session: Session, first: date, last: date) -> list[LedgerLine]:
    """Every partner's months from ``first`` to ``last`` (months), by partner name then month."""
    months = months_between(first, last)
    if not months:
        return []
    partners = list(session.scalars(select(Partner).order_by(Partner.name)))
    query = select(PartnerMonth).where(
        PartnerMonth.month >= months[0], PartnerMonth.month <= months[-1]
    )
    rows = {(r.partner_id, r.month): r for r in session.scalars(query)}
    lines = []
    for partner in partners:
        for month in months:
            row = rows.get((partner.id, month))
            lines.append(
                LedgerLine(
                    partner_id=partner.id,
                    partner=partner.name,
                    need=partner.need,
                    month=month,
                    pledged=row.pledged if row else partner.pledge,
                    used=row.used if row else 0,
                    accepted=row.accepted if row else 0,
                    declined=row.declined if row else 0,
                    unanswered=row.unanswered if row else 0,
                    unit_value=partner.unit_value,
                )
            )
    return lines


def quarter_of(day: date) -> tuple[date, date, str]:
    """The first and last months of the quarter holding ``day``, and its label ``2026-Q1``."""
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    end = date(day.year, start.month + 2, 1)
    return start, end, f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def totals(session: Session, partner: Partner, first: date, last: date) -> tuple[int, int]:
    """What ``partner`` gave from month ``first`` to month ``last``: (accepted, units)."""
    query = select(PartnerMonth).where(
        PartnerMonth.partner_id == partner.id,
        PartnerMonth.month >= first,
        PartnerMonth.month <= last,
    )
    rows = list(session.scalars(query))
    return sum(r.accepted for r in rows), sum(r.used for r in rows)
