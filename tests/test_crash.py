"""kill -9 during live escalations loses nothing and sends nothing twice, on both databases.

Real processes page through the fake Twilio while four requests escalate in steps of
3 s: ``dispatcher run`` (web and engine in one) on SQLite and PostgreSQL, and on
PostgreSQL also a web-only ``dispatcher run`` beside two ``dispatcher worker``s. They are
killed with SIGKILL four times: the engines right after an officer's text, the engines
while a page is in flight at a Twilio that holds its answer, one engine in the middle of a
step's wait, and the web right after an advocate's accept (whose webhook Twilio then
repeats). Afterwards the database and the fake Twilio must agree:
every outbox row reached Twilio at most once (exactly once when recorded sent), every
step that fell due happened, the accept was applied once and the officer told once, and
nothing is left sending.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from dispatcher.db import Database, upgrade_database
from dispatcher.flows.models import Need, OutboxMessage, Page
from dispatcher.rosters.models import Person
from tests.crashsite import ANA, BEN, OFFICERS, STEPS, Site, eventually
from tests.fakes import FakeMessage, FakeTwilio, inbound_params
from tests.scenarios.live import ACCOUNT
from tests.support.databases import empty_tables

pytestmark = pytest.mark.slow
HOLD = 10.0  # seconds the fake holds its answer to the page in flight (the client waits 5 s)
SETTLE = 75.0  # a send cut off by a kill is taken up again once its 30 s lease runs out


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("postgres-workers", marks=pytest.mark.postgres),
    ]
)
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    """An empty database with the roster imported, and the fake Twilio; no process yet.

    On PostgreSQL both ways to run: ``dispatcher run`` alone, and the web beside two workers.
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crash.db'}"
        upgrade_database(url)
    else:
        url = request.getfixturevalue("postgres_url")
    database = Database(url)
    empty_tables(database)
    with FakeTwilio(auth_token="crash-auth-token") as fake:
        running = Site(database, fake, tmp_path, workers=request.param == "postgres-workers")
        try:
            running.import_roster()
            yield running
        finally:
            running.stop()
            database.dispose()
    assert fake.violations == [], "requests Twilio's API description rejects"


def test_kill_9_during_live_escalations_loses_and_duplicates_nothing(site: Site) -> None:
    site.start()
    codes = [site.open_request(OFFICERS[0])]
    site.crash(site.engines)  # 1: right after an officer's text
    eventually(lambda: site.posts_to(ANA, codes[0]), "the first request's first page")
    site.fake.delay_next(HOLD, to=ANA)
    codes.append(site.open_request(OFFICERS[1]))
    eventually(lambda: site.posts_to(ANA, codes[1]), "the held page reaching Twilio")
    site.kill(site.engines)  # 2: while Twilio holds that page
    assert in_flight(site) >= 1  # the kill hit the send window
    site.start(site.engines)
    codes += [site.open_request(OFFICERS[2]), site.open_request(OFFICERS[3])]
    eventually(lambda: site.posts_to(BEN, codes[2]), "a second step")
    time.sleep(1.5)
    site.crash(site.engines[:1])  # 3: mid-step (with workers, the other one goes on)
    accept = inbound_params(ANA, f"1 {codes[0]}", account_sid=ACCOUNT)
    assert site.post(accept) is None
    site.crash([site.web])  # 4: right after the accept
    assert site.post(accept) is None  # Twilio repeats the webhook: nothing happens twice
    eventually(lambda: settled(site, len(codes)), "every due step and message", SETTLE)
    # The page cut off by the kill was looked up at Twilio before any resend.
    assert any(r.method == "GET" for r in site.fake.requests)
    check_every_message_sent_at_most_once(site)
    check_every_step_happened(site, codes[1:])
    check_accepted_once(site, codes[0])


def in_flight(site: Site) -> int:
    """How many outbox rows are being sent (leased)."""
    query = sa.select(sa.func.count()).where(OutboxMessage.state == "sending")
    return site.scalar(query.select_from(OutboxMessage)) or 0


def settled(site: Site, requests: int) -> bool:
    """Every request's need accepted or at its last step, and nothing left to send."""
    with site.database.session_scope() as session:
        needs = list(session.scalars(sa.select(Need)))
        unsent = session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.state.in_(("pending", "sending")))
        )
    done = [n for n in needs if n.state == "accepted" or n.depth == len(STEPS)]
    return len(needs) == requests and len(done) == requests and not unsent


