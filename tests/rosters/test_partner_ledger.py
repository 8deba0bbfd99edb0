"""The pure parts of partners and their ledger: months, quarters, alert levels, nights."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from dispatcher.flows.models import Need
from dispatcher.flows.pledges import nights_of
from dispatcher.rosters.ledger import LedgerLine, months_between, quarter_of
from dispatcher.rosters.models import PartnerMonth
from dispatcher.rosters.partners import alert_level, month_of

CHICAGO = ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    ("instant", "month"),
    [
        (datetime(2026, 4, 1, 4, 59, tzinfo=UTC), date(2026, 3, 1)),  # 23:59 on 31 March
        (datetime(2026, 4, 1, 5, 0, tzinfo=UTC), date(2026, 4, 1)),
        (datetime(2027, 1, 1, 5, 59, tzinfo=UTC), date(2026, 12, 1)),
    ],
)
def test_a_month_is_the_services_calendar_month(instant: datetime, month: date) -> None:
    assert month_of(instant, CHICAGO) == month


@pytest.mark.parametrize(
    ("pledged", "used", "level"),
    [(0, 9, 0), (4, 3, 0), (5, 4, 80), (4, 4, 100), (4, 6, 100), (10, 8, 80), (10, 7, 0)],
)
def test_alerts_at_eighty_and_a_hundred_percent(pledged: int, used: int, level: int) -> None:
    row = PartnerMonth(pledged=pledged, used=used)
    assert alert_level(row) == level


@pytest.mark.parametrize(
    ("kind", "asked", "nights"),
    [("room", None, 1), ("room", 3, 3), ("room", 0, 1), ("room", 31, 1), ("ride", 3, 1)],
)
def test_nights_count_for_a_room_only(kind: str, asked: int | None, nights: int) -> None:
    assert nights_of(Need(kind=kind), asked) == nights


def test_months_and_quarters() -> None:
    assert months_between(date(2025, 11, 20), date(2026, 2, 1)) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)
    ]  # fmt: skip
    assert months_between(date(2026, 3, 1), date(2026, 2, 1)) == []
    assert quarter_of(date(2026, 5, 31)) == (date(2026, 4, 1), date(2026, 6, 1), "2026-Q2")
    assert quarter_of(date(2026, 12, 1))[2] == "2026-Q4"


def test_the_in_kind_value_needs_a_unit_value() -> None:
    line = LedgerLine(1, "Harborview Inn", "room", date(2026, 3, 1), 4, 3, 2, 0, 1, 89)
    assert line.value == 267
    assert LedgerLine(1, "Cabs", "ride", date(2026, 3, 1), 0, 3, 3, 0, 0, None).value is None
