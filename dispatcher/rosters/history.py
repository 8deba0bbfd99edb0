"""The shift history: who was actually on call, written as on-call changes happen.

``record_shifts`` brings one roster's history up to ``now``: it replays every change of the
on-call set since the last check at the instant the schedule made it (so a tick that runs
late, or after a restart, writes the handoffs it missed at their own times), then makes the
open rows match who is on call at ``now``. It is idempotent: run twice at the same ``now``,
the second run writes nothing. The ledger row is locked first, so two engines never write
the same change. Reads of the past (``recorded_on_call``, ``recorded_periods``) use these
rows; the future is still computed from the rotations.

Services take the session first, may flush and never commit. Instants are aware UTC.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatcher.clock import as_utc
from dispatcher.rosters.models import Person, Roster, ShiftLedger, ShiftRecord
from dispatcher.rosters.rotation import Shift, next_handoffs, on_call_at, on_call_periods
from dispatcher.rosters.service import RosterSpecs, roster_specs, specs_by_roster

log = logging.getLogger("dispatcher.history")

# A roster is looked at again at least this often, so a change made outside the roster
# edits (a person deleted, a row changed by hand) reaches the history within a minute.
RECHECK = timedelta(minutes=1)
BATCH = 50


def due_rosters(session: Session, now: datetime) -> list[int]:
    """Ids of the rosters whose history is due at ``now`` (or never written), oldest first."""
    query = (
        select(Roster.id)
        .outerjoin(ShiftLedger, ShiftLedger.roster_id == Roster.id)
        .where(or_(ShiftLedger.roster_id.is_(None), ShiftLedger.due_at <= now))
        .order_by(ShiftLedger.due_at, Roster.id)
        .limit(BATCH)
    )
    return list(session.scalars(query))


def record_due(session: Session, now: datetime) -> int:
    """Bring every due roster's history up to ``now``; returns how many rows changed.

    Each roster is recorded in its own savepoint: one that fails is logged (no names)
    and skipped, and the others go on.
    """
    changed = 0
    for roster_id in due_rosters(session, now):
        try:
            with session.begin_nested():
                roster = session.get(Roster, roster_id)
                if roster is not None:
                    changed += record_shifts(session, roster, now, skip_locked=True)
        except Exception as exc:  # one bad roster must not stop the others
            log.warning("history.failed roster=%s error=%s", roster_id, type(exc).__name__)
    return changed


def record_shifts(
    session: Session, roster: Roster, now: datetime, *, skip_locked: bool = False
) -> int:
    """Write ``roster``'s on-call changes from its last check up to ``now``.

    Returns how many rows were opened or closed. With ``skip_locked`` a ledger another
    engine holds is left to it (0 returned); without, the call waits for it.
    """
    now = as_utc(now)
    ledger = _claim_ledger(session, roster.id, now, skip_locked)
    if ledger is None or as_utc(ledger.checked_at) > now:
        return 0
    rotations, overrides = roster_specs(session, roster)
    open_rows = {
        row.person_id: row
        for row in session.scalars(
            select(ShiftRecord).where(
                ShiftRecord.roster_id == roster.id, ShiftRecord.ends_at.is_(None)
            )
        )
    }
    changes = next_handoffs(rotations, overrides, as_utc(ledger.checked_at), now)
    changes.append((now, on_call_at(rotations, overrides, now)))
    written = sum(_apply(session, roster.id, open_rows, at, people) for at, people in changes)
    ledger.checked_at = now
    upcoming = next_handoffs(rotations, overrides, now, now + RECHECK)
    ledger.due_at = upcoming[0][0] if upcoming else now + RECHECK
    session.flush()
    if written:
        log.info("history.recorded roster=%s rows=%s", roster.id, written)
    return written


def _claim_ledger(
    session: Session, roster_id: int, now: datetime, skip_locked: bool
) -> ShiftLedger | None:
    """The roster's ledger, locked; created (history from ``now``) if there is none yet."""
    query = (
        select(ShiftLedger)
        .where(ShiftLedger.roster_id == roster_id)
        .with_for_update(skip_locked=skip_locked)
    )
    ledger = session.scalars(query).one_or_none()
    if ledger is not None:
        return ledger
    try:
        with session.begin_nested():
            session.add(ShiftLedger(roster_id=roster_id, since=now, checked_at=now, due_at=now))
    except IntegrityError:
        pass  # another engine created it first; take it (or skip it) as above
    return session.scalars(query).one_or_none()


