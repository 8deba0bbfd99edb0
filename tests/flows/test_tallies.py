"""The call log counted in SQL, on both databases: the same numbers as counting by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatcher.db import Database
from dispatcher.flows.calllog import BUCKET_KEYS, forget_codes
from dispatcher.flows.engine import purge
from dispatcher.flows.models import NEED_KINDS, CallLogEntry
from dispatcher.flows.tallies import tally_period

START = datetime(2026, 1, 1, 6, tzinfo=UTC)
END = START + timedelta(days=90)
OUTCOMES = ("accepted", "unfilled", "cancelled")


def entry(n: int, hour: int, outcomes: dict[str, str], accept: str | None, member: int | None):
    """A call-log row opened ``hour`` hours after START with these need outcomes."""
    return CallLogEntry(
        code=f"T{n}",
        opened_hour=START + timedelta(hours=hour),
        time_to_accept=accept,
        time_open="60+",
        channel="sms",
        needs=[{"kind": k, "outcome": o} for k, o in outcomes.items()],
        tags=[],
        accepted_member_id=member,
        outcome="accepted" if accept else "unfilled",
        **{kind: outcomes.get(kind) for kind in NEED_KINDS},
    )


rows_strategy = st.lists(
    st.tuples(
        st.integers(-48, 24 * 92),  # some before the period, some after it
        st.dictionaries(st.sampled_from(NEED_KINDS), st.sampled_from(OUTCOMES), max_size=3),
        st.one_of(st.none(), st.sampled_from(BUCKET_KEYS)),
        st.one_of(st.none(), st.integers(1, 6)),
    ),
    max_size=30,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows_strategy)
def test_sql_counts_match_counting_the_rows_by_hand(database: Database, drawn: list) -> None:
    with database.session_scope() as session:
        session.execute(sa.delete(CallLogEntry))
        session.add_all(entry(n, *row) for n, row in enumerate(drawn))
    inside = [row for row in drawn if START <= START + timedelta(hours=row[0]) < END]
    with database.session_scope() as session:
        found = tally_period(session, START, END)
    assert sum(count for _, count in found.by_hour) == len(inside)
    assert {hour for hour, _ in found.by_hour} == {START + timedelta(hours=r[0]) for r in inside}
    expected: dict[tuple[str, str], int] = {}
    for _, outcomes, _, _ in inside:
        for kind, outcome in outcomes.items():
            expected[kind, outcome] = expected.get((kind, outcome), 0) + 1
    assert {(k, o): n for k, o, n in found.outcomes} == expected
    assert found.accept_buckets == tuple(
        sum(1 for r in inside if r[2] == key) for key in BUCKET_KEYS
    )
    advocates = {r[3] for r in inside if r[1].get("advocate") == "accepted"} - {None}
    assert found.active_advocates == len(advocates)


def test_an_empty_period_counts_nothing(database: Database) -> None:
    with database.session_scope() as session:
        found = tally_period(session, START, END)
    assert (found.by_hour, found.outcomes, found.active_advocates) == ((), (), 0)
    assert found.accept_buckets == (0,) * len(BUCKET_KEYS)


def test_the_engine_forgets_reference_codes_after_30_days(database: Database) -> None:
    now = START + timedelta(days=60)
    with database.session_scope() as session:
        session.add_all(
            [
                entry(1, 0, {"advocate": "accepted"}, "0-5", 1),  # 60 days old
                entry(2, 24 * 29, {"advocate": "accepted"}, "0-5", 1),  # 31 days old
                entry(3, 24 * 31, {"advocate": "accepted"}, "0-5", 1),  # 29 days old
            ]
        )
    with database.session_scope() as session:
        purge(session, now)  # the engine's slow duties
        assert forget_codes(session, now) == 0
    with database.session_scope() as session:
        codes = session.scalars(sa.select(CallLogEntry.code).order_by(CallLogEntry.id)).all()
    assert codes == [None, None, "T3"]
