"""The coalition report: a quarter or a year on one printable page, every count rounded and
small cells hidden (coordinators too), nights covered, partners' rooms and rides, drills."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dispatcher.admin.stats import InKind, coalition_measures, funder_cells
from dispatcher.flows.models import Drill
from dispatcher.flows.stats import Figures, NeedCounts, Period, nights_covered, period_of
from dispatcher.rosters.models import Partner, PartnerMonth, Roster
from tests.admin.calllog_rows import Seeded
from tests.admin.test_stats import PHONE, SVG, seeded  # noqa: F401  (fixture)
from tests.support.admin import Store, Visitor

ROW = re.compile(r'<tr><th scope="row">(.*?)</th><td class="number">(.*?)</td>')
CHICAGO = ZoneInfo("America/Chicago")


def test_a_year_is_a_period_of_twelve_months() -> None:
    year = period_of("year", date(2026, 8, 14))
    assert (year.first, year.after, year.key, year.label) == (
        date(2026, 1, 1), date(2027, 1, 1), "2026", "2026",
    )  # fmt: skip
    assert year.previous() == Period("year", date(2025, 1, 1))
    assert period_of("quarter", date(2026, 8, 14)).key == "2026-Q3"


def test_a_night_is_covered_only_when_someone_is_on_call_all_of_it() -> None:
    march = Period("month", date(2026, 3, 1))
    now = datetime(2026, 3, 4, 12, tzinfo=UTC)  # nights of 1, 2 and 3 March are over

    def local(day: int, hour: int) -> datetime:
        return datetime(2026, 3, day, hour, tzinfo=CHICAGO).astimezone(UTC)

    shifts = [
        (local(1, 20), local(2, 8)),  # all of the first night
        (local(2, 22), local(3, 2)),  # half of the second, then the rest by another
        (local(3, 2), local(3, 6)),
        (local(3, 23), local(4, 6)),  # the third from 23:00 only
    ]
    assert nights_covered(shifts, march, CHICAGO, now) == (2, 3)
    assert nights_covered([], march, CHICAGO, now) == (0, 3)


def figures(filled: int, unfilled: int, rooms: tuple[int, int]) -> Figures:
    """Figures with advocate needs and room needs as given."""
    return Figures(
        requests=filled + unfilled,
        night=0,
        needs=(
            NeedCounts("advocate", filled, unfilled),
            NeedCounts("room", *rooms),
            NeedCounts("ride", 0, 0),
        ),
        accept_buckets=(filled, 0, 0, 0, 0),
        active_advocates=3,
    )


def test_every_count_is_rounded_and_a_small_one_cannot_be_read() -> None:
    cells = {
        c.measure: c.value
        for c in funder_cells(
            coalition_measures(figures(23, 6, (7, 2)), (80, 90), (9, 10), InKind(12, 2, 1128))
        )
    }
    assert cells["Requests"] == "30"
    assert cells["Fill rate"] == "75"  # needs: 30 filled of 38, rounded 30 of 40
    assert cells["Partners' room-nights given"] == "10"
    assert cells["Partners' rides given"] == "fewer than 5"
    # 12 nights at $89 and 2 rides at $30: the value would give the 2 rides away
    assert cells["Partners' in-kind value (dollars)"] == "suppressed"
    plenty = InKind(12, 5, 1218)
    shown = {c.measure: c.value for c in funder_cells(coalition_measures(
        figures(23, 6, (7, 2)), (80, 90), (9, 10), plenty
    ))}  # fmt: skip
    assert shown["Partners' in-kind value (dollars)"] == "1218"
    assert cells["Drills run"] == "10"
    assert cells["Drills passed"] == "suppressed"  # 1 missed could be worked out
    assert cells["Share of drills passed"] == "suppressed"
    assert cells["Nights fully covered (22:00-06:00)"] == "80"  # the schedule: exact
    assert not any(name.startswith("Debrief") for name in cells)  # no service breakdown
    all_passed = {
        c.measure: c.value
        for c in funder_cells(coalition_measures(figures(3, 0, (0, 0)), (0, 0), (6, 6)))
    }
    assert all_passed["Requests"] == "fewer than 5"
    assert all_passed["Drills passed"] == "5" and all_passed["Share of drills passed"] == "100"


def test_the_page_shows_the_quarter_rounded_even_to_a_coordinator(
    coordinator: Visitor,
    seeded: Seeded,  # noqa: F811
    store: Store,
) -> None:
    with store.scope() as session:
        inn = Partner(name="Harborview Inn", need="room", unit_value=89)
        cab = Partner(name="Kenosha Cab", need="ride", unit_value=30)
        session.add_all([inn, cab])
        session.flush()
        session.add_all(
            [
                PartnerMonth(partner_id=inn.id, month=date(2026, 1, 1), used=7),
                PartnerMonth(partner_id=inn.id, month=date(2026, 3, 1), used=6),
                PartnerMonth(partner_id=cab.id, month=date(2026, 2, 1), used=2),
                PartnerMonth(partner_id=inn.id, month=date(2026, 4, 1), used=9),  # Q2
            ]
        )
        roster = session.scalars(select(Roster).where(Roster.name == "Advocates")).one()
        for n in range(7):
            started = datetime(2026, 2, 1 + n, 3, tzinfo=UTC)
            session.add(
                Drill(
                    roster_id=roster.id,
                    state="passed" if n else "missed",
                    created_at=started,
                    window_end=started,
                    started_at=started,
                    ended_at=started + timedelta(minutes=3),
                    seconds_to_accept=180 if n else None,
                    depth=1,
                    steps=[],
                )
            )
    page = coordinator.text("/admin/reports/coalition?by=quarter&month=2026-03")
    assert "Coalition report, Q1 2026" in page and "The period is not over" in page
    rows = dict(ROW.findall(page))
    assert rows["Requests"] == "10" and rows["Fill rate"] == "50%"
    assert rows["Median time to accept"] == "suppressed"  # fewer than 5 accepted
    assert rows["Partners&#39; room-nights given"] == "15"  # 7 + 6 from the ledger
    assert rows["Partners&#39; in-kind value (dollars)"] == "suppressed"  # 2 rides
    assert rows["Drills run"] == "5" and rows["Drills passed"] == "suppressed"
    # nightly 20:00-08:00 from 2 February: 36 nights over by 10 March 07:00, of 68
    assert rows["Nights fully covered (22:00-06:00)"] == "36"
    assert rows["Nights in the period (ended)"] == "68"
    assert len(SVG.findall(page)) == 2 and "<script" not in page.split("</header>")[1]
    assert not PHONE.search(page.split("</header>")[1])
    assert "Debrief" not in page


def test_viewers_may_read_it_and_a_bad_period_falls_back(viewer: Visitor) -> None:
    page = viewer.text("/admin/reports/coalition?by=week&month=2026-03")
    assert "not a quarter or a year" in page and "Coalition report, Q4 2025" in page
    assert "Coalition report, 2025" in viewer.text("/admin/reports/coalition?by=year")
