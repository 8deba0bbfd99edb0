"""Statistics over the call log for a month or a quarter: pure functions of tallies and a zone.

Tallies are the call log's counts grouped in SQL (``flows.tallies``). Instants are aware
UTC; a period is a calendar month or quarter of local dates in the display zone. Nothing
here reads the database or the clock. Times to accept exist only as buckets, so their
median and 90th percentile are buckets too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatcher.clock import as_utc
from dispatcher.flows.buckets import BUCKET_KEYS
from dispatcher.flows.vocabulary import NEED_KINDS, Outcome
from dispatcher.rosters.schedule import local_to_utc

PERIOD_KINDS = ("month", "quarter")
REPORT_KINDS = ("quarter", "year")  # the coalition report's periods
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
# Night is 22:00 (inclusive) to 06:00 (exclusive), local wall time of the opening hour.
NIGHT_FROM, NIGHT_UNTIL = time(22), time(6)


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year: the local dates from ``first`` up to ``after``."""

    kind: str
    first: date

    @property
    def after(self) -> date:
        """The first local date after the period."""
        return _add_months(self.first, MONTHS_IN[self.kind])

    @property
    def key(self) -> str:
        """``2026-03`` for a month, ``2026-Q1`` for a quarter, ``2026`` for a year."""
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "year":
            return f"{self.first.year}"
        return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"

    @property
    def label(self) -> str:
        """``March 2026``, ``Q1 2026 (January to March)`` or ``2026``."""
        if self.kind == "month":
            return f"{self.first:%B %Y}"
        if self.kind == "year":
            return f"{self.first.year}"
        last = _add_months(self.first, 2)
        return (
            f"Q{(self.first.month - 1) // 3 + 1} {self.first.year} ({self.first:%B} to {last:%B})"
        )

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as UTC instants [start, end): local midnights in ``zone``."""
        start = datetime.combine(self.first, time())
        end = datetime.combine(self.after, time())
        return local_to_utc(start, zone), local_to_utc(end, zone)

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return Period(self.kind, _add_months(self.first, -MONTHS_IN[self.kind]))

    def following(self) -> Period:
        """The period of the same kind just after this one."""
        return Period(self.kind, self.after)


def period_of(kind: str, day: date) -> Period:
    """The month, quarter or year (``kind``) holding local date ``day``; ValueError on a bad
    kind."""
    if kind not in MONTHS_IN:
        raise ValueError(f"a period is a month, a quarter or a year, not {kind!r}")
    months = MONTHS_IN[kind]
    month = (day.month - 1) // months * months + 1
    return Period(kind, date(day.year, month, 1))


def months_up_to(period: Period, count: int) -> list[Period]:
    """The ``count`` months ending with the last month of ``period``, oldest first."""
    last = period_of("month", period.after - timedelta(days=1))
    return [Period("month", _add_months(last.first, -back)) for back in range(count - 1, -1, -1)]


def parse_month(text: str) -> date:
    """The first day of month ``YYYY-MM``; ValueError for anything else."""
    year, sep, month = text.strip().partition("-")
    if not (sep and len(year) == 4 and year.isdigit() and month.isdigit() and len(month) == 2):
        raise ValueError(f"not a month (YYYY-MM): {text!r}")
    return date(int(year), int(month), 1)


def _add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def is_night(instant: datetime, zone: ZoneInfo) -> bool:
    """True when ``instant`` falls between 22:00 and 06:00 local wall time in ``zone``."""
    wall = as_utc(instant).astimezone(zone).time()
    return wall >= NIGHT_FROM or wall < NIGHT_UNTIL


def covered_time(
    periods: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime
) -> timedelta:
    """How much of [start, end) lies in at least one of ``periods`` (each [from, to))."""
    clipped = sorted(
        (max(as_utc(a), start), min(as_utc(b), end)) for a, b in periods if a < end and b > start
    )
    total, reach = timedelta(), start
    for a, b in clipped:
        if b > reach:
            total += b - max(a, reach)
            reach = b
    return total


def nights_covered(
    periods: Sequence[tuple[datetime, datetime]], period: Period, zone: ZoneInfo, now: datetime
) -> tuple[int, int]:
    """(nights covered, nights over) of ``period``: a night is 22:00 to 06:00 local wall time
    starting on one of its dates, over once it has ended by ``now``, and covered when every
    instant of it lies in one of ``periods`` (someone on call)."""
    covered = ended = 0
    day = period.first
    while day < period.after:
        start = local_to_utc(datetime.combine(day, NIGHT_FROM), zone)
        end = local_to_utc(datetime.combine(day + timedelta(days=1), NIGHT_UNTIL), zone)
        if end <= now:
            ended += 1
            covered += covered_time(periods, start, end) == end - start
        day += timedelta(days=1)
    return covered, ended


def bucket_percentile(counts: Sequence[int], q: float) -> str | None:
    """The bucket holding the ``q``-th percentile of a distribution over BUCKET_KEYS.

    ``counts`` are how many values fall in each bucket, in BUCKET_KEYS order. Nearest rank:
    the bucket of the ceil(q/100 * n)-th smallest value (the lower middle one for a median
    of an even count). None when there are no values; ValueError when ``q`` is outside 0..100.
    """
    if not 0 <= q <= 100:
        raise ValueError("a percentile lies between 0 and 100")
    total = sum(counts)
    if total == 0:
        return None
    rank, seen = max(1, math.ceil(total * q / 100)), 0
    for key, count in zip(BUCKET_KEYS, counts, strict=True):
        seen += count
        if seen >= rank:
            return key
    raise AssertionError("the ranks add up to the total")


@dataclass(frozen=True)
class NeedCounts:
    """Needs of one kind in a period: filled (accepted) and unfilled (everything else)."""

    kind: str
    filled: int
    unfilled: int

    @property
    def total(self) -> int:
        """Every need of this kind."""
        return self.filled + self.unfilled


@dataclass(frozen=True)
class Coverage:
    """A roster's hours in a period with someone on call (covered) and with no one."""

    roster: str
    covered: timedelta
    uncovered: timedelta


