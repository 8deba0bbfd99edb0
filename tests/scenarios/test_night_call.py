"""Scenarios: the whole service, signed webhooks in, the real twilio client out."""

from __future__ import annotations

import threading
import uuid

import requests
import sqlalchemy as sa

from dispatcher.db import Database
from dispatcher.flows.models import Need, OutboxMessage, ProviderCopy, Request
from dispatcher.rosters.models import Officer, Person
from tests.fakes import Posted, inbound_params
from tests.night import ANA, BEN, CRUZ, KIM, OFFICER, STRANGER
from tests.scenarios.live import ACCOUNT, LiveNight


def code_of(night: LiveNight) -> str:
    """The code of the only open request."""
    with night.database.session_scope() as session:
        return session.scalars(sa.select(Request.code)).one()


def test_happy_path_page_accept_tell_the_officer_and_delete_twilios_copies(
    night: LiveNight,
) -> None:
    reply = night.text(OFFICER, "Possible victim at the Lakeshore motel, needs an advocate")
    code = code_of(night)
    assert reply is not None and code in reply
    night.tick()
    assert code in night.last(ANA)
    night.deliver_all()
    assert night.text(ANA, "1") is None
    night.tick()
    assert "Lakeshore" in night.last(ANA)
    assert night.last(OFFICER).startswith(f"Ana (advocate) accepted {code}.")
    night.deliver_all()
    night.tick()  # deletes Twilio's copies of everything that is final
    for _ in range(3):  # a deletion the fake answered too late is tried again after a backoff
        if not undeleted_copies(night):
            break
        night.advance(seconds=31)
    assert night.fake.retained_bodies() == []
    assert undeleted_copies(night) == 0
    with night.database.session_scope() as session:
        assert (
            session.scalars(
                sa.select(OutboxMessage.body).where(OutboxMessage.body.is_not(None))
            ).all()
            == []
        )


def undeleted_copies(night: LiveNight) -> int:
    """How many of Twilio's copies are still to be deleted."""
    with night.database.session_scope() as session:
        query = sa.select(sa.func.count()).where(ProviderCopy.redacted_at.is_(None))
        return int(session.scalar(query.select_from(ProviderCopy)) or 0)


def test_unsigned_and_forged_webhooks_are_refused_and_change_nothing(night: LiveNight) -> None:
    params = inbound_params(OFFICER, "help")
    unsigned = requests.post(night.base_url + "/sms/inbound", data=params, timeout=5)
    assert unsigned.status_code == 403
    forged = night.post("/sms/inbound", params, token="not-the-token")
    assert forged.status_code == 403
    status = night.post(
        "/sms/status", {"MessageSid": "SM1", "MessageStatus": "delivered"}, token="x"
    )
    assert status.status_code == 403
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(Request)).all() == []


def test_a_webhook_delivered_twice_acts_once(night: LiveNight) -> None:
    params = inbound_params(OFFICER, "need an advocate")
    first = night.post("/sms/inbound", params)
    second = night.post("/sms/inbound", params)
    assert "<Message" in first.text and "<Message" not in second.text
    with night.database.session_scope() as session:
        assert len(session.scalars(sa.select(Request)).all()) == 1


def test_twilio_500s_are_retried_with_backoff_without_double_paging(night: LiveNight) -> None:
    night.fake.fail_next(2, status=500)
    night.text(OFFICER, "need an advocate")
    night.tick()
    assert night.inbox(ANA) == []
    for _ in range(4):
        night.advance(seconds=5)
    assert len(night.inbox(ANA)) == 1


def test_a_timeout_is_checked_before_resending(night: LiveNight) -> None:
    night.fake.delay_next(2.5)  # longer than the 1 s send timeout: the client gives up
    night.text(OFFICER, "need an advocate")
    night.tick()
    night.advance(seconds=5)
    night.advance(seconds=5)
    assert len(night.inbox(ANA)) == 1  # Twilio had it; it was found, not sent again


def test_error_21610_opts_the_person_out_and_escalation_moves_on(night: LiveNight) -> None:
    night.fake.fail_with_code(21610, to=ANA)
    night.text(OFFICER, "need an advocate")
    night.tick()
    night.tick()
    code = code_of(night)
    assert code in night.last(BEN)
    assert "Ana Ruiz" in night.last(KIM)
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(Person.opted_out).where(Person.phone == ANA)).one()


