"""Identifiers planted through every way text enters are nowhere after the call.

Random identifiers (Latin and Cyrillic names, a date of birth, a phone number, an address,
an e-mail; a fresh set per path and per run) enter through: the officer's first text, a
follow-up held before anyone accepts, ``NEW <words>``, ``<code> <words>``, words after
acceptance, the advocate's relays (with and without the code), an accept and a decline with
extra words, safety check-ins (``OK <code> <words>``, ``OK <words>``), a duress word set by
text and a reply carrying it with words, DONE, a debrief answer with words, ROOM and NO
ROOM with words, a hotel's accept with words and its relay, AWAY with junk, an unknown
sender (its number too), JOIN with a refused name and with an unknown agency code, voice
calls (an unknown caller's number, two officers) and a status callback with odd fields (an
undocumented status, a non-numeric error code, extra fields).

Only the accepting advocate receives an officer's words, and only that request's officer
receives the relays (never other advocates, hotels, coordinators or the other officer);
no immediate reply repeats anything planted. After the requests close and the keys'
lifetime passes, none of it is in the database (SQLite files with WAL and shared memory;
PostgreSQL rows, relation files and WAL segments), the logs at DEBUG, the fake Twilio's
retained bodies (its call records deleted), the admin pages and CSV exports, and nothing
sealed in a disk image opens with the secret key and the key directory.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from dispatcher.accounts import passwords, service
from dispatcher.clock import ManualClock
from dispatcher.crypto import key_lifetime
from dispatcher.crypto.keyring import EPOCH
from dispatcher.db import Database
from dispatcher.sms.commands import codes_mentioned
from tests.fakes import FakeTwilio
from tests.night import ANA, BEN, COALITION, CRUZ, HARBOR, KIM, OFFICER, load_coalition
from tests.scenarios.canaries import (
    Canary,
    Planter,
    found_in_images,
    found_in_text,
    number_needles,
)
from tests.scenarios.disk import Image
from tests.scenarios.live import ACCOUNT, LiveNight
from tests.scenarios.test_forward_secrecy import found_in, image_of
from tests.support.admin import EMAILS, PASSWORD, Visitor

pytestmark = pytest.mark.slow

OFFICER_2 = "+12625550151"
COALITION_2 = COALITION.replace(
    'officers = [{ name = "Inv. N. Lofy", phone = "+12625550150" }]',
    'officers = [\n  { name = "Inv. N. Lofy", phone = "+12625550150" },\n'
    '  { name = "Det. R. Vance", phone = "+12625550151" },\n]',
)
ADMIN_PAGES = (
    "/admin/",
    "/admin/now/board",
    "/admin/call-log",
    "/admin/call-log/export.csv",
    "/admin/statistics",
    "/admin/statistics/funder.csv",
    "/admin/audit",
    "/admin/agencies",
)


@pytest.fixture
def night(
    database: Database, tmp_path: Path, clock: ManualClock, fake: FakeTwilio
) -> Iterator[LiveNight]:
    """The live service on the test coalition with a second officer (OFFICER_2)."""
    assert COALITION_2 != COALITION
    load_coalition(database, COALITION_2)
    live = LiveNight(database, tmp_path, clock, fake, send_timeout="1s")
    yield live
    live.stop()
    assert fake.violations == [], "requests Twilio's API description rejects"


@dataclass
class Planted:
    """What the night planted: canaries with the numbers allowed to receive them."""

    started: float = 0.0  # Unix time before the night (for PostgreSQL's WAL segments)
    planter: Planter = field(default_factory=Planter)
    allowed: dict[Canary, frozenset[str]] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)

    def canary(self, path: str, *allowed: str) -> Canary:
        """A new canary for ``path`` that only ``allowed`` numbers may receive."""
        found = self.planter.canary(path)
        self.allowed[found] = frozenset(allowed)
        return found

    def number(self) -> str:
        """A new unknown number, itself a canary."""
        found = self.planter.number()
        self.numbers.append(found)
        return found

    @property
    def strangers(self) -> list[str]:
        """The unknown numbers (as they could be written) and codes that were no agency's."""
        return [n for number in self.numbers for n in number_needles(number)] + self.others

    @property
    def needles(self) -> list[str]:
        """Every string that must be nowhere after the call."""
        return [n for c in self.allowed for n in c.needles] + self.strangers

    def sealed(self) -> dict[str, str]:
        """Every identifier planted, named ``path | identifier``, to look for in opened
        tokens."""
        return {f"{c.path} | {n}": n for c in self.allowed for n in c.needles}


