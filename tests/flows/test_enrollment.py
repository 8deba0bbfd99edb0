"""Enrollment a coordinator holds: JOIN waits, APPROVE or DENY by text; audited."""

from __future__ import annotations

import sqlalchemy as sa

from dispatcher.audit import AuditEntry
from dispatcher.rosters.models import Agency, Officer
from tests.flows.test_night import code_in
from tests.night import ANA, BEN, KIM, LEE, World

SERGEANT = "+12625550151"


def approving(world: World) -> None:
    """The test agency approves each enrollment by text."""
    with world.session() as session:
        session.execute(sa.update(Agency).values(enrollment="approve"))


def pending_id(world: World) -> int:
    """The id of the sergeant's pending enrollment."""
    with world.session() as session:
        officer = session.scalars(sa.select(Officer).where(Officer.phone == SERGEANT)).one()
        assert officer.pending
        return officer.id


def test_join_waits_for_a_coordinator_who_approves_by_text(world: World) -> None:
    approving(world)
    reply = world.text(SERGEANT, "JOIN RPD-4821 Sgt. Ada Byrne")
    assert reply is not None and "waiting for a coordinator" in reply
    number = pending_id(world)
    world.tick()
    asked = f"Approve Sgt. Ada Byrne (Racine Police Department)? Reply APPROVE {number}"
    assert world.last(KIM).startswith(asked) and world.last(LEE).startswith(asked)
    waiting = world.text(SERGEANT, "Girl at the motel needs help")
    assert waiting is not None and "still waiting" in waiting and "911" in waiting
    assert world.inbox(ANA) == []
    assert world.text(BEN, f"APPROVE {number}") is not None  # not a coordinator: help
    assert pending_id(world) == number
    assert world.text(KIM, f"approve {number}") == (
        "Approved: Sgt. Ada Byrne is enrolled with Racine Police Department."
    )
    world.tick()
    assert "You are enrolled with Racine" in world.last(SERGEANT)
    code = code_in(world.text(SERGEANT, "Girl at the motel needs help"))
    world.tick()
    assert code in world.last(ANA)
    with world.session() as session:
        actions = session.execute(
            sa.select(AuditEntry.actor, AuditEntry.action).where(AuditEntry.entity == "officer")
        ).all()
        assert [a for _, a in actions] == ["create", "update"]


def test_deny_tells_the_number_and_keeps_nothing(world: World) -> None:
    approving(world)
    world.text(SERGEANT, "JOIN RPD-4821 Sgt. Ada Byrne")
    number = pending_id(world)
    assert world.text(KIM, f"DENY {number}") == (
        "Denied: Sgt. Ada Byrne is not enrolled and the number was removed."
    )
    world.tick()
    assert "was not approved" in world.last(SERGEANT)
    assert world.text(LEE, f"DENY {number}") == f"No enrollment {number} is waiting."
    with world.session() as session:
        assert session.scalars(sa.select(Officer).where(Officer.phone == SERGEANT)).all() == []
    assert "If you are in danger" in (world.text(SERGEANT, "hello") or "")
