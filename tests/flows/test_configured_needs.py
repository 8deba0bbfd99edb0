"""A need configured in the roster file, through a whole request: the officer's words open
it, its roster is paged, its accepter learns the tags but not the officer's words, the
officer hears the role, and the call log and statistics count it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.models import CallLogEntry, Request
from dispatcher.flows.stats import figures
from dispatcher.flows.tallies import tally_period
from dispatcher.settings import Settings
from tests.night import ANA, COALITION, DEE, OFFICER, World, load_coalition

SANE = """
[[needs]]
key = "sane"
roster = "sane"
role = "nurse"
label = { en = "a SANE nurse", es = "una enfermera SANE" }
words = { en = ["sane exam", "forensic exam"], es = ["examen forense"] }
in_person = true

[[rosters]]
name = "sane nurses"
kind = "sane"
timezone = "America/Chicago"

[[rosters.rotations]]
name = "nurses"
type = "weekly"
length = 1
start = "2026-03-02T00:00"
participants = ["Dee Park"]
"""


def sane_world(database: Database, settings: Settings, clock: ManualClock) -> World:
    """The test coalition with a SANE need served by Dee Park's roster."""
    load_coalition(database, COALITION + SANE)
    return World(database, settings, clock)


def test_a_configured_need_pages_its_roster_and_is_counted(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = sane_world(database, settings, clock)
    reply = world.text(OFFICER, "Juvenile at Lakeshore, 15yo, needs a forensic exam")
    assert reply is not None and "a SANE nurse" in reply
    with world.session() as session:
        request = session.scalars(sa.select(Request)).one()
        code = request.code
        assert [n.kind for n in request.needs] == ["advocate", "sane"]
    world.tick()
    assert code in world.last(DEE) and "a SANE nurse" in world.last(DEE)
    assert world.text(DEE, f"1 {code}") is None
    world.tick()
    accepted = world.last(DEE)
    assert accepted.startswith(f"You accepted {code}: a SANE nurse for Racine Police")
    assert "Needed: juvenile" in accepted
    assert "Lakeshore" not in accepted  # only the advocate hears the officer's words
    assert f"Dee (nurse) accepted {code}" in "\n".join(world.inbox(OFFICER))
    world.text(ANA, f"1 {code}")
    world.tick()
    assert "Lakeshore" in world.last(ANA)
    world.text(OFFICER, "DONE")
    world.advance(minutes=5)
    with world.session() as session:
        entry = session.scalars(sa.select(CallLogEntry)).one()
        assert (entry.advocate, entry.room, entry.more_needs) == ("accepted", None, "sane:accepted")
        start = entry.opened_hour
        tallies = tally_period(session, start, start + timedelta(hours=1))
    found = figures(tallies, settings.zone, kinds=("advocate", "room", "ride", "sane"))
    assert [(n.kind, n.filled, n.unfilled) for n in found.needs] == [
        ("advocate", 1, 0), ("room", 0, 0), ("ride", 0, 0), ("sane", 1, 0)
    ]  # fmt: skip


def test_a_negated_configured_need_pages_nobody_for_it(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = sane_world(database, settings, clock)
    world.text(OFFICER, "Adult victim, no forensic exam needed")
    world.tick()
    with world.session() as session:
        assert session.scalars(sa.select(Request)).one().needs[-1].kind == "advocate"
    assert world.inbox(DEE) == []


def test_the_officer_adds_and_drops_a_configured_need_by_its_key(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    world = sane_world(database, settings, clock)
    world.text(OFFICER, "Adult victim at the station")
    with world.session() as session:
        code = session.scalars(sa.select(Request.code)).one()
    added = world.text(OFFICER, f"SANE {code}")
    assert added is not None and "a SANE nurse" in added
    world.tick()
    assert code in world.last(DEE)
    dropped = world.text(OFFICER, "no sane")
    assert dropped is not None and code in dropped
    with world.session() as session:
        states = {n.kind: n.state for n in session.scalars(sa.select(Request)).one().needs}
        assert states == {"advocate": "paging", "sane": "cancelled"}


def test_a_configured_need_speaks_the_readers_language(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    spanish = COALITION.replace('name = "Dee Park"\n', 'name = "Dee Park"\nlanguage = "es"\n')
    load_coalition(database, spanish + SANE)
    world = World(database, settings, clock)
    world.text(OFFICER, "juvenile, 15yo, forensic exam please")
    world.tick()
    with world.session() as session:
        code = session.scalars(sa.select(Request.code)).one()
    assert "una enfermera SANE" in world.last(DEE)
    world.text(DEE, f"1 {code}")
    world.tick()
    assert "Se necesita: menor" in world.last(DEE)