def code_in(reply: str | None) -> str:
    """The one reference code an officer's reply names."""
    assert reply is not None
    codes = codes_mentioned(reply)
    assert len(codes) == 1, reply
    return next(iter(codes))


def settle(night: LiveNight) -> None:
    """Tick, then let the fake report every queued message delivered."""
    night.tick()
    night.deliver_all()
    night.tick()


def about(canary: Canary, prefix: str) -> dict[str, str]:
    """The caller-ID and place fields Twilio may add to a webhook, filled from ``canary``."""
    return {
        f"{prefix}City": canary.address,
        f"{prefix}Zip": canary.birth,
        "CallerName": canary.latin,
    }


def call(night: LiveNight, number: str, **extra: str) -> str:
    """``number`` calls the hotline (``extra`` fields added); return the CallSid."""
    sid = "CA" + uuid.uuid4().hex
    params = {"CallSid": sid, "AccountSid": ACCOUNT, "From": number, "To": "+12625550100"}
    answer = night.post("/voice/inbound", {**params, "CallStatus": "ringing", **extra})
    assert answer.status_code == 200 and "<Say>" in answer.text
    return sid


def say(night: LiveNight, p: Planted, number: str, body: str, **extra: str) -> str | None:
    """``number`` texts ``body`` (``extra`` fields added); the immediate reply repeats
    nothing planted so far."""
    reply = night.text(number, body, **extra)
    assert not found_in_text(p.needles, reply or ""), (body[:20], reply)
    return reply


def open_requests(night: LiveNight, p: Planted) -> tuple[str, str]:
    """Two officers open a request each (one with a held follow-up); Ana takes the first
    with extra words, declines the second with a reason; Ben takes the second."""
    first = p.canary("officer first text", ANA)
    where = about(p.canary("officer's place fields"), "From")
    r1 = code_in(say(night, p, OFFICER, f"Juvenile, {first.words}", **where))
    settle(night)
    say(night, p, OFFICER, p.canary("officer follow-up held", ANA).words)
    other = p.canary("other officer's first text", BEN)
    r2 = code_in(say(night, p, OFFICER_2, f"Need an advocate. {other.words}"))
    settle(night)
    p.images += image_of(night)
    say(night, p, ANA, f"1 {r1} {p.canary('accept with words').words}")
    declined = say(night, p, ANA, f"2 {r2} {p.canary('decline with a reason').words}")
    assert declined is not None and declined.startswith("You passed")
    settle(night)
    say(night, p, BEN, f"1 {r2}")
    settle(night)
    return r1, r2


def check_ins(night: LiveNight, p: Planted, r1: str, r2: str) -> None:
    """Safety check-ins with words after the code and after a bare OK, a duress word set
    by text (itself a needle) and sent inside a reply with words: all go nowhere, and the
    phone shows the same answer for the duress reply as for an OK."""
    coded = say(night, p, ANA, f"OK {r1} {p.canary('check-in with words').words}")
    assert coded is not None and coded.startswith(f"{r1}: checked in")
    plain = say(night, p, ANA, f"ok {p.canary('bare OK with words').words}")
    assert plain == coded
    word = f"Wren{p.planter.fresh()}"
    p.others += [word, word.lower()]
    assert say(night, p, BEN, f"DURESS {word}") is not None
    ordinary = say(night, p, BEN, f"OK {r2}")
    alarm = say(night, p, BEN, f"{p.canary('duress reply with words').words} {word.lower()}")
    assert alarm == ordinary and ordinary is not None and ordinary.startswith(f"{r2}: checked in")
    settle(night)
    assert any(t.startswith("URGENT: Ben") for t in night.inbox(KIM))


