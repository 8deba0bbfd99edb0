"""A drill leaves nothing that identifies anyone: no words, no numbers in the logs, no call
log entry, nothing to an officer; its result names roster members by id only.

A drill runs against the fake Twilio; the paged advocate writes planted words after
accepting; then the database, the logs and Twilio's retained bodies are searched.
"""

from __future__ import annotations

import logging
import random

import pytest
import sqlalchemy as sa

from dispatcher.audit import Auditor
from dispatcher.flows import drills
from dispatcher.flows.context import FlowContext
from dispatcher.flows.models import CallLogEntry, Drill, Request
from dispatcher.rosters.models import Roster
from tests.night import ANA, BEN, KIM, OFFICER
from tests.scenarios.live import LiveNight
from tests.scenarios.test_privacy import PLANTED, database_text


def test_a_drill_leaves_no_identifier_and_reaches_no_officer(
    night: LiveNight, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    runtime = night.app.extensions["dispatcher"]
    with night.database.session_scope() as session:
        roster = session.scalars(sa.select(Roster).where(Roster.name == "advocates")).one()
        ctx = FlowContext(night.settings, runtime.sealer, night.clock.now())
        drills.plan(
            session, ctx, Auditor("kim@example.org", ctx.now), roster.id, rng=random.Random(1)
        )
    night.tick()
    night.deliver_all()
    page = night.inbox(ANA)[-1]
    assert page.startswith("DRILL, practice only")
    night.advance(minutes=5)  # Ana silent: Ben
    night.deliver_all()
    night.text(BEN, "1")
    night.tick()
    night.deliver_all()
    night.text(BEN, f"I am with {PLANTED[0]} at {PLANTED[4]}, her phone {PLANTED[2]}")
    night.tick()
    night.deliver_all()
    night.advance(minutes=5)

    assert night.inbox(OFFICER) == []
    assert not any(p in text for text in night.inbox(KIM) for p in PLANTED)
    assert not any(p in body for body in night.fake.retained_bodies() for p in PLANTED)
    stored, logged = database_text(night), caplog.text
    for secret in PLANTED:
        assert secret.encode() not in stored, secret
        assert secret not in logged, secret
    for number in (ANA, BEN, OFFICER):
        assert number not in logged
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(CallLogEntry)).all() == []
        request = session.scalars(sa.select(Request)).one()
        assert (request.officer_id, request.agency_id, request.note) == (None, None, None)
        drill = session.scalars(sa.select(Drill)).one()
        assert drill.state == "passed"
        kept = repr(drill.steps)
        assert set().union(*(set(s) for s in drill.steps)) == {
            "step", "round", "member_id", "paged_after", "answer", "answered_after"
        }  # fmt: skip
        assert "Ana" not in kept and "Ben" not in kept and "+1" not in kept