def _apply(
    session: Session,
    roster_id: int,
    open_rows: dict[int, ShiftRecord],
    at: datetime,
    people: set[int],
) -> int:
    """Close the open rows of people not in ``people`` and open rows for the new ones."""
    written = 0
    for person_id in sorted(set(open_rows) - people):
        open_rows.pop(person_id).ends_at = at
        written += 1
    for person_id in sorted(people - set(open_rows)):
        row = ShiftRecord(roster_id=roster_id, person_id=person_id, starts_at=at)
        session.add(row)
        open_rows[person_id] = row
        written += 1
    return written


def ledger_of(session: Session, roster: Roster) -> ShiftLedger | None:
    """The roster's ledger, if its history has been started."""
    return session.get(ShiftLedger, roster.id)


def recorded_on_call(session: Session, roster: Roster, at: datetime) -> set[int]:
    """Who was on call at ``at``: from the history if it covers ``at``, else computed.

    The history covers [ledger.since, ledger.checked_at]; later instants are not written
    yet (the future, or the moments since the engine last looked) and are computed from
    the rotations, and earlier ones predate the history (computed, the best there is).
    """
    at = as_utc(at)
    ledger = ledger_of(session, roster)
    if ledger is None or not as_utc(ledger.since) <= at <= as_utc(ledger.checked_at):
        rotations, overrides = roster_specs(session, roster)
        return on_call_at(rotations, overrides, at)
    rows = session.scalars(
        select(ShiftRecord.person_id).where(
            ShiftRecord.roster_id == roster.id,
            ShiftRecord.starts_at <= at,
            or_(ShiftRecord.ends_at.is_(None), ShiftRecord.ends_at > at),
        )
    )
    return set(rows)


def recorded_periods(
    session: Session, roster: Roster, start: datetime, end: datetime
) -> list[Shift]:
    """Every on-call period overlapping [start, end), sorted by (start, person).

    The recorded history where it is written ([since, checked_at)), the computed schedule
    before and after; a recorded shift under way joins the computed one that continues
    it. Computed periods are cut where the source changes.
    """
    return recorded_periods_of(session, [roster], start, end)[roster.id]


def recorded_periods_of(
    session: Session,
    rosters: Sequence[Roster],
    start: datetime,
    end: datetime,
    specs: dict[int, RosterSpecs] | None = None,
) -> dict[int, list[Shift]]:
    """``recorded_periods`` of each of ``rosters`` (by id), in six queries whatever their
    number: the ledgers, the rotations and overrides (unless given: ``specs_by_roster``),
    the recorded rows."""
    start, end = as_utc(start), as_utc(end)
    ids = [roster.id for roster in rosters]
    ledgers = {
        ledger.roster_id: ledger
        for ledger in session.scalars(select(ShiftLedger).where(ShiftLedger.roster_id.in_(ids)))
    }
    if specs is None:
        specs = specs_by_roster(session, {roster.id: roster.timezone for roster in rosters})
    # The part of [start, end) each roster's history covers, and the history's ``now``.
    spans: dict[int, tuple[datetime, datetime, datetime]] = {}
    for roster_id, written in ledgers.items():
        since, until = as_utc(written.since), as_utc(written.checked_at)
        if end > since and start < until:
            spans[roster_id] = (max(start, since), min(end, until), until)
    recorded = _recorded(session, spans)
    found: dict[int, list[Shift]] = {}
    for roster in rosters:
        rotations, overrides = specs[roster.id]
        ledger = ledgers.get(roster.id)
        if ledger is None:
            found[roster.id] = on_call_periods(rotations, overrides, start, end)
            continue
        since, until = as_utc(ledger.since), as_utc(ledger.checked_at)
        pieces: list[Shift] = []
        if start < since:
            before = on_call_periods(rotations, overrides, start, min(end, since))
            pieces += _clip(before, None, since)
        pieces += recorded.get(roster.id, [])
        if end > until:
            after = on_call_periods(rotations, overrides, max(start, until), end)
            pieces += _clip(after, until, None)
        found[roster.id] = _joined(pieces)
    return found


