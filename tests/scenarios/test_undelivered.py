"""Scenarios: a page Twilio reports undelivered moves escalation on at once, by error code."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dispatcher.flows.models import Page, Request
from dispatcher.flows.ports import UNREACHABLE_ERRORS
from tests.night import BEN, OFFICER
from tests.scenarios.live import LiveNight


def page_ana_and_report(night: LiveNight, error_code: int) -> str:
    """The officer texts, Ana is paged, Twilio calls back `undelivered` with ``error_code``."""
    night.text(OFFICER, "need an advocate")
    night.tick()
    answer = night.fake.deliver(night.fake.messages[-1].sid, "undelivered", error_code=error_code)
    assert answer.status_code in (200, 204)
    night.tick()
    with night.database.session_scope() as session:
        return session.scalars(sa.select(Request.code)).one()


def test_the_documented_codes_are_the_unreachable_ones() -> None:
    """30003 (handset unreachable or off) counts like 30005, 30006, 30007 and 21610."""
    assert frozenset({30003, 30005, 30006, 30007, 21610}) == UNREACHABLE_ERRORS


@pytest.mark.parametrize("error_code", [30003, 30005, 30007])  # 30006: called (voice pages)
def test_an_unreachable_handset_moves_escalation_on_at_once(
    night: LiveNight, error_code: int
) -> None:
    """The backup is paged on the callback, not five minutes later."""
    code = page_ana_and_report(night, error_code)
    assert code in night.last(BEN)
    with night.database.session_scope() as session:
        states = session.scalars(sa.select(Page.state).order_by(Page.id)).all()
    assert states[0] == "failed"


def test_an_other_failure_waits_for_the_step_to_time_out(night: LiveNight) -> None:
    """30008 (unknown error) says nothing of the handset: the page waits out its step."""
    code = page_ana_and_report(night, 30008)
    assert night.inbox(BEN) == []
    night.advance(seconds=5 * 60)
    assert code in night.last(BEN)
