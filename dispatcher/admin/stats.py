"""A period's statistics as rows of a table: exact for coordinators, rounded for the rest.

Pure: no Flask, no database. In the funder export and on a viewer's page every count is
rounded to the nearest 5, and any count under 5 reads "fewer than 5", so no request can be
singled out and a month's figures cannot be subtracted from a quarter's. A count whose
group (filled + unfilled = needs of a kind; night + day = requests) would let a count of
1 to 4 be worked out reads "suppressed" too; a share is computed from the rounded counts,
and a share or time derived from fewer than 5 requests is suppressed; the note column says
why. Roster hours describe the schedule, not people, and are never rounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dispatcher.flows.anonymity import round_count
from dispatcher.flows.calllog import BUCKET_LABELS
from dispatcher.flows.services import SERVICE_LABELS as DEBRIEF_SERVICES
from dispatcher.flows.services import label_of
from dispatcher.flows.stats import Figures

SMALL = 5
FEWER = "fewer than 5"
SUPPRESSED = "suppressed"
COUNT_UNITS = frozenset({"requests", "needs", "services", "people", "texts", "drills"})
NEED_LABELS = {"advocate": "Advocate", "room": "Hotel room", "ride": "Ride"}
SERVICE_LABELS = {
    "advocate": "Advocate responses",
    "room": "Hotel room-nights",
    "ride": "Rides",
}


@dataclass(frozen=True)
class Measure:
    """One number of a period.

    ``value`` is None when it is undefined (a median of nothing); a time is a bucket's
    label. ``guards`` are the counts it must be hidden behind: for a count, the other
    parts of its group; for a derived value (percent, time), the counts it is computed
    from. ``basis`` names those counts.
    """

    name: str
    value: float | str | None
    unit: str
    guards: tuple[int, ...] = ()
    basis: str = ""

    @property
    def is_count(self) -> bool:
        """True for counts of requests, needs, services, people or texts."""
        return self.unit in COUNT_UNITS


@dataclass(frozen=True)
class FunderCell:
    """One row of the funder export: the measure, what is shown, its unit and a note."""

    measure: str
    value: str
    unit: str
    note: str


def measures(f: Figures, rounded: bool = False) -> list[Measure]:
    """Every number of the period, in the order the table and the export show them.

    With ``rounded`` the share at night is computed from the rounded counts.
    """
    return [
        *_request_measures(f, rounded),
        *_need_measures(f),
        *_debrief_measures(f),
        Measure("Active advocates", f.active_advocates, "people"),
        *_roster_measures(f),
        Measure("Texts from unknown numbers", f.unknown_texts, "texts"),
    ]


def trend_measures(f: Figures, rounded: bool = False) -> list[Measure]:
    """The numbers of one month of the 12-month trend: requests, fill rate, time to accept.

    The fill rate is the share of needs filled; like every share it is computed from the
    rounded counts when ``rounded`` and hidden behind the counts it comes from.
    """
    filled = sum(n.filled for n in f.needs)
    unfilled = sum(n.unfilled for n in f.needs)
    return [
        Measure("Requests", f.requests, "requests"),
        Measure(
            "Fill rate",
            _share(filled, filled + unfilled, rounded),
            "percent",
            (filled, unfilled),
            "needs filled or unfilled",
        ),
        _time("Median time to accept", f.median_accept, f.accepted),
    ]


@dataclass(frozen=True)
class InKind:
    """What the partners gave in a period, from their ledger: room-nights, rides, and
    their value in dollars (None when no partner has a unit value)."""

    room_nights: int = 0
    rides: int = 0
    dollars: int | None = None


def coalition_measures(
    f: Figures, nights: tuple[int, int], drills: tuple[int, int], given: InKind = InKind()
) -> list[Measure]:
    """The coalition report's numbers, to be shown rounded (``funder_cells``): requests,
    fill rate, times to accept, nights covered, the partners' room-nights, rides and their
    in-kind value, drills.

    No service of a debrief is named: the report breaks nothing down by service. Nights
    describe the schedule, not people, and are exact; drills passed hide behind those
    missed, so that a single missed drill cannot be read; the in-kind value hides behind
    the room-nights and rides it is worked out from.
    """
    covered, ended = nights
    passed, run = drills
    units = tuple(n for n in (given.room_nights, given.rides) if n) or (0,)
    return [
        *trend_measures(f, rounded=True),
        _time("90th percentile time to accept", f.p90_accept, f.accepted),
        Measure("Nights fully covered (22:00-06:00)", covered, "nights"),
        Measure("Nights in the period (ended)", ended, "nights"),
        Measure("Partners' room-nights given", given.room_nights, "services"),
        Measure("Partners' rides given", given.rides, "services"),
        Measure("Partners' in-kind value (dollars)", given.dollars, "dollars", units, "units"),
        Measure("Drills run", run, "drills"),
        Measure("Drills passed", passed, "drills", (run - passed,)),
        Measure(
            "Share of drills passed",
            _share(passed, run, True),
            "percent",
            (passed, run - passed) if run - passed else (passed,),
            "drills passed or missed",
        ),
    ]


def _request_measures(f: Figures, rounded: bool) -> list[Measure]:
    """Requests, those at night and their share, and the times to accept."""
    day = f.requests - f.night
    share = _share(f.night, f.requests, rounded)
    return [
        Measure("Requests", f.requests, "requests"),
        Measure("Requests at night (22:00-06:00)", f.night, "requests", (day,)),
        Measure(
            "Share of requests at night",
            share,
            "percent",
            (f.night, day),
            "requests at night or in the day",
        ),
        _time("Median time to accept", f.median_accept, f.accepted),
        _time("90th percentile time to accept", f.p90_accept, f.accepted),
    ]


def _share(part: int, whole: int, rounded: bool) -> float | None:
    """``part`` of ``whole`` in percent to a tenth; from rounded counts when ``rounded``.

    None when the whole is zero (or, rounded, under 5).
    """
    if rounded:
        part, whole = round_count(part) or 0, round_count(whole) or 0
    return round(100 * part / whole, 1) if whole else None


def need_label(kind: str) -> str:
    """How the statistics name need ``kind``: ``Hotel room``; a configured ``sane``: ``Sane``."""
    return NEED_LABELS.get(kind, kind.capitalize())


def service_label(kind: str) -> str:
    """How the statistics name the services of need ``kind`` (``Sane responses``)."""
    return SERVICE_LABELS.get(kind, f"{kind.capitalize()} responses")


def _need_measures(f: Figures) -> list[Measure]:
    """Needs of each kind (all, filled, unfilled), then the services given of each kind."""
    found = []
    for n in f.needs:
        label = need_label(n.kind)
        found += [
            Measure(f"{label} needs", n.total, "needs"),
            Measure(f"{label} needs filled", n.filled, "needs", (n.unfilled,)),
            Measure(f"{label} needs unfilled", n.unfilled, "needs", (n.filled,)),
        ]
    # A service is a filled need: it hides behind the same count as the filled need.
    return found + [
        Measure(
            service_label(n.kind),
            n.filled,
            "services",
            (n.unfilled,),
        )
        for n in f.needs
    ]


def _debrief_measures(f: Figures) -> list[Measure]:
    """Requests with a debrief, then for each service named the requests that got it.

    A service's count hides behind the debriefed requests without it, so that "all but
    a few" cannot be read; none is shown for a service no debrief named.
    """
    order = {key: n for n, key in enumerate(DEBRIEF_SERVICES)}
    named = sorted(f.services, key=lambda item: (order.get(item[0], len(order)), item[0]))
    return [Measure("Requests with a debrief", f.debriefed, "requests")] + [
        Measure(f"Debrief: {label_of(key)}", n, "services", (f.debriefed - n,)) for key, n in named
    ]


def _roster_measures(f: Figures) -> list[Measure]:
    """Each roster's covered and uncovered hours."""
    return [
        Measure(f"{c.roster}: hours {word}", _hours(span.total_seconds()), "hours")
        for c in f.coverage
        for word, span in (("covered", c.covered), ("uncovered", c.uncovered))
    ]