def test_an_undelivered_page_counts_as_no_answer(night: LiveNight) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    sid = night.fake.messages[-1].sid
    night.fake.deliver(sid, "undelivered", error_code=30005)  # 30006, a landline, is called
    night.tick()
    assert code_of(night) in night.last(BEN)


def test_an_unknown_sender_gets_the_referral_and_leaves_no_trace(night: LiveNight) -> None:
    reply = night.text(STRANGER, "my boyfriend took my ID, I am at 12 Elm St")
    assert reply is not None and "911" in reply and "1-888-373-7888" in reply
    for _ in range(5):
        night.text(STRANGER, "hello?")
    with night.database.session_scope() as session:
        dump = " ".join(
            str(row)
            for table in ("officers", "people", "outbox", "anonymous_counts")
            for row in session.execute(sa.text(f"SELECT * FROM {table}")).all()
        )
    assert "4145550177" not in dump
    assert "Elm St" not in dump


def test_enrollment_by_text_lists_the_officer_and_tells_the_coordinators(night: LiveNight) -> None:
    reply = night.text(STRANGER, "JOIN rpd-4821 Sgt. Maria Alvarez")
    assert reply is not None and "Racine" in reply
    night.tick()
    assert "Maria Alvarez" in night.last(KIM)
    with night.database.session_scope() as session:
        officer = session.scalars(sa.select(Officer).where(Officer.phone == STRANGER)).one()
        assert officer.enrolled_by == "sms"
    assert night.text(STRANGER, "need an advocate") is not None
    night.tick()
    assert code_of(night) in night.last(ANA)


def test_simultaneous_accepts_from_many_phones_have_one_winner(night: LiveNight) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    night.advance(minutes=5)
    night.advance(minutes=5)  # Ana, Ben and Cruz all hold a page now
    code = code_of(night)
    answers: list[str | None] = []
    barrier = threading.Barrier(6)

    def accept(number: str) -> None:
        barrier.wait()
        answers.append(night.text(number, f"1 {code}"))

    threads = [threading.Thread(target=accept, args=(n,)) for n in (ANA, BEN, CRUZ) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with night.database.session_scope() as session:
        need = session.scalars(sa.select(Need)).one()
        assert need.state == "accepted"
    assert answers.count(None) == 1
    # The losers hear who covered it; the winner's second accept hears it is already theirs.
    assert all(
        "already covered by" in a or a == f"You already accepted {code}."
        for a in answers
        if a is not None
    )


def test_a_restart_mid_escalation_fires_the_overdue_step_at_once(
    night: LiveNight, database: Database
) -> None:
    night.text(OFFICER, "need an advocate")
    night.tick()
    night.stop()  # the process dies
    night.clock.advance(600)
    revived = LiveNight(database, night.tmp_path, night.clock, night.fake, send_timeout="1s")
    try:
        revived.tick()
        assert code_of(revived) in revived.last(BEN)
    finally:
        revived.stop()
    night.server = revived.server  # already stopped; keep the fixture's stop harmless


def call(night: LiveNight, number: str, token: str | None = None) -> Posted:
    """``number`` calls the hotline (a fresh CallSid)."""
    params = {
        "CallSid": "CA" + uuid.uuid4().hex,
        "AccountSid": ACCOUNT,
        "From": number,
        "To": "+12625550100",
        "CallStatus": "ringing",
        "Direction": "inbound",
    }
    return night.post("/voice/inbound", params, token=token)


def test_an_officers_call_opens_a_request_by_voice_and_nothing_is_recorded(
    night: LiveNight,
) -> None:
    answer = call(night, OFFICER)
    assert answer.status_code == 200 and "<Say>" in answer.text
    assert "<Record" not in answer.text and "transcri" not in answer.text.lower()
    code = code_of(night)
    assert ", ".join(code) in answer.text
    assert "<Dial" in answer.text and "+12625550101</Number>" in answer.text  # Ana, live
    night.tick()
    assert night.inbox(ANA) == []  # rung, not texted, while the call routes
    again = call(night, OFFICER)
    assert "still open" in again.text
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(Request.channel)).one() == "voice"


def test_other_callers_hear_a_referral_or_how_to_answer(night: LiveNight) -> None:
    assert "9 1 1" in call(night, STRANGER).text
    assert "To answer a page" in call(night, ANA).text
    assert call(night, OFFICER, token="forged").status_code == 403
    with night.database.session_scope() as session:
        assert session.scalars(sa.select(Request)).all() == []
