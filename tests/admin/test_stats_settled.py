"""The statistics trend keeps the tallies of settled months: those that have ended with no
request opened before their end still open, since the call log of such a month no longer
changes. The current month, and any month a still-open request belongs to, is counted anew."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from dispatcher.admin.views.stats import SETTLED
from dispatcher.flows import tallies
from dispatcher.flows.models import Request
from dispatcher.flows.stats import months_up_to
from dispatcher.flows.tallies import SettledMonths, tally_months
from tests.admin.calllog_rows import logged, need, seed_call_log, utc
from tests.admin.test_stats_trend import MARCH, trend
from tests.support.admin import Store, Visitor

ZONE = ZoneInfo("America/Chicago")
NOW = utc(2026, 3, 10, 12)  # the tests' clock (calllog_rows)


def add_entry(store: Store, code: str, opened_day: int, month: int) -> None:
    """One more closed request, accepted, opened on ``opened_day`` of ``month`` 2026."""
    with store.scope() as session:
        opened = utc(2026, month, opened_day, 15)
        session.add(
            logged(code, opened, None, [need("advocate", "accepted", None, 60)], "accepted")
        )


def test_finished_months_are_counted_once_and_this_month_every_time(
    app: Flask, store: Store, coordinator: Visitor
) -> None:
    seed_call_log(store)
    first = trend(coordinator.text("/admin/statistics"))
    assert first["February 2026"][0] == "2" and first["March 2026"][0] == "5"
    assert len(app.extensions[SETTLED]) == 11  # April 2025 to February 2026
    add_entry(store, "LATE1", 20, 2)  # cannot happen: February is over and nothing was open
    add_entry(store, "NEW01", 9, 3)
    again = trend(coordinator.text("/admin/statistics"))
    assert again["February 2026"][0] == "2"  # kept
    assert again["March 2026"][0] == "6"  # counted anew


def test_a_month_with_a_request_still_open_is_not_kept(store: Store) -> None:
    seed_call_log(store)
    with store.scope() as session:
        opened = utc(2026, 2, 28, 23)  # Feb 28, 17:00 in Chicago; still open on Mar 10
        session.add(Request(code="OPEN1", opened_at=opened, last_activity_at=opened))
    kept = SettledMonths()
    bounds = [m.bounds(ZONE) for m in months_up_to(MARCH, 12)]
    with store.scope() as session:
        kept.tally(session, bounds, NOW)
    assert len(kept) == 10  # April 2025 to January 2026: February may still gain its entry
    add_entry(store, "OPEN1", 28, 2)  # the request closes and is logged
    with store.scope() as session:
        february = kept.tally(session, bounds, NOW)[-2]
    assert february.requests == 3


def test_kept_and_counted_months_together_agree_with_one_count(store: Store) -> None:
    seed_call_log(store)
    kept = SettledMonths()
    months = [m.bounds(ZONE) for m in months_up_to(MARCH, 14)]
    with store.scope() as session:
        kept.tally(session, months[3:6], NOW)  # kept in the middle: two runs left to count
        assert len(kept) == 3
        assert kept.tally(session, months, NOW) == tally_months(session, months)
        assert kept.tally(session, [], NOW) == []


def test_no_more_months_are_kept_than_the_limit(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_call_log(store)
    monkeypatch.setattr(tallies, "KEPT_MONTHS", 4)
    kept = SettledMonths()
    bounds = [m.bounds(ZONE) for m in months_up_to(MARCH, 12)]
    with store.scope() as session:
        found = kept.tally(session, bounds, NOW)
        assert len(kept) == 4
        assert found == tally_months(session, bounds)  # the rest is still counted


def test_a_zone_off_the_hour_waits_for_the_open_requests_hour(store: Store) -> None:
    seed_call_log(store)
    with store.scope() as session:  # Sun 1 Mar 00:10 in Kolkata, filed under 18:00 UTC:
        opened = utc(2026, 2, 28, 18, 40)  # that is 23:30 on 28 Feb there, in February
        session.add(Request(code="OPEN2", opened_at=opened, last_activity_at=opened))
    kept = SettledMonths()
    kolkata = [m.bounds(ZoneInfo("Asia/Kolkata")) for m in months_up_to(MARCH, 12)]
    with store.scope() as session:
        kept.tally(session, kolkata, NOW)
    assert len(kept) == 10  # February is not kept while the request is open
