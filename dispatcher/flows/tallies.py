"""Counting a period's call log in SQL (GROUP BY), so no page loads a year of rows.

Each query reads the entries opened in [start, end) through the index on the opening
hour and returns at most a few thousand grouped rows (one per opening hour at most).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, select
from sqlalchemy.orm import Session

from dispatcher.flows.buckets import hour_of
from dispatcher.flows.calllog import BUCKET_KEYS, read_more_needs
from dispatcher.flows.models import NEED_KINDS, CallLogEntry, Request
from dispatcher.flows.stats import MonthTally, Tallies
from dispatcher.flows.vocabulary import Outcome, RequestStatus

Bounds = tuple[datetime, datetime]
KEPT_MONTHS = 600  # at most 50 years of months kept, whatever periods are asked for


def tally_period(session: Session, start: datetime, end: datetime) -> Tallies:
    """The call log's counts for entries opened in [start, end) (aware UTC)."""
    outcomes, accept_buckets = _needs_and_waits(session, start, end)
    services, debriefed = _services(session, start, end)
    return Tallies(
        by_hour=_by_hour(session, start, end),
        outcomes=outcomes,
        accept_buckets=accept_buckets,
        active_advocates=_active_advocates(session, start, end),
        services=services,
        debriefed=debriefed,
    )


def _opened_in(start: datetime, end: datetime) -> tuple[ColumnElement[bool], ...]:
    """The condition: opened in [start, end)."""
    return (CallLogEntry.opened_hour >= start, CallLogEntry.opened_hour < end)


def _by_hour(session: Session, start: datetime, end: datetime) -> tuple[tuple[datetime, int], ...]:
    """Requests per opening hour."""
    rows = session.execute(
        select(CallLogEntry.opened_hour, func.count())
        .where(*_opened_in(start, end))
        .group_by(CallLogEntry.opened_hour)
    )
    return tuple((hour, int(count)) for hour, count in rows)


def _needs_and_waits(
    session: Session, start: datetime, end: datetime
) -> tuple[tuple[tuple[str, str, int], ...], tuple[int, ...]]:
    """(kind, outcome, needs) for every kind asked for; accepted requests per bucket.

    One GROUP BY over the need outcomes and the time to accept (a few hundred groups).
    """
    columns = _outcome_columns()
    rows = session.execute(
        select(*columns, CallLogEntry.time_to_accept, func.count())
        .where(*_opened_in(start, end))
        .group_by(*columns, CallLogEntry.time_to_accept)
    )
    needs: dict[tuple[str, str], int] = {}
    waits = dict.fromkeys(BUCKET_KEYS, 0)
    for row in rows:
        *outcomes, wait, count = row
        for kind, outcome in _outcomes(outcomes):
            needs[kind, outcome] = needs.get((kind, outcome), 0) + int(count)
        if wait in waits:
            waits[wait] += int(count)
    found = tuple((kind, outcome, n) for (kind, outcome), n in sorted(needs.items()))
    return found, tuple(waits[key] for key in BUCKET_KEYS)


def _outcome_columns() -> list[Any]:
    """The columns holding need outcomes: one per built-in kind, then the configured ones."""
    return [*(getattr(CallLogEntry, kind) for kind in NEED_KINDS), CallLogEntry.more_needs]


def _outcomes(values: Sequence[Any]) -> list[tuple[str, str]]:
    """(kind, outcome) of each need asked for, from a row's ``_outcome_columns`` values."""
    *columns, more = values
    found = [(k, str(v)) for k, v in zip(NEED_KINDS, columns, strict=True) if v is not None]
    return found + sorted(read_more_needs(more).items())


def _active_advocates(session: Session, start: datetime, end: datetime) -> int:
    """Distinct advocates who accepted a request opened in the period."""
    count = session.scalar(
        select(func.count(func.distinct(CallLogEntry.accepted_member_id))).where(
            *_opened_in(start, end), CallLogEntry.advocate == Outcome.ACCEPTED
        )
    )
    return int(count or 0)


def _services(
    session: Session, start: datetime, end: datetime
) -> tuple[tuple[tuple[str, int], ...], int]:
    """(service key, requests) for every service a debrief named; requests debriefed.

    Grouped in SQL by the stored list as text (few distinct lists), read in Python.
    """
    listed = cast(CallLogEntry.services, String)
    rows = session.execute(
        select(listed, func.count()).where(*_opened_in(start, end)).group_by(listed)
    )
    counts: dict[str, int] = {}
    debriefed = 0
    for text, count in rows:
        keys = json.loads(text) if text else []
        if not keys:
            continue
        debriefed += int(count)
        for key in set(keys):
            counts[key] = counts.get(key, 0) + int(count)
    return tuple(sorted(counts.items())), debriefed