def _time(name: str, bucket: str | None, accepted: int) -> Measure:
    """A time to accept as its bucket's label, derived from ``accepted`` requests."""
    value = None if bucket is None else BUCKET_LABELS[bucket]
    return Measure(name, value, "time", (accepted,), "accepted requests")


def _hours(seconds: float) -> float:
    """Seconds as hours, to a tenth."""
    return round(seconds / 3600, 1)


def funder_cells(items: Sequence[Measure]) -> list[FunderCell]:
    """The measures with small counts and what could reveal them suppressed."""
    return [_funder_cell(m) for m in items]


def _funder_cell(m: Measure) -> FunderCell:
    """One measure as the funder export shows it: counts rounded to 5, small ones hidden."""
    if m.is_count and isinstance(m.value, (int, float)):
        return _funder_count(m, int(m.value))
    if any(guard < SMALL for guard in m.guards):
        return FunderCell(m.name, SUPPRESSED, m.unit, f"based on fewer than 5 {m.basis}")
    if m.value is None:
        return FunderCell(m.name, "", m.unit, "no data")
    return FunderCell(m.name, _plain(m.value), m.unit, "")


def _funder_count(m: Measure, count: int) -> FunderCell:
    """A count as funders see it: "fewer than 5", "suppressed" or rounded to 5."""
    shown = round_count(count)
    if shown is None:
        return FunderCell(m.name, FEWER, m.unit, "count under 5")
    if any(0 < guard < SMALL for guard in m.guards):
        note = "suppressed so that a count under 5 in its group cannot be worked out"
        return FunderCell(m.name, SUPPRESSED, m.unit, note)
    return FunderCell(m.name, str(shown), m.unit, "rounded to 5")


def exact_text(m: Measure) -> str:
    """The measure as a coordinator's page shows it: ``12``, ``37.5%``, ``712 h``, or —."""
    return "—" if m.value is None else _with_unit(_plain(m.value), m.unit)


def rounded_text(c: FunderCell) -> str:
    """A funder cell as a viewer's page shows it: ``15``, ``fewer than 5``, ``40%``, or —."""
    if c.value in (FEWER, SUPPRESSED):
        return c.value
    return _with_unit(c.value, c.unit) if c.value else "—"


def shown_numbers(cells: Sequence[FunderCell]) -> dict[str, float | None]:
    """The number each cell shows (None for "fewer than 5", "suppressed" or no data)."""
    return {c.measure: _number(c.value) for c in cells}


def exact_numbers(items: Sequence[Measure]) -> dict[str, float | None]:
    """The number of each measure (None when it is not a number)."""
    return {m.name: m.value if isinstance(m.value, (int, float)) else None for m in items}


def _number(text: str) -> float | None:
    """``text`` as a number, or None when it is not one."""
    try:
        return float(text)
    except ValueError:
        return None


def _with_unit(text: str, unit: str) -> str:
    """``text`` followed by the unit's suffix (``%``, `` h``), if it has one."""
    return text + {"percent": "%", "hours": " h"}.get(unit, "")


def _plain(value: float | str) -> str:
    """A value as text: numbers as ``format_number`` writes them, labels as they are."""
    return value if isinstance(value, str) else format_number(value)


def format_number(value: float) -> str:
    """``12`` for whole numbers, ``4.5`` otherwise."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