def _recorded(
    session: Session, spans: dict[int, tuple[datetime, datetime, datetime]]
) -> dict[int, list[Shift]]:
    """Each roster's history rows overlapping its span [a, b) of ``spans`` (roster id ->
    a, b, now), in one query; a shift under way ends at its ``now`` here."""
    if not spans:
        return {}
    rows = session.scalars(
        select(ShiftRecord).where(
            ShiftRecord.roster_id.in_(list(spans)),
            ShiftRecord.starts_at < max(b for _, b, _ in spans.values()),
            or_(
                ShiftRecord.ends_at.is_(None),
                ShiftRecord.ends_at > min(a for a, _, _ in spans.values()),
            ),
        )
    )
    found: dict[int, list[Shift]] = {}
    for row in rows:
        a, b, now = spans[row.roster_id]
        row_start = as_utc(row.starts_at)
        row_end = as_utc(row.ends_at) if row.ends_at is not None else now
        if row_start < b and (row.ends_at is None or row_end > a) and row_end > row_start:
            found.setdefault(row.roster_id, []).append(Shift(row_start, row_end, row.person_id))
    return found


def _clip(periods: Sequence[Shift], lo: datetime | None, hi: datetime | None) -> list[Shift]:
    """The periods cut to start no earlier than ``lo`` and end no later than ``hi``."""
    cut = []
    for p in periods:
        a = max(p.start, lo) if lo else p.start
        b = min(p.end, hi) if hi else p.end
        if b > a:
            cut.append(Shift(a, b, p.person_id))
    return cut


def _joined(pieces: Sequence[Shift]) -> list[Shift]:
    """Join each person's touching or overlapping pieces; sorted by (start, person)."""
    joined: list[Shift] = []
    last: dict[int, int] = {}
    for piece in sorted(pieces):
        index = last.get(piece.person_id)
        if index is not None and joined[index].end >= piece.start:
            previous = joined[index]
            joined[index] = Shift(previous.start, max(previous.end, piece.end), piece.person_id)
            continue
        last[piece.person_id] = len(joined)
        joined.append(piece)
    return sorted(joined, key=lambda p: (p.start, p.person_id))


def who_was_on_call(session: Session, roster: Roster, at: datetime) -> list[Person]:
    """The people on call at ``at`` (``recorded_on_call``), by name."""
    found = recorded_on_call(session, roster, at)
    if not found:
        return []
    people = session.scalars(select(Person).where(Person.id.in_(found)))
    return sorted(people, key=lambda p: (p.name, p.id))


def recorded_shifts(
    session: Session,
    roster: Roster,
    start: datetime,
    end: datetime,
    specs: RosterSpecs | None = None,
) -> list[tuple[Shift, Person]]:
    """``recorded_periods`` with each person, sorted by start then name (``specs``: the
    roster's ``roster_specs`` when the caller has them)."""
    given = {roster.id: specs} if specs is not None else None
    periods = recorded_periods_of(session, [roster], start, end, given)[roster.id]
    wanted = {p.person_id for p in periods}
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(wanted)))}
    found = [(shift, people[shift.person_id]) for shift in periods if shift.person_id in people]
    return sorted(found, key=lambda pair: (pair[0].start, pair[1].name, pair[0].end))