def tally_months(session: Session, bounds: Sequence[tuple[datetime, datetime]]) -> list[MonthTally]:
    """Requests, need outcomes and accept buckets of each period in ``bounds`` (contiguous
    [start, end) pairs in order, aware UTC), in one GROUP BY over the whole span.

    Each entry is given its period's index by a CASE over the boundaries, so the grouping
    is the same on SQLite and PostgreSQL whatever the display zone.
    """
    if not bounds:
        return []
    index = case(
        *((CallLogEntry.opened_hour < end, i) for i, (_, end) in enumerate(bounds)),
        else_=len(bounds),
    )
    columns = _outcome_columns()
    rows = session.execute(
        select(index, *columns, CallLogEntry.time_to_accept, func.count())
        .where(*_opened_in(bounds[0][0], bounds[-1][1]))
        .group_by(index, *columns, CallLogEntry.time_to_accept)
    )
    requests = [0] * len(bounds)
    needs: list[dict[tuple[str, str], int]] = [{} for _ in bounds]
    waits = [dict.fromkeys(BUCKET_KEYS, 0) for _ in bounds]
    for row in rows:
        at, *outcomes, wait, count = row
        requests[at] += int(count)
        for kind, outcome in _outcomes(outcomes):
            needs[at][kind, outcome] = needs[at].get((kind, outcome), 0) + int(count)
        if wait in waits[at]:
            waits[at][wait] += int(count)
    return [
        MonthTally(
            requests[i],
            tuple((kind, outcome, n) for (kind, outcome), n in sorted(needs[i].items())),
            tuple(waits[i][key] for key in BUCKET_KEYS),
        )
        for i in range(len(bounds))
    ]


class SettledMonths:
    """The trend tallies of months whose call log can no longer change, kept in memory.

    The call log gains an entry only when a request closes, filed by its opening hour, so
    a month is settled once it has ended and no request opened in or before its end's hour
    is still open. A settled month's
    counted columns never change afterwards: a late debrief answer changes only the
    services (which the trend does not count) and ``forget_codes`` only the code. Nothing
    deletes call-log entries. The keys are the months' UTC bounds, so a change of display
    zone simply misses. One per process (the counts belong to its database).
    """

    def __init__(self) -> None:
        self._kept: dict[Bounds, MonthTally] = {}
        self._lock = threading.Lock()

    def tally(self, session: Session, bounds: Sequence[Bounds], now: datetime) -> list[MonthTally]:
        """``tally_months(session, bounds)``, counting in SQL only the months not kept;
        the settled ones among those are kept for next time."""
        with self._lock:
            found: list[MonthTally | None] = [self._kept.get(b) for b in bounds]
        missing = [i for i, tally in enumerate(found) if tally is None]
        if not missing:
            return [t for t in found if t is not None]
        # Entries are filed by their opening hour, so a month of a zone whose midnight is
        # not on the hour is settled only once the oldest open request's hour is past it.
        settled_before = hour_of(min(now, oldest_open(session) or now))
        for run in _runs(missing):
            counted = tally_months(session, [bounds[i] for i in run])
            for i, tally in zip(run, counted, strict=True):
                found[i] = tally
                if bounds[i][1] <= settled_before:
                    self._keep(bounds[i], tally)
        return [t for t in found if t is not None]

    def _keep(self, month: Bounds, tally: MonthTally) -> None:
        """Keep a settled month's tally, while fewer than KEPT_MONTHS are kept."""
        with self._lock:
            if len(self._kept) < KEPT_MONTHS:
                self._kept[month] = tally

    def __len__(self) -> int:
        """How many months are kept."""
        with self._lock:
            return len(self._kept)


def oldest_open(session: Session) -> datetime | None:
    """When the oldest request still open was opened (None when none is open)."""
    return session.scalar(
        select(func.min(Request.opened_at)).where(Request.status == RequestStatus.OPEN)
    )


def _runs(indexes: Sequence[int]) -> list[list[int]]:
    """Ascending ``indexes`` cut into runs of consecutive numbers."""
    runs: list[list[int]] = []
    for i in indexes:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs
