"""Sending: one bad message never stops the others; sends run in parallel, beside escalation."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa

from dispatcher.app import sealer_for
from dispatcher.flows import outbox
from dispatcher.flows.engine import Engine, escalate_due
from dispatcher.flows.models import Need, OutboxMessage, Page
from dispatcher.flows.ports import SendResult
from dispatcher.flows.texts import NothingOpen
from dispatcher.rosters.models import Agency, Officer, Person
from dispatcher.sms.messages import render
from dispatcher.sms.simulator import SimulatorSender
from tests.night import ANA, BEN, HARBOR, KIM, LAKEVIEW, LEE, OFFICER, World

ALERT = "Dispatcher alert"
SECOND_OFFICER = "+12625550151"
NUMBERS = [f"+1262555{2000 + n:04d}" for n in range(16)]


def engine_with(world: World, **changes: object) -> Engine:
    """The world's engine with some of its parts replaced (a sealer, a sender...)."""
    parts = {
        "database": world.database,
        "settings": world.settings,
        "sealer": world.sealer,
        "clock": world.clock,
        "sender": SimulatorSender(world.phones),
        "render": render,
    }
    parts.update(changes)
    return Engine(**parts)  # type: ignore[arg-type]


def queue(world: World, number: str, template: str = "nothing_open", **params: object) -> int:
    """Queue one message and return its outbox id; a row as a database may hold it, even with
    a template or parameters no text has (an older version's, or damaged)."""
    with world.session() as session:
        message = outbox.enqueue(session, world.sealer, world.clock.now(), number, NothingOpen())
        message.template = template
        message.body = world.sealer.seal(json.dumps(params))
        session.flush()
        return message.id


def row(world: World, message_id: int) -> OutboxMessage:
    """The outbox row, detached."""
    with world.session() as session:
        found = session.get_one(OutboxMessage, message_id)
        session.expunge(found)
        return found


def alerts_to_coordinators(world: World) -> int:
    """How many alert texts each coordinator received (they are told the same)."""
    counts = {sum(ALERT in text for text in world.inbox(n)) for n in (KIM, LEE)}
    assert len(counts) == 1
    return counts.pop()


def test_a_damaged_row_fails_alone_and_the_six_after_it_are_sent(world: World) -> None:
    damaged = queue(world, NUMBERS[0])
    good = [queue(world, number) for number in NUMBERS[1:7]]
    with world.session() as session:
        session.get_one(OutboxMessage, damaged).body = b"gAAAAA-damaged-on-disk"
    world.tick()
    assert all(len(world.inbox(number)) == 1 for number in NUMBERS[1:7])
    assert world.inbox(NUMBERS[0]) == []
    assert [row(world, i).state for i in good] == ["sent"] * 6
    failed = row(world, damaged)
    assert (failed.state, failed.failure, failed.body) == ("failed", "unreadable", None)
    assert alerts_to_coordinators(world) == 1


def test_an_unrenderable_row_fails_at_once_and_spares_those_leased_with_it(world: World) -> None:
    first = queue(world, NUMBERS[0])
    unknown = queue(world, NUMBERS[1], "no_such_template")
    missing = queue(world, NUMBERS[2], "person_closed")  # needs a code
    last = queue(world, NUMBERS[3])
    for _ in range(3):
        world.advance(seconds=30)
    assert [len(world.inbox(n)) for n in NUMBERS[:4]] == [1, 0, 0, 1]
    assert row(world, first).state == row(world, last).state == "sent"
    for message_id in (unknown, missing):
        failed = row(world, message_id)
        assert (failed.state, failed.failure, failed.attempts) == ("failed", "unrenderable", 0)
    assert alerts_to_coordinators(world) == 1  # one text for both, within the hour


def page_rows(world: World) -> list[tuple[str, str]]:
    """(person's phone, page state) for every page, oldest first."""
    with world.session() as session:
        query = sa.select(Person.phone, Page.state).join(Person, Page.person_id == Person.id)
        return [(phone, state) for phone, state in session.execute(query.order_by(Page.id))]