def words_both_ways(night: LiveNight, p: Planted, r1: str, r2: str) -> None:
    """Officers' words after acceptance and the advocates' relays, coded and plain."""
    say(night, p, OFFICER, f"{r1} {p.canary('officer <code> words', ANA).words}")
    say(night, p, OFFICER, p.canary("officer words after accept", ANA).words)
    say(night, p, OFFICER_2, p.canary("other officer's words after accept", BEN).words)
    say(night, p, ANA, f"{r1} {p.canary('advocate <code> relay', OFFICER).words}")
    say(night, p, ANA, p.canary("advocate plain relay", OFFICER).words)
    say(night, p, BEN, f"{r2} {p.canary('other advocate relay', OFFICER_2).words}")
    settle(night)
    p.images += image_of(night)


def new_request(night: LiveNight, p: Planted) -> str:
    """``NEW <words>`` and ``<code> <words>`` for a request nobody accepts, paged through
    every step of the escalation (other advocates, then the coordinators)."""
    r3 = code_in(say(night, p, OFFICER, f"NEW {p.canary('NEW words').words}"))
    say(night, p, OFFICER, f"{r3} {p.canary('<code> words, never accepted').words}")
    settle(night)
    for minutes in (5, 5, 10):
        night.advance(minutes=minutes)
        settle(night)
    assert r3 in " ".join(night.inbox(KIM))
    return r3


def commands_with_words(night: LiveNight, p: Planted, r1: str) -> None:
    """ROOM, a hotel's accept, NO ROOM and AWAY followed by words that go nowhere; the
    officer's words while the hotel is on the request still reach only the advocate."""
    say(night, p, ANA, f"ROOM {r1} {p.canary('ROOM with words').words}")
    settle(night)
    say(night, p, HARBOR, f"1 {r1} {p.canary('hotel accept with words').words}")
    settle(night)
    say(night, p, OFFICER, f"{r1} {p.canary('officer words, hotel on', ANA).words}")
    say(night, p, HARBOR, f"{r1} {p.canary('hotel relay', OFFICER).words}")
    settle(night)
    say(night, p, OFFICER, f"NO ROOM {r1} {p.canary('NO ROOM with words').words}")
    assert say(night, p, CRUZ, f"AWAY {p.canary('AWAY with junk').words}") is not None
    settle(night)


def strangers(night: LiveNight, p: Planted) -> None:
    """Unknown senders and callers, JOIN refused twice, an odd status callback."""
    where = about(p.canary("unknown sender's place fields"), "From")
    say(night, p, p.number(), p.canary("unknown sender").words, **where)
    refused = p.canary("JOIN refused name")
    reply = say(night, p, p.number(), f"JOIN RPD-4821 {refused.latin} {refused.birth}")
    assert reply is not None and reply.startswith("Not enrolled")
    agency = f"AG-{p.planter.fresh()}"
    p.others.append(agency)
    reply = say(night, p, p.number(), f"JOIN {agency} Sgt. Ada Byrne")
    assert reply is not None and "did not work" in reply
    caller = about(p.canary("unknown caller's caller ID"), "Caller")
    p.calls += [call(night, p.number(), **caller), call(night, OFFICER), call(night, OFFICER_2)]
    odd = p.canary("status callback with odd fields")
    status = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "MessageStatus": odd.phone,
        "AccountSid": ACCOUNT,
        "To": p.number(),
        "From": "+12625550100",
        "Body": odd.words,
        "ErrorCode": odd.email,
        "ErrorMessage": odd.latin,
        "ChannelToAddress": odd.email,
    }
    assert night.post("/sms/status", status).status_code == 204
    settle(night)


