"""The drills page: start a drill (confirmed first), list, cancel; the drill report.

Coordinators only, every change audited, on both databases.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.flows import members
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import Drill
from dispatcher.rosters.models import Person, Roster
from tests.night import ANA, load_coalition
from tests.support.admin import Store, Visitor


def advocates(store: Store) -> int:
    """The advocates roster's id, with the test coalition loaded."""
    load_coalition(store.database)
    return int(store.one(select(Roster.id).where(Roster.name == "advocates")))


def test_starting_a_drill_asks_first_then_plans_it_and_audits(
    coordinator: Visitor, store: Store
) -> None:
    roster = advocates(store)
    asked = coordinator.post("/admin/drills", {"roster": roster, "within": ""})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Start a drill of advocates?" in page
    assert 'name="confirm" value="yes"' in page
    assert store.all(select(Drill)) == []
    done = coordinator.post("/admin/drills", {"roster": roster, "within": "", "confirm": "yes"})
    assert done.status_code == 302
    drill = store.one(select(Drill))
    assert drill.state == "scheduled" and drill.due_at == drill.created_at
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "drill"))[-1]
    assert entry.action == "create" and entry.new == {"roster": "advocates", "window_minutes": 0}
    listed = coordinator.text("/admin/drills")
    assert "scheduled" in listed and "Cancel drill" in listed


def test_a_window_hides_the_instant_and_keeps_it_inside(coordinator: Visitor, store: Store) -> None:
    roster = advocates(store)
    response = coordinator.post(
        "/admin/drills", {"roster": roster, "within": "2h", "confirm": "yes"}
    )
    assert response.status_code == 302
    drill = store.one(select(Drill))
    assert drill.due_at is not None
    assert drill.created_at <= drill.due_at <= drill.created_at + timedelta(hours=2)
    assert drill.window_end == drill.created_at + timedelta(hours=2)


def test_a_bad_window_is_named_on_the_form(coordinator: Visitor, store: Store) -> None:
    roster = advocates(store)
    for within, said in (("soon", "At a random time within"), ("20d", "between 0 and 14 days")):
        response = coordinator.post(
            "/admin/drills", {"roster": roster, "within": within, "confirm": "yes"}
        )
        assert response.status_code == 200
        assert said in response.get_data(as_text=True)
    assert store.all(select(Drill)) == []


def test_cancel_is_audited_and_a_second_cancel_is_refused(
    coordinator: Visitor, store: Store
) -> None:
    roster = advocates(store)
    coordinator.post("/admin/drills", {"roster": roster, "within": "1h", "confirm": "yes"})
    drill = store.one(select(Drill))
    assert coordinator.post(f"/admin/drills/{drill.id}/cancel").status_code == 302
    assert store.get(Drill, drill.id).state == "cancelled"
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "drill"))[-1]
    assert entry.action == "cancel" and entry.new == {"state": "cancelled"}
    coordinator.post(f"/admin/drills/{drill.id}/cancel")
    assert "This drill is already over." in coordinator.text("/admin/drills")


def test_viewers_may_not_start_or_see_drills(viewer: Visitor, store: Store) -> None:
    roster = advocates(store)
    assert viewer.get("/admin/drills").status_code == 403
    assert viewer.get("/admin/drills/report").status_code == 403
    response = viewer.post("/admin/drills", {"roster": roster, "confirm": "yes"})
    assert response.status_code == 403
    assert store.all(select(Drill)) == []


def test_the_report_shows_times_by_roster_and_person_and_who_missed(
    app: Flask, coordinator: Visitor, store: Store
) -> None:
    roster = advocates(store)
    coordinator.post("/admin/drills", {"roster": roster, "within": "", "confirm": "yes"})
    runtime = app.extensions["dispatcher"]
    runtime.engine.tick()
    runtime.clock.advance(timedelta(minutes=5))
    runtime.engine.tick()  # Ana missed: Ben is paged
    board = coordinator.text("/admin/now/board")
    assert "DRILL (practice, no officer)" in board and "Ben Okafor" in board
    runtime.clock.advance(timedelta(seconds=90))
    drill = store.one(select(Drill))
    with store.scope() as session:
        ben = session.scalars(select(Person).where(Person.name == "Ben Okafor")).one()
        ctx = FlowContext(runtime.settings, runtime.sealer, runtime.clock.now())
        assert members.accept(session, ctx, ben, None) is None
    report = coordinator.text("/admin/drills/report")
    assert store.get(Drill, drill.id).state == "passed"
    assert "6 min 30 s" in report  # the roster's time to accept, from the drill's start
    assert "1 min 30 s" in report  # Ben's, from his own page
    assert "Ana Ruiz" in report and "Ben Okafor" in report
    assert ANA not in report