def test_a_changed_secret_key_fails_the_message_alone_and_its_page_moves_on(
    world: World,
) -> None:
    world.text(OFFICER, "need an advocate")
    with world.session() as session:
        escalate_due(session, world.context())  # Ana's page, sealed with the old key
    changed = dataclasses.replace(world.settings, secret_key="a-different-secret-key-" + "x" * 20)
    restarted = engine_with(world, sealer=sealer_for(changed, world.clock))
    restarted.tick()
    assert world.inbox(ANA) == []
    assert page_rows(world) == [(ANA, "unsent")]  # not held against Ana: not "failed"
    restarted.tick()
    assert "reply 1" in world.last(BEN).lower()
    assert alerts_to_coordinators(world) == 1
    restarted.tick()
    assert alerts_to_coordinators(world) == 1
    with world.session() as session:
        assert not session.scalars(sa.select(Person.opted_out).where(Person.phone == ANA)).one()


class BarrierSender(SimulatorSender):
    """Delivers only when ``parties`` sends wait together: sequential sending breaks it."""

    def __init__(self, world: World, parties: int) -> None:
        super().__init__(world.phones)
        self.barrier = threading.Barrier(parties, timeout=10)

    def send(self, to: str, body: str, outbox_id: int, part: int = 1) -> SendResult:
        """Wait for the others, then deliver."""
        self.barrier.wait()
        return super().send(to, body, outbox_id, part)


def test_messages_to_different_people_are_handed_over_together(world: World) -> None:
    settings = dataclasses.replace(world.settings, send_concurrency=8)
    engine = engine_with(world, settings=settings, sender=BarrierSender(world, 8))
    for number in NUMBERS:
        queue(world, number)
    engine.tick()
    assert all(len(world.inbox(number)) == 1 for number in NUMBERS)


class BlockingSender(SimulatorSender):
    """Holds every send to ``number`` until released; says when one is waiting."""

    def __init__(self, world: World, number: str) -> None:
        super().__init__(world.phones)
        self.number = number
        self.waiting = threading.Event()
        self.release = threading.Event()
        self.sent = threading.Semaphore(0)

    def send(self, to: str, body: str, outbox_id: int, part: int = 1) -> SendResult:
        """Block on the held number; count every other send."""
        if to == self.number:
            self.waiting.set()
            self.release.wait(timeout=30)
        result = super().send(to, body, outbox_id, part)
        if to != self.number:
            self.sent.release()
        return result