def close_everything(night: LiveNight, p: Planted, codes: tuple[str, str, str]) -> None:
    """DONE with words from both advocates and the officer."""
    r1, r2, r3 = codes
    say(night, p, ANA, f"DONE {r1} {p.canary('advocate DONE with words').words}")
    say(night, p, BEN, f"DONE {r2} {p.canary('other advocate DONE with words').words}")
    say(night, p, OFFICER, f"DONE {r3} {p.canary('officer DONE with words').words}")
    settle(night)
    assert any(t.startswith(f"{r1}: what did you provide?") for t in night.inbox(ANA))
    answer = say(night, p, ANA, f"1 3 {p.canary('debrief answer with words').words}")
    assert answer == f"Thank you. Recorded for {r1}."
    settle(night)


def outlive_the_keys(night: LiveNight) -> None:
    """Move past the keys' lifetime (and purge time) with housekeeping; settle the copies."""
    lifetime = key_lifetime(night.settings.note_max_age, night.settings.key_grace)
    night.advance(minutes=(EPOCH + lifetime + timedelta(minutes=1)) / timedelta(minutes=1))
    night.deliver_all()
    night.advance(minutes=10)


def admin_texts(night: LiveNight) -> dict[str, str]:
    """Every listed admin page and export an admin, a coordinator or a viewer can open."""
    texts = {}
    for role, email in EMAILS.items():
        visitor = Visitor(night.app.test_client())
        assert visitor.sign_in(email).status_code == 302, role
        for url in ADMIN_PAGES:
            answer = visitor.get(url)
            if answer.status_code == 200:
                texts[f"{role} {url}"] = answer.get_data(as_text=True)
    return texts


def create_accounts(night: LiveNight, monkeypatch: pytest.MonkeyPatch) -> None:
    """One account per role (with cheap hashing, so signing in stays quick)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "HASHER", cheap)
    with night.database.session_scope() as session:
        for role, email in EMAILS.items():
            service.create_user(session, email, PASSWORD, role, night.clock.now())


def assert_delivered_only_where_meant(night: LiveNight, p: Planted) -> None:
    """Each canary reached exactly its allowed numbers (and nobody's number went out)."""
    for message in night.fake.messages:
        for canary, allowed in p.allowed.items():
            found = found_in_text(canary.needles, message.sent_body)
            assert not found or message.to in allowed, (canary.path, message.to, found)
        assert not found_in_text(p.strangers, message.sent_body), message.to
    for canary, allowed in p.allowed.items():
        for number in allowed:
            assert canary.latin in " ".join(night.inbox(number)), (canary.path, number)


def test_identifiers_planted_through_every_path_are_nowhere_after_the_call(
    night: LiveNight, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    create_accounts(night, monkeypatch)
    p = Planted(started=time.time() - 1)
    r1, r2 = open_requests(night, p)
    check_ins(night, p, r1, r2)
    words_both_ways(night, p, r1, r2)
    r3 = new_request(night, p)
    commands_with_words(night, p, r1)
    strangers(night, p)
    pages = admin_texts(night)
    close_everything(night, p, (r1, r2, r3))
    p.images += image_of(night, wal_since=p.started)
    opened = {name.split(" | ")[0] for name in found_in(night, p.images, p.sealed())}
    assert {"officer first text", "officer follow-up held"} <= opened  # the sweep would see
    outlive_the_keys(night)
    pages.update({f"after: {k}": v for k, v in admin_texts(night).items()})

    assert_delivered_only_where_meant(night, p)
    assert not [b for b in night.fake.retained_bodies() if found_in_text(p.needles, b)]
    assert set(p.calls) <= set(night.fake.deleted_calls)
    final = image_of(night, wal_since=p.started)
    assert found_in_images(p.needles, final) == []
    assert found_in(night, [*p.images, *final], p.sealed()) == set()
    assert found_in_text(p.needles, caplog.text) == []
    assert found_in_text((ANA, BEN, CRUZ, OFFICER, OFFICER_2), caplog.text) == []
    assert {url: found_in_text(p.needles, text) for url, text in pages.items()} == {
        url: [] for url in pages
    }
    assert any(url.endswith(".csv") for url in pages) and any("call-log" in u for u in pages)
