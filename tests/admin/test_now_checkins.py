"""The Now board's safety check-ins: who is out, what is last known, who is late."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatcher.clock import ManualClock
from dispatcher.flows.models import CheckIn, Need, Request
from dispatcher.rosters.models import Person
from tests.support.admin import Store, Visitor

# The clock stands at Tue 10 Mar 2026 12:00 UTC = 07:00 in Chicago (CDT).


@pytest.fixture
def out(store: Store, clock: ManualClock) -> None:
    """Ana checked in on K7Q4 at 06:40 (next due 07:25); Ben missed his on M3P9."""
    now = clock.now()
    with store.scope() as session:
        ana = Person(name="Ana", phone="+12625550101", languages=[], skills=[])
        ben = Person(name="Ben", phone="+12625550102", languages=[], skills=[])
        session.add_all([ana, ben])
        session.flush()
        for code, person, state, count, last, due in (
            ("K7Q4", ana, "arrived", 1, now - timedelta(minutes=20), now + timedelta(minutes=25)),
            ("M3P9", ben, "overdue", 0, now - timedelta(minutes=55), None),
        ):
            request = Request(code=code, opened_at=now - timedelta(hours=1), last_activity_at=now)
            need = Need(kind="advocate", state="accepted", accepted_by_id=person.id)
            need.checkin = CheckIn(
                person_id=person.id,
                interval_seconds=2700,
                state=state,
                started_at=now - timedelta(hours=1),
                last_at=last,
                due_at=due,
                count=count,
            )
            request.needs.append(need)
            session.add(request)


def test_the_board_lists_who_is_out_the_late_first(coordinator: Visitor, out: None) -> None:
    page = coordinator.text("/admin/now/board").split("Safety check-ins (2)")[1]
    assert page.index("M3P9") < page.index("K7Q4")  # the late one first
    assert "missed: coordinators told" in page and "accepted, not yet arrived" in page
    assert "06:40, 20 min ago" in page and "07:25" in page
    assert "+1262555" not in page and "555-01" not in page


def test_with_nobody_out_the_board_says_so(coordinator: Visitor) -> None:
    assert "Nobody is out on a request." in coordinator.text("/admin/now/board")