def rows(site: Site) -> list[OutboxMessage]:
    """Every outbox row, detached, oldest first."""
    with site.database.session_scope() as session:
        found = list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()
        return found


def sent_for(site: Site) -> dict[tuple[int, int], list[FakeMessage]]:
    """The messages the fake took, by the (outbox id, part) in their status callback URL."""
    found: dict[tuple[int, int], list[FakeMessage]] = {}
    for message in site.fake.messages:
        query = parse_qs(urlsplit(message.status_callback or "").query)
        key = (int(query["o"][0]), int(query.get("p", ["1"])[0]))
        found.setdefault(key, []).append(message)
    return found


def check_every_message_sent_at_most_once(site: Site) -> None:
    """Twilio took each outbox row once when it is recorded sent, at most once otherwise;
    Twilio took nothing that is not an outbox row; nothing is pending, sending or failed."""
    taken = sent_for(site)
    outbox = rows(site)
    assert {key[0] for key in taken} <= {row.id for row in outbox}
    assert all(len(messages) == 1 for messages in taken.values()), "a message was sent twice"
    for row in outbox:
        assert row.state in ("sent", "dropped"), (row.id, row.template, row.state)
        if row.state == "sent":
            (message,) = taken[(row.id, 1)]
            assert (message.sid, message.to) == (row.provider_sid, row.to_number)
        else:  # a page its need no longer wanted when its turn came (see the page checks)
            assert row.template == "page", row.template


def pages_by_need(site: Site) -> dict[int, list[tuple[Page, str, OutboxMessage]]]:
    """Each need's pages with the paged person's number and the page's one outbox row."""
    with site.database.session_scope() as session:
        found: dict[int, list[tuple[Page, str, OutboxMessage]]] = {}
        for page in session.scalars(sa.select(Page).order_by(Page.id)):
            (row,) = session.scalars(
                sa.select(OutboxMessage).where(
                    OutboxMessage.page_id == page.id, OutboxMessage.template == "page"
                )
            )
            phone = session.get_one(Person, page.person_id).phone
            found.setdefault(page.need_id, []).append((page, phone, row))
        session.expunge_all()
        return found


def needs(site: Site) -> list[Need]:
    """Every need, detached, in the order the requests were opened (one need each)."""
    with site.database.session_scope() as session:
        found = list(session.scalars(sa.select(Need).order_by(Need.id)))
        session.expunge_all()
        return found


def check_every_step_happened(site: Site, codes: list[str]) -> None:
    """Each request still paging went through every step, each person paged once per step,
    and each page reached Twilio exactly once with the request's code."""
    taken = sent_for(site)
    pages = pages_by_need(site)
    paging = needs(site)[1:]
    assert len(paging) == len(codes)
    for need, code in zip(paging, codes, strict=True):
        assert (need.state, need.step_index, need.round, need.depth) == ("paging", 3, 0, 4)
        by_step: dict[int, list[str]] = {}
        for page, phone, row in pages[need.id]:
            by_step.setdefault(page.step_index, []).append(phone)
            assert (page.state, page.round, row.state) == ("open", 0, "sent")
            (message,) = taken[(row.id, 1)]
            assert code in message.sent_body and message.to == phone
        assert {s: sorted(p) for s, p in by_step.items()} == {
            s: sorted(p) for s, p in STEPS.items()
        }


def check_accepted_once(site: Site, code: str) -> None:
    """The accept was applied once: Ana holds the need, she and the officer were told once,
    and a page it made unnecessary was dropped rather than sent (or had already gone)."""
    taken = sent_for(site)
    accepted = needs(site)[0]
    with site.database.session_scope() as session:
        ana = session.scalars(sa.select(Person.id).where(Person.phone == ANA)).one()
    assert (accepted.state, accepted.accepted_by_id) == ("accepted", ana)
    outbox = rows(site)
    told = [r for r in outbox if r.template == "officer_accepted"]
    assert [(r.to_number, r.state) for r in told] == [(OFFICERS[0], "sent")]
    assert code in taken[(told[0].id, 1)][0].sent_body
    welcomed = [r for r in outbox if r.template == "accepted"]
    assert [(r.to_number, r.state) for r in welcomed] == [(ANA, "sent")]
    assert code in taken[(welcomed[0].id, 1)][0].sent_body
    for page, _phone, row in pages_by_need(site)[accepted.id]:
        if row.state == "dropped":
            assert page.state != "open"
        if page.person_id == ana:
            assert (page.state, row.state) == ("accepted", "sent")
