"""Scenarios: Twilio down, slow or refusing; long messages. Nothing lost, nothing sent twice,
and nobody is held to a failure that was the provider's or the service's.
"""

from __future__ import annotations

import sqlalchemy as sa

from dispatcher.flows.models import Need, OutboxMessage, Page, Request
from dispatcher.rosters.models import Person
from tests.fakes import Outage
from tests.night import ANA, BEN, HARBOR, KIM, LAKEVIEW, OFFICER, SAM
from tests.scenarios.live import LiveNight

PAGED = (ANA, HARBOR, LAKEVIEW, SAM)  # an advocate, both hotels, the driver on call


def page_states(night: LiveNight) -> list[str]:
    """Every page's state."""
    with night.database.session_scope() as session:
        return list(session.scalars(sa.select(Page.state).order_by(Page.id)))


def outbox_rows(night: LiveNight) -> list[OutboxMessage]:
    """Every outbox row, detached, oldest first."""
    with night.database.session_scope() as session:
        rows = list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()
        return rows


def run_for(night: LiveNight, seconds: int, step: int = 5) -> None:
    """Let ``seconds`` of clock time pass, ticking every ``step`` seconds."""
    for _ in range(seconds // step):
        night.advance(seconds=step)


def test_a_minute_of_500s_429s_and_hangs_loses_nothing_and_sends_nothing_twice(
    night: LiveNight,
) -> None:
    night.fake.outage = Outage(status=500, code=20500)
    night.text(OFFICER, "need an advocate, a room and a ride")
    night.tick()
    run_for(night, 20)
    night.fake.outage = Outage(status=429, code=20429)
    run_for(night, 20)
    night.fake.outage = Outage(hang=2.5, keep=True)  # Twilio takes them; the client times out
    run_for(night, 20)
    assert all(night.inbox(number) == night.inbox(number)[:1] for number in PAGED)
    night.fake.outage = None
    run_for(night, 60, step=15)
    code = outbox_code(night)
    for number in PAGED:
        (page,) = night.inbox(number)
        assert code in page
    assert page_states(night) == ["open"] * 4  # nobody counted unreachable
    with night.database.session_scope() as session:
        assert set(session.scalars(sa.select(Need.state))) == {"paging"}
        assert not any(session.scalars(sa.select(Person.opted_out)))
    assert {r.state for r in outbox_rows(night)} == {"sent"}


def outbox_code(night: LiveNight) -> str:
    """The code of the only request."""
    with night.database.session_scope() as session:
        return session.scalars(sa.select(Request.code)).one()


def test_a_late_callback_settles_a_send_that_timed_out(night: LiveNight) -> None:
    night.fake.delay_next(2.5)  # Twilio keeps the page but answers after the 1 s timeout
    night.text(OFFICER, "need an advocate")
    night.tick()
    (kept,) = night.fake.messages
    (page_row,) = outbox_rows(night)
    assert page_row.state == "pending" and page_row.provider_status == "uncertain"
    assert kept.status_callback is not None and kept.status_callback.endswith(f"?o={page_row.id}")
    assert night.fake.deliver(kept.sid, "delivered").status_code == 204
    night.tick()  # deletes Twilio's copies that are due
    run_for(night, 30)
    assert night.inbox(ANA) == [kept.sent_body]  # never sent twice
    (page_row,) = outbox_rows(night)
    assert (page_row.state, page_row.provider_sid, page_row.body) == ("sent", kept.sid, None)
    assert [r for r in night.fake.requests if r.method == "GET"] == []  # no look-up needed


def test_an_uncertain_send_keeps_twilios_copies_to_that_number_until_settled(
    night: LiveNight,
) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    (page,) = night.fake.messages
    night.fake.outage = Outage(hang=2.5, keep=True)
    assert night.text(ANA, "1") is None
    night.tick()  # the officer's words to Ana: Twilio takes them, the client times out
    night.fake.outage = None
    night.fake.deliver(page.sid, "delivered")  # the page is final: its copy is due
    night.tick()
    assert not night.fake.message(page.sid).deleted  # kept while a send to Ana is uncertain
    run_for(night, 30)
    assert night.fake.message(page.sid).deleted
    received = night.inbox(ANA)
    # the page, the check-in instructions and the words, once each
    assert len(received) == len(set(received)) == 3


def test_a_page_whose_request_closed_during_an_outage_is_never_sent(night: LiveNight) -> None:
    night.fake.outage = Outage(status=503, code=20500)
    night.text(OFFICER, "need an advocate")
    night.tick()
    night.text(OFFICER, "DONE")
    night.fake.outage = None
    run_for(night, 30)
    assert night.inbox(ANA) == []
    (page_row, *_) = outbox_rows(night)
    assert (page_row.state, page_row.failure, page_row.body) == ("dropped", "not_paging", None)


def test_a_page_twilio_refuses_moves_on_without_holding_it_against_the_person(
    night: LiveNight,
) -> None:
    night.fake.fail_with_code(21211, to=ANA)  # refused by the provider, not Ana's phone
    night.text(OFFICER, "need an advocate")
    night.tick()
    night.tick()
    assert outbox_code(night) in night.last(BEN)
    assert page_states(night)[0] == "unsent"
    assert "Dispatcher alert" in night.last(KIM)
    with night.database.session_scope() as session:
        assert not session.scalars(sa.select(Person.opted_out).where(Person.phone == ANA)).one()


def long_text(marker: str) -> str:
    """An officer's long text (about 700 characters) carrying ``marker``."""
    return f"{marker} " + " ".join(["the person is waiting in the lobby near the front desk"] * 12)


def test_a_long_accepted_message_goes_out_in_parts_twilio_accepts(night: LiveNight) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    for marker in ("FIRST", "SECOND", "THIRD"):
        night.text(OFFICER, long_text(marker))
    assert night.text(ANA, "1") is None
    night.tick()
    parts = night.inbox(ANA)[2:]  # after the page and the check-in instructions
    assert len(parts) >= 2
    assert all(
        len(p) <= 1600 and p.startswith(f"({k}/{len(parts)}) ") for k, p in enumerate(parts, 1)
    )
    joined = " ".join(parts)
    assert all(marker in joined for marker in ("FIRST", "SECOND", "THIRD"))
    accepted = outbox_rows(night)[-2:]
    assert all(r.body is None for r in outbox_rows(night))
    assert any(r.parts_sent == len(parts) for r in accepted)


def test_a_status_callback_with_an_odd_outbox_reference_is_applied_by_its_sid(
    night: LiveNight,
) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    (page,) = night.fake.messages
    for query in ("o=abc&p=1", "o=1&p=-2", "o=99999999999999&p=1"):
        params = {"MessageSid": page.sid, "MessageStatus": "sent", "AccountSid": page.account_sid}
        assert night.post(f"/sms/status?{query}", params).status_code == 204
    (page_row,) = outbox_rows(night)
    assert (page_row.state, page_row.provider_status) == ("sent", "sent")