def arrives(found: Callable[[], bool], seconds: float = 10) -> bool:
    """Poll ``found`` until it holds or ``seconds`` pass (sends run on other threads)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found():
            return True
        time.sleep(0.01)
    return found()


def add_officer(world: World, phone: str) -> None:
    """A second officer of the test agency."""
    with world.session() as session:
        agency = session.scalars(sa.select(Agency)).one()
        session.add(Officer(agency_id=agency.id, name="Sgt. B. Moy", phone=phone))


def test_a_hanging_send_does_not_hold_up_escalation(world: World) -> None:
    add_officer(world, SECOND_OFFICER)
    sender = BlockingSender(world, ANA)
    engine = engine_with(world, sender=sender, background=True)
    try:
        world.text(OFFICER, "need an advocate")
        engine.tick()
        assert sender.waiting.wait(timeout=10)  # Ana's page is stuck at the provider
        world.text(SECOND_OFFICER, "need a room")
        engine.tick()  # returns although Ana's send still hangs
        for hotel in (HARBOR, LAKEVIEW):
            assert arrives(lambda h=hotel: any("reply 1" in t.lower() for t in world.inbox(h)))
        world.clock.advance(timedelta(seconds=301))
        engine.tick()  # the advocate need's next step, while Ana's send still hangs
        # Other texts (the officers' progress notes) go out too: wait for Ben's page itself.
        assert arrives(lambda: any("reply 1" in t.lower() for t in world.inbox(BEN)))
        assert not sender.release.is_set()
        with world.session() as session:
            steps = session.scalars(sa.select(Need.step_index).where(Need.kind == "advocate"))
            assert set(steps) == {1}  # both requests' advocate needs moved on
    finally:
        sender.release.set()
        engine.close()
    received = world.inbox(ANA)  # her page, and maybe the second request's once she was free
    assert 1 <= len(received) == len(set(received))


def test_the_lease_of_a_message_in_flight_is_kept(world: World) -> None:
    sender = BlockingSender(world, ANA)
    engine = engine_with(world, sender=sender, background=True)
    message_id = queue(world, ANA)
    try:
        engine.tick()
        assert sender.waiting.wait(timeout=10)
        world.clock.advance(outbox.LEASE * 2)
        engine.tick()  # heartbeat: the row stays leased to this engine
        leased_until = row(world, message_id).lease_until
        assert leased_until is not None and leased_until > world.clock.now()
        other = engine_with(world)
        other.tick()  # another engine does not take the row and send it again
    finally:
        sender.release.set()
        engine.close()
    assert len(world.inbox(ANA)) == 1


class SecondPartFailsOnce(SimulatorSender):
    """Refuses the first attempt at part 2 (a 500), as an outage starting mid-message."""

    def __init__(self, world: World) -> None:
        super().__init__(world.phones)
        self.refused = False

    def send(self, to: str, body: str, outbox_id: int, part: int = 1) -> SendResult:
        """Fail part 2 once, deliver everything else."""
        if part == 2 and not self.refused:
            self.refused = True
            return SendResult(error_code=20500, retryable=True)
        return super().send(to, body, outbox_id, part)


def test_a_long_message_resumes_after_the_parts_already_sent(world: World) -> None:
    world.text(OFFICER, "need an advocate")
    world.tick()
    for marker in ("FIRST", "SECOND", "THIRD"):
        world.text(OFFICER, f"{marker} " + "she is waiting by the side door of the motel " * 15)
    engine = engine_with(world, sender=SecondPartFailsOnce(world))
    world.text(ANA, "1")
    engine.tick()
    (first,) = world.inbox(ANA)[2:]  # after the page and the check-in instructions
    assert first.startswith("(1/")
    with world.session() as session:
        query = sa.select(OutboxMessage).where(OutboxMessage.template == "accepted")
        words = session.scalars(query).one()
        assert (words.state, words.parts_sent) == ("pending", 1)
        assert words.body is not None  # the officer's words are kept until every part is out
    world.clock.advance(timedelta(seconds=2))
    engine.tick()
    parts = world.inbox(ANA)[2:]
    assert [p[:5] for p in parts] == [f"({k}/{len(parts)})"[:5] for k in range(1, len(parts) + 1)]
    assert len(parts) == len(set(parts)) >= 2  # part 1 was not sent again
    assert row(world, words.id).body is None


def test_a_send_is_recorded_once_and_only_while_the_row_is_leased(world: World) -> None:
    message_id = queue(world, ANA)
    now = world.clock.now()
    accepted = SendResult(sid="SM" + "1" * 32, status="queued")
    with world.session() as session:
        assert outbox.record_sent(session, message_id, accepted, now) is None  # not leased
        claim = outbox.claim_due(session, world.sealer, render, now)
        assert [m.id for m in claim.leased] == [message_id]
    with world.session() as session:
        sent = outbox.record_sent(session, message_id, accepted, now, parts=1)
        assert sent == outbox.Sent(message_id, None, "nothing_open") and not sent.page
    with world.session() as session:
        assert outbox.record_sent(session, message_id, accepted, now) is None  # once only
    stored = row(world, message_id)
    assert (stored.state, stored.provider_sid, stored.provider_status) == (
        "sent",
        accepted.sid,
        "queued",
    )
    assert (stored.body, stored.lease_until, stored.sent_at, stored.parts_sent) == (
        None,
        None,
        now,
        1,
    )


def claims_counted(world: World) -> list[str]:
    """The outbox claims the database runs from now on (the due-message query)."""
    claims: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "FROM outbox" in statement and "ORDER BY outbox.next_attempt_at" in statement:
            claims.append(statement)

    sa.event.listen(world.database.engine, "before_cursor_execute", record)
    return claims


def test_a_freed_thread_claims_again_only_when_messages_may_wait(world: World) -> None:
    engine = engine_with(world, background=True)
    claims = claims_counted(world)
    try:
        for number in NUMBERS[:3]:
            queue(world, number)
        engine.tick()
        assert arrives(lambda: all(len(world.inbox(n)) == 1 for n in NUMBERS[:3]))
        time.sleep(0.2)  # the threads have recorded their sends and are idle
    finally:
        engine.close()
    assert len(claims) == 1  # the tick's: it took everything due, nobody claims for nothing


def test_a_number_in_flight_gets_its_next_message_when_its_send_ends(world: World) -> None:
    sender = BlockingSender(world, ANA)
    engine = engine_with(world, sender=sender, background=True)
    try:
        queue(world, ANA)
        engine.tick()
        assert sender.waiting.wait(timeout=10)
        queue(world, ANA)
        engine.tick()  # Ana is in flight: her second message waits for her first
        assert len(world.inbox(ANA)) == 0
        sender.release.set()
        assert arrives(lambda: len(world.inbox(ANA)) == 2)  # no tick needed
    finally:
        sender.release.set()
        engine.close()
