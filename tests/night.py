"""A coalition for tests, and a harness that runs the flows against a real database with
the in-app simulator phones, on a clock the test moves.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from dispatcher.app import sealer_for
from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.context import FlowContext
from dispatcher.flows.engine import Engine, TickReport
from dispatcher.rosters.file import apply_roster_file, load_roster_file
from dispatcher.settings import Settings
from dispatcher.sms import inbound
from dispatcher.sms.messages import render, write
from dispatcher.sms.ratelimit import ReplyLimiter
from dispatcher.sms.simulator import SimulatorPhones, SimulatorSender

ANA, BEN, CRUZ, DEE = "+12625550101", "+12625550102", "+12625550103", "+12625550104"
KIM, LEE = "+12625550109", "+12625550110"  # coordinators
HARBOR, LAKEVIEW = "+12625550121", "+12625550122"  # hotels
ROSA, SAM = "+12625550131", "+12625550132"  # drivers
OFFICER = "+12625550150"
STRANGER = "+14145550177"

# At the tests' START (2026-03-10 07:00 in Chicago) Ana is on call and Ben is next.
# The advocates have shift reminders off (`remind = "off"`): these nights count every text
# a phone gets; tests/flows/test_reminders.py turns them back on (REMINDERS_OFF).
REMINDERS_OFF = 'remind = "off"\n'
# tests/data/night.toml: four advocates on a daily rotation, two coordinators, two partner
# hotels, two drivers, one Racine police officer. Variants change one value with
# str.replace and say why; tests name lines of it, so add to its end.
COALITION = (Path(__file__).resolve().parent / "data" / "night.toml").read_text()


def load_coalition(database: Database, text: str = COALITION) -> None:
    """Import a roster file into ``database`` (raises on a bad file)."""
    with database.session_scope() as session:
        apply_roster_file(session, load_roster_file(text))


class Night:
    """What every harness does with its engine and clock; ``inbox`` says where texts land."""

    engine: Engine
    clock: ManualClock

    def tick(self) -> TickReport:
        """One engine tick, then its housekeeping (both run on timers in production)."""
        self.engine.tick()
        return self.engine.housekeeping()

    def advance(self, minutes: float = 0, seconds: float = 0) -> TickReport:
        """Move the clock, then tick."""
        self.clock.advance(timedelta(minutes=minutes, seconds=seconds))
        return self.tick()

    def inbox(self, number: str) -> list[str]:
        """Every text the hotline sent to ``number``, oldest first."""
        raise NotImplementedError

    def last(self, number: str) -> str:
        """The latest text the hotline sent to ``number``."""
        received = self.inbox(number)
        assert received, f"nothing was sent to {number}"
        return received[-1]


class World(Night):
    """The flows on a real database, with simulated phones and a movable clock."""

    def __init__(self, database: Database, settings: Settings, clock: ManualClock) -> None:
        self.database = database
        self.settings = settings
        self.clock = clock
        self.sealer = sealer_for(settings, clock)
        self.phones = SimulatorPhones(settings.hotline_number, clock)
        self.engine = self.new_engine()
        self.limiter = ReplyLimiter(settings.help_replies_per_hour)

    def new_engine(self) -> Engine:
        """A fresh engine (as after a restart) on the same database and phones."""
        return Engine(
            self.database,
            self.settings,
            self.sealer,
            self.clock,
            SimulatorSender(self.phones),
            render,
        )

    def race(self, engines: int = 2, ticks: int = 3) -> None:
        """``engines`` fresh engines tick ``ticks`` times each, all starting at once (as
        that many workers on one database would); returns when all are done."""
        racing = [self.new_engine() for _ in range(engines)]
        barrier = threading.Barrier(engines)

        def run(engine: Engine) -> None:
            barrier.wait()
            for _ in range(ticks):
                engine.tick()

        threads = [threading.Thread(target=run, args=(engine,)) for engine in racing]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A committed unit of work."""
        with self.database.session_scope() as session:
            yield session

    def context(self) -> FlowContext:
        """The flows' context at the clock's now."""
        return FlowContext(self.settings, self.sealer, self.clock.now())

    def text(self, number: str, body: str) -> str | None:
        """``number`` texts the hotline; return the immediate reply's text (None: no reply)."""
        with self.session() as session:
            reply = inbound.handle_text(session, self.context(), self.limiter, number, body)
        return write(reply.text, reply.language) if reply else None

    def inbox(self, number: str) -> list[str]:
        """Every text the hotline sent to ``number`` (simulated phone), oldest first."""
        return [m.body for m in self.phones.inbox(number) if m.sender != number]
