"""The Now board: on call per roster, next handoffs, open requests; refreshed in place."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from dispatcher.clock import ManualClock
from dispatcher.flows.models import Need, Page, Request
from dispatcher.rosters.models import (
    Agency,
    Partner,
    Person,
)
from tests.support.admin import Store, Visitor
from tests.support.rosters import daily_roster, new_person

# The clock stands at Tue 10 Mar 2026 12:00 UTC = 07:00 in Chicago (CDT).


@pytest.fixture
def night(store: Store, clock: ManualClock) -> None:
    """A daily roster (Ana, then Ben at 08:00) and one open request paging Ana then Ben."""
    with store.scope() as session:
        ana, ben = new_person("Ana", "+12625550101"), new_person("Ben", "+12625550102")
        agency = Agency(name="Racine PD", kind="police", enrollment_code="RPD-1")
        session.add(agency)
        roster = daily_roster(session, ana, ben)
        opened = clock.now() - timedelta(minutes=12)
        request = Request(
            code="K7Q4",
            agency_id=agency.id,
            opened_at=opened,
            last_activity_at=opened,
            tags=["lang:es"],
        )
        need = Need(
            kind="advocate",
            roster_id=roster.id,
            state="paging",
            policy={"steps": [{"notify": "on-call", "wait": 300, "person": None}] * 3, "repeat": 1},
            step_index=1,
            depth=2,
        )
        need.pages = [
            Page(person_id=ana.id, step_index=0, state="declined", paged_at=opened),
            Page(
                person_id=ben.id, step_index=1, state="open", paged_at=opened + timedelta(minutes=5)
            ),
        ]
        request.needs.append(need)
        session.add(request)


def test_the_board_shows_who_is_on_call_and_the_next_handoff(
    coordinator: Visitor, night: None
) -> None:
    page = coordinator.text("/admin/")
    assert page.index("On call now") < page.index("Open requests")  # the night view's order
    assert (
        '<strong>Ana</strong> <span class="contact-links">'
        '<a class="button-link" href="tel:+12625550101">Call Ana</a> '
        '<a class="button-link" href="sms:+12625550101">Text Ana</a>'
    ) in page
    assert "tel:+12625550102" not in page  # Ben is only next
    assert "Tue 10 Mar 2026, 08:00 CDT: Ben" in page
    assert "Wed 11 Mar 2026, 08:00" not in page  # beyond the next 24 hours


def test_the_board_shows_open_requests_with_their_escalation(
    coordinator: Visitor, night: None
) -> None:
    page = coordinator.text("/admin/")
    assert "K7Q4" in page and "Racine PD" in page and "Spanish" in page
    assert "12 min ago" in page
    assert "Step 2 of 3, round 1; deepest step reached 2." in page
    assert 'Ana <span class="muted">(declined, 12 min ago)</span>' in page
    assert 'Ben <span class="muted">(open, 7 min ago)</span>' in page
    requests = page[page.index('id="requests-heading"') :]
    assert "+1262555" not in requests and "555-01" not in requests  # no numbers on requests


def test_the_fragment_is_the_board_alone_and_the_page_loads_the_script(
    coordinator: Visitor, night: None
) -> None:
    page = coordinator.text("/admin/")
    assert 'data-refresh-url="/admin/now/board"' in page
    assert 'src="/admin/static/admin/refresh.js"' in page
    assert '<meta http-equiv="refresh"' in page  # inside <noscript>
    fragment = coordinator.text("/admin/now/board")
    assert "<html" not in fragment and "K7Q4" in fragment


def test_refreshing_the_board_does_not_keep_a_session_alive(
    app: Flask, coordinator: Visitor, clock: ManualClock
) -> None:
    idle = app.extensions["dispatcher"].settings.session_idle
    for _ in range(4):
        clock.advance(idle / 3)
        coordinator.get("/admin/now/board")
        coordinator.get("/admin/?auto=1")
    response = coordinator.get("/admin/now/board")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")


def test_with_no_rosters_and_no_requests_the_board_says_so(coordinator: Visitor) -> None:
    page = coordinator.text("/admin/")
    assert "No open requests." in page and "No rosters yet." in page


def test_the_page_lists_the_gaps_of_the_next_week(
    coordinator: Visitor, night: None, store: Store, clock: ManualClock
) -> None:
    assert "Every roster is covered for the next 7 days." in coordinator.text("/admin/")
    with store.scope() as session:
        ben = session.query(Person).filter_by(name="Ben").one()
        ben.away_until = clock.now() + timedelta(days=2)  # Thu 07:00: his Tue shift is lost
    page = coordinator.text("/admin/")
    assert "Gaps in the next 7 days" in page
    assert "Tue 10 Mar 2026, 08:00 CDT-Wed 11 Mar 2026, 08:00 CDT</span> uncovered" in page


def test_unfilled_requests_come_first_each_saying_when_its_next_step_fires(
    store: Store, coordinator: Visitor, night: None, clock: ManualClock
) -> None:
    with store.scope() as session:
        need = session.query(Need).one()
        need.next_action_at = clock.now() + timedelta(minutes=3)  # 07:03 in Chicago
        filled = Request(
            code="M2P8",
            agency_id=session.query(Agency).one().id,
            opened_at=clock.now() - timedelta(hours=1),  # older than K7Q4
            last_activity_at=clock.now(),
            tags=[],
        )
        filled.needs.append(
            Need(kind="advocate", state="accepted", policy={"steps": []}, step_index=0, depth=1)
        )
        session.add(filled)
    page = coordinator.text("/admin/")
    assert page.index("K7Q4") < page.index("M2P8")  # unfilled first, though newer
    assert "Next step at 07:03 (in 3 min)." in page
    assert '<article class="card unfilled" data-code="K7Q4"' in page
    assert '<article class="card" data-code="M2P8"' in page


def test_the_board_keeps_focus_and_announces_through_a_live_region(
    coordinator: Visitor, night: None
) -> None:
    page = coordinator.text("/admin/")
    assert '<p id="board-news" class="visually-hidden" role="status" aria-live="polite">' in page
    assert page.index('id="board-news"') < page.index('id="board"')  # never swapped out


def test_the_board_says_which_partner_holds_a_need_and_what_a_ride_requires(
    coordinator: Visitor, night: None, store: Store
) -> None:
    with store.scope() as session:
        desk = Person(name="Harbor desk", phone="+12625550121", languages=[], skills=[])
        inn = Partner(name="Harbor Inn", need="room", pledge=4, features=[], contacts=[desk])
        session.add_all([desk, inn])
        session.flush()
        request = session.scalars(select(Request)).one()
        room = Need(kind="room", state="accepted", policy={"steps": []}, accepted_by_id=desk.id)
        ride = Need(kind="ride", state="paging", policy={"steps": []}, requires=["carseat"])
        request.needs.extend([room, ride])
    page = coordinator.text("/admin/")
    assert "by Harbor desk for Harbor Inn" in page
    assert "(needs carseat)" in page
    assert "5 Dock" not in page
