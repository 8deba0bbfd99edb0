"""Readiness drills on both databases, with the clock moved: planned, started by the engine,
answered like a real page, measured, and kept out of everything a real request touches."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from dispatcher.audit import Auditor
from dispatcher.flows import apirequests, drills
from dispatcher.flows.models import (
    CallLogEntry,
    CheckIn,
    Debrief,
    Drill,
    OutboxMessage,
    Request,
)
from dispatcher.rosters.models import Roster
from tests.flows.test_night import code_in
from tests.night import ANA, BEN, CRUZ, KIM, LEE, OFFICER, World

AUDITOR = Auditor("kim@example.org", datetime(2026, 3, 10, 13, tzinfo=UTC))


def roster_id(world: World, name: str = "advocates") -> int:
    """The id of roster ``name``."""
    with world.session() as session:
        return session.scalars(sa.select(Roster.id).where(Roster.name == name)).one()


def plan_drill(world: World, within: timedelta = timedelta(0), seed: int = 7) -> int:
    """A coordinator plans a drill of the advocates; return its id."""
    with world.session() as session:
        drill = drills.plan(
            session, world.context(), AUDITOR, roster_id(world), within, random.Random(seed)
        )
        return drill.id


def drill_row(world: World, drill_id: int) -> Drill:
    """The drill, detached."""
    with world.session() as session:
        drill = session.get_one(Drill, drill_id)
        session.expunge(drill)
        return drill


def test_a_drill_now_pages_the_on_call_person_marked_drill(world: World) -> None:
    drill_id = plan_drill(world)
    world.tick()
    page = world.last(ANA)
    code = code_in(page)
    assert page == (
        f"DRILL, practice only: an advocate needed. Ref {code}. Reply 1 {code} to accept, "
        f"2 {code} to pass, as for a real page."
    )
    assert drill_row(world, drill_id).state == "running"
    assert world.inbox(OFFICER) == [] and world.inbox(BEN) == []


def test_escalation_runs_as_configured_and_the_result_has_each_step(world: World) -> None:
    drill_id = plan_drill(world)
    world.tick()
    code = code_in(world.last(ANA))
    world.advance(minutes=5)  # Ana silent: Ben, next in order
    assert code in world.last(BEN)
    world.advance(minutes=2)
    assert world.text(BEN, f"1 {code}") is None
    world.tick()
    assert (
        world.last(BEN) == f"DRILL {code}: you accepted after 7 min. Thank you; nothing else to do."
    )
    assert world.last(ANA) == f"DRILL {code} is over. Thank you; nothing to do."
    drill = drill_row(world, drill_id)
    assert drill.state == "passed" and drill.seconds_to_accept == 7 * 60 and drill.depth == 2
    with world.session() as session:
        names = dict(session.execute(sa.text("SELECT id, name FROM people")).all())
    steps = [
        (s["step"], names[s["member_id"]], s["answer"], s["paged_after"], s["answered_after"])
        for s in drill.steps
    ]
    assert steps == [
        (1, "Ana Ruiz", "missed", 0, None),
        (2, "Ben Okafor", "accepted", 300, 420),
    ]


def test_a_drill_accept_starts_no_check_in_no_debrief_and_writes_no_call_log(world: World) -> None:
    plan_drill(world)
    world.tick()
    code = code_in(world.last(ANA))
    assert world.text(ANA, "1") is None
    world.tick()
    assert world.text(ANA, f"DONE {code}") is not None  # nothing open any more
    world.advance(minutes=60)
    assert not any("check in" in t or "what did you provide" in t for t in world.inbox(ANA))
    with world.session() as session:
        assert session.scalars(sa.select(CallLogEntry)).all() == []
        assert session.scalars(sa.select(CheckIn)).all() == []
        assert session.scalars(sa.select(Debrief)).all() == []
        request = session.scalars(sa.select(Request)).one()
        assert request.drill and request.officer_id is None and request.agency_id is None
        assert request.status == "closed" and request.note is None
    assert world.inbox(OFFICER) == []
    assert not any(code in t for t in world.inbox(KIM))


def test_a_running_drill_is_not_among_the_open_requests_integrations_read(
    world: World,
) -> None:
    plan_drill(world)
    world.tick()
    with world.session() as session:
        assert session.scalars(sa.select(Request)).one().status == "open"
        assert apirequests.open_requests(session) == []


def test_nobody_answers_the_drill_is_missed_quietly(world: World) -> None:
    drill_id = plan_drill(world)
    world.tick()
    code = code_in(world.last(ANA))
    for _ in range(12):
        world.advance(minutes=5)
    drill = drill_row(world, drill_id)
    assert drill.state == "missed" and drill.accepted_by_id is None
    assert {s["answer"] for s in drill.steps} == {"missed"}
    # the coordinators were paged as the last step, as configured, but told of no failure
    assert all(code in t and t.startswith("DRILL") for t in world.inbox(KIM))
    assert world.inbox(OFFICER) == []
    assert world.text(ANA, f"1 {code}") is not None  # too late: closed
    with world.session() as session:
        assert session.scalars(sa.select(CallLogEntry)).all() == []


def test_a_drill_still_paging_at_the_idle_close_ends_as_missed_and_quietly(
    world: World,
) -> None:
    drill_id = plan_drill(world)
    world.tick()
    code = code_in(world.last(ANA))
    with world.session() as session:  # nothing happened on it for longer than idle_close
        request = session.scalars(sa.select(Request)).one()
        request.last_activity_at = world.clock.now() - world.settings.idle_close
    world.tick()  # the housekeeping closes idle requests
    drill = drill_row(world, drill_id)
    assert (drill.state, drill.ended_at, drill.accepted_by_id) == (
        "missed",
        world.clock.now(),
        None,
    )
    assert [(s["answer"], s["step"]) for s in drill.steps] == [("missed", 1)]
    assert world.last(ANA) == f"DRILL {code} is over. Thank you; nothing to do."
    assert world.inbox(OFFICER) == [] and not any(code in t for t in world.inbox(KIM))
    with world.session() as session:
        assert session.scalars(sa.select(Request.status)).one() == "closed"
        assert session.scalars(sa.select(CallLogEntry)).all() == []
    assert world.text(ANA, f"1 {code}") is not None  # too late: closed


def test_a_drill_at_a_random_time_starts_once_when_due_even_after_a_restart(world: World) -> None:
    drill_id = plan_drill(world, within=timedelta(hours=2), seed=3)
    due = drill_row(world, drill_id).due_at
    assert due is not None
    assert world.clock.now() <= due <= world.clock.now() + timedelta(hours=2)
    world.clock.advance(due - world.clock.now() - timedelta(seconds=1))
    world.tick()
    assert world.inbox(ANA) == []
    world.clock.advance(timedelta(seconds=1))
    world.engine = world.new_engine()  # as after a restart, at the due instant
    world.tick()
    world.engine = world.new_engine()
    world.tick()
    assert len([t for t in world.inbox(ANA) if t.startswith("DRILL")]) == 1
    with world.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Request)) == 1


def test_the_random_instant_is_within_the_window_to_the_second() -> None:
    now = datetime(2026, 3, 10, 13, tzinfo=UTC)
    rng = random.Random(1)
    instants = {drills.due_within(now, timedelta(minutes=2), rng) for _ in range(400)}
    assert min(instants) == now and max(instants) == now + timedelta(minutes=2)
    assert drills.due_within(now, timedelta(0), rng) == now
    with pytest.raises(drills.DrillRefused):
        drills.due_within(now, timedelta(days=15), rng)


def test_cancelling_a_running_drill_tells_the_paged_and_records_it(world: World) -> None:
    drill_id = plan_drill(world)
    world.tick()
    code = code_in(world.last(ANA))
    with world.session() as session:
        drills.cancel(session, world.context(), AUDITOR, drill_id)
    world.tick()
    assert world.last(ANA) == f"DRILL {code} is over. Thank you; nothing to do."
    assert drill_row(world, drill_id).state == "cancelled"
    with world.session() as session, pytest.raises(drills.DrillRefused):
        drills.cancel(session, world.context(), AUDITOR, drill_id)


def test_a_planned_drill_cancelled_never_starts(world: World) -> None:
    drill_id = plan_drill(world, within=timedelta(minutes=30))
    with world.session() as session:
        drills.cancel(session, world.context(), AUDITOR, drill_id)
    world.advance(minutes=31)
    assert world.inbox(ANA) == []


def test_a_drill_of_a_roster_that_pages_for_nothing_is_refused(world: World) -> None:
    with world.session() as session:
        roster = session.get_one(Roster, roster_id(world))
        roster.kind = "other"
    with world.session() as session, pytest.raises(drills.DrillRefused):
        drills.plan(session, world.context(), AUDITOR, roster_id(world))
    with world.session() as session, pytest.raises(drills.DrillRefused):
        drills.plan(session, world.context(), AUDITOR, 10_000)


def test_drill_rows_hold_no_words_and_the_outbox_no_agency(world: World) -> None:
    plan_drill(world)
    world.tick()
    assert world.text(ANA, "1") is None
    world.tick()
    with world.session() as session:
        bodies = session.scalars(sa.select(OutboxMessage.body)).all()
        assert all(body is None for body in bodies)  # blanked once sent, as for any text
    assert all("Racine" not in t for t in world.inbox(ANA))
    assert world.inbox(CRUZ) == [] and world.inbox(LEE) == []