@dataclass(frozen=True)
class Tallies:
    """A period's call log counted in SQL.

    ``by_hour``: (opening hour, requests) pairs; ``outcomes``: (kind, outcome, needs)
    triples; ``accept_buckets``: requests accepted in each bucket, in BUCKET_KEYS order;
    ``active_advocates``: distinct advocates who accepted; ``services``: (service key,
    requests whose debriefs named it) pairs; ``debriefed``: requests with a debrief answer.
    """

    by_hour: tuple[tuple[datetime, int], ...] = ()
    outcomes: tuple[tuple[str, str, int], ...] = ()
    accept_buckets: tuple[int, ...] = (0,) * len(BUCKET_KEYS)
    active_advocates: int = 0
    services: tuple[tuple[str, int], ...] = ()
    debriefed: int = 0


@dataclass(frozen=True)
class MonthTally:
    """One month of the 12-month trend counted in SQL: requests, (kind, outcome, needs)
    triples and accepted requests per bucket in BUCKET_KEYS order."""

    requests: int
    outcomes: tuple[tuple[str, str, int], ...]
    accept_buckets: tuple[int, ...]


@dataclass(frozen=True)
class Figures:
    """A period's numbers. Times to accept are counts per bucket over accepted requests."""

    requests: int
    night: int
    needs: tuple[NeedCounts, ...]
    accept_buckets: tuple[int, ...]
    active_advocates: int
    coverage: tuple[Coverage, ...] = ()
    unknown_texts: int = 0
    services: tuple[tuple[str, int], ...] = ()  # (service key, requests), debriefs only
    debriefed: int = 0  # requests with a debrief answer

    def need(self, kind: str) -> NeedCounts:
        """The counts of need ``kind`` (zeros when none was asked for)."""
        return next((n for n in self.needs if n.kind == kind), NeedCounts(kind, 0, 0))

    @property
    def accepted(self) -> int:
        """Requests someone accepted (those with a time to accept)."""
        return sum(self.accept_buckets)

    @property
    def median_accept(self) -> str | None:
        """The bucket of the median time to accept (None without accepted requests)."""
        return bucket_percentile(self.accept_buckets, 50)

    @property
    def p90_accept(self) -> str | None:
        """The bucket of the 90th percentile time to accept (None without accepted ones)."""
        return bucket_percentile(self.accept_buckets, 90)

    @property
    def night_share(self) -> float | None:
        """The share (0..1) of requests opened at night; None without requests."""
        return self.night / self.requests if self.requests else None


def figures(
    tallies: Tallies,
    zone: ZoneInfo,
    coverage: Sequence[Coverage] = (),
    unknown_texts: int = 0,
    kinds: Sequence[str] = NEED_KINDS,
) -> Figures:
    """The numbers of a period from its tallies (already chosen by opening hour); needs of
    each of ``kinds`` (the configured ones), then of any other kind found."""
    return Figures(
        requests=sum(count for _, count in tallies.by_hour),
        night=sum(count for hour, count in tallies.by_hour if is_night(hour, zone)),
        needs=tuple(_need_counts(tallies.outcomes, k) for k in _kinds(tallies.outcomes, kinds)),
        accept_buckets=tuple(tallies.accept_buckets),
        active_advocates=tallies.active_advocates,
        coverage=tuple(coverage),
        unknown_texts=unknown_texts,
        services=tuple(tallies.services),
        debriefed=tallies.debriefed,
    )


def _need_counts(outcomes: Iterable[tuple[str, str, int]], kind: str) -> NeedCounts:
    """Filled and unfilled needs of ``kind``; cancelled needs count as unfilled."""
    counts = [(outcome, n) for k, outcome, n in outcomes if k == kind]
    filled = sum(n for outcome, n in counts if outcome == Outcome.ACCEPTED)
    return NeedCounts(kind, filled, sum(n for _, n in counts) - filled)


def _kinds(outcomes: Iterable[tuple[str, str, int]], kinds: Sequence[str]) -> tuple[str, ...]:
    """``kinds``, then the other kinds ``outcomes`` count (a need no longer configured)."""
    return tuple(dict.fromkeys([*kinds, *sorted({kind for kind, _, _ in outcomes})]))


def month_trend_figures(tally: MonthTally, kinds: Sequence[str] = NEED_KINDS) -> Figures:
    """A trend month's figures: requests, needs and times to accept only (the trend counts
    no nights, advocates, roster hours or texts, so those are zero)."""
    return Figures(
        requests=tally.requests,
        night=0,
        needs=tuple(_need_counts(tally.outcomes, k) for k in _kinds(tally.outcomes, kinds)),
        accept_buckets=tally.accept_buckets,
        active_advocates=0,
    )
