"""Configured needs in the statistics, the funder export and the call log export: counted
from the call log's ``more_needs`` in SQL, on both databases, like the built-in needs."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from dispatcher.flows.calllog import more_needs_text, read_more_needs
from dispatcher.flows.models import CallLogEntry
from dispatcher.rosters import needstore
from dispatcher.rosters.needkinds import DEFAULT_NEEDS, make_need
from tests.admin.test_stats import TABLE_ROW
from tests.support.admin import Store, Visitor

SANE = make_need("sane", "sane", {"en": "a SANE nurse"}, {"en": ["forensic exam"]})


def entry(day: int, sane: str | None) -> CallLogEntry:
    """A closed March request that asked for an advocate and, maybe, a SANE nurse."""
    outcomes = {"advocate": "accepted", **({"sane": sane} if sane else {})}
    return CallLogEntry(
        opened_hour=datetime(2026, 3, day, 12, tzinfo=UTC),
        time_open="lt5m",
        channel="sms",
        needs=[{"kind": kind, "outcome": out} for kind, out in outcomes.items()],
        tags=[],
        outcome="accepted",
        advocate="accepted",
        more_needs=more_needs_text(outcomes),
    )


def seed(store: Store) -> None:
    """The SANE need configured; 7 requests asked for it (6 filled), 3 did not."""
    with store.scope() as session:
        needstore.save(session, DEFAULT_NEEDS.with_needs([SANE]))
        session.add_all([entry(3 + i, "accepted") for i in range(6)])
        session.add_all([entry(12, "unfilled"), entry(13, None), entry(14, None), entry(15, None)])


def test_the_outcomes_text_reads_back() -> None:
    outcomes = {"advocate": "accepted", "sane": "accepted", "legal": "unfilled"}
    assert more_needs_text(outcomes) == "legal:unfilled sane:accepted"
    assert read_more_needs(more_needs_text(outcomes)) == {"legal": "unfilled", "sane": "accepted"}
    assert more_needs_text({"advocate": "accepted", "room": None}) is None


def test_a_coordinator_sees_a_configured_needs_counts(coordinator: Visitor, store: Store) -> None:
    seed(store)
    page = coordinator.text("/admin/statistics?by=month&month=2026-03")
    shown = dict(TABLE_ROW.findall(page.split('id="trend-heading"')[0]))
    assert (shown["Sane needs"], shown["Sane needs filled"], shown["Sane needs unfilled"]) == (
        "7",
        "6",
        "1",
    )
    assert shown["Advocate needs"] == "10"


def test_the_funder_export_rounds_a_configured_need_like_the_others(
    viewer: Visitor, store: Store
) -> None:
    seed(store)
    text = viewer.get("/admin/statistics/funder.csv?by=month&month=2026-03").get_data(as_text=True)
    rows = {row["measure"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["Sane needs"]["value"] == "5"  # 7, rounded
    assert rows["Sane needs unfilled"]["value"] == "fewer than 5"


def test_the_call_log_filters_and_exports_a_configured_need(
    coordinator: Visitor, store: Store
) -> None:
    seed(store)
    page = coordinator.text("/admin/call-log?month=2026-03&need=sane")
    assert page.count("sane: <span") == 7
    text = coordinator.get("/admin/call-log/export.csv?month=2026-03").get_data(as_text=True)
    lines = text.splitlines()[1:]
    assert len(lines) == 7  # the 3 advocate-only requests are too few to release
    assert sum("advocate:accepted; sane:accepted" in line for line in lines) == 6
