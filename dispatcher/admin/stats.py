"""A period's statistics as rows of a table, exact for the page and suppressed for funders.

Pure: no Flask, no database. In the funder export any count under 5 reads "fewer than 5".
A count whose group (filled + unfilled = needs of a kind; night + day = requests) would
let a suppressed count of 1 to 4 be worked out by subtraction reads "suppressed" too, and
a percentage or time derived from fewer than 5 requests is suppressed; the note column
says why. Roster hours describe the schedule, not people, and are never suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dispatcher.flows.stats import Figures

SMALL = 5
FEWER = "fewer than 5"
SUPPRESSED = "suppressed"
COUNT_UNITS = frozenset({"requests", "needs", "services", "people", "texts"})
NEED_LABELS = {"advocate": "Advocate", "room": "Hotel room", "ride": "Ride"}
SERVICE_LABELS = {
    "advocate": "Advocate responses",
    "room": "Hotel room-nights",
    "ride": "Rides",
}


@dataclass(frozen=True)
class Measure:
    """One number of a period.

    ``value`` is None when it is undefined (a median of nothing). ``guards`` are the counts
    it must be hidden behind: for a count, the other parts of its group; for a derived
    value (percent, minutes), the counts it is computed from. ``basis`` names those counts.
    """

    name: str
    value: float | None
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


def measures(f: Figures) -> list[Measure]:
    """Every number of the period, in the order the table and the export show them."""
    return [
        *_request_measures(f),
        *_need_measures(f),
        Measure("Active advocates", f.active_advocates, "people"),
        *_roster_measures(f),
        Measure("Texts from unknown numbers", f.unknown_texts, "texts"),
    ]


def _request_measures(f: Figures) -> list[Measure]:
    """Requests, those at night and their share, and the times to accept."""
    day = f.requests - f.night
    share = None if f.night_share is None else round(100 * f.night_share, 1)
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
        _minutes("Median time to accept", f.median_accept, f.accepted),
        _minutes("90th percentile time to accept", f.p90_accept, f.accepted),
    ]


def _need_measures(f: Figures) -> list[Measure]:
    """Needs of each kind (all, filled, unfilled), then the services given of each kind."""
    found = []
    for n in f.needs:
        label = NEED_LABELS.get(n.kind, n.kind)
        found += [
            Measure(f"{label} needs", n.total, "needs"),
            Measure(f"{label} needs filled", n.filled, "needs", (n.unfilled,)),
            Measure(f"{label} needs unfilled", n.unfilled, "needs", (n.filled,)),
        ]
    # A service is a filled need: it hides behind the same count as the filled need.
    return found + [
        Measure(SERVICE_LABELS.get(n.kind, n.kind), n.filled, "services", (n.unfilled,))
        for n in f.needs
    ]


def _roster_measures(f: Figures) -> list[Measure]:
    """Each roster's covered and uncovered hours."""
    return [
        Measure(f"{c.roster}: hours {word}", _hours(span.total_seconds()), "hours")
        for c in f.coverage
        for word, span in (("covered", c.covered), ("uncovered", c.uncovered))
    ]


def _minutes(name: str, seconds: float | None, accepted: int) -> Measure:
    """A time to accept in minutes, derived from ``accepted`` requests."""
    value = None if seconds is None else round(seconds / 60, 1)
    return Measure(name, value, "minutes", (accepted,), "accepted requests")


def _hours(seconds: float) -> float:
    """Seconds as hours, to a tenth."""
    return round(seconds / 3600, 1)


def funder_cells(items: Sequence[Measure]) -> list[FunderCell]:
    """The measures with small counts and what could reveal them suppressed."""
    return [_funder_cell(m) for m in items]


def _funder_cell(m: Measure) -> FunderCell:
    """One measure as the funder export shows it."""
    if m.is_count and m.value is not None and m.value < SMALL:
        return FunderCell(m.name, FEWER, m.unit, "count under 5")
    if m.is_count and any(0 < guard < SMALL for guard in m.guards):
        note = "suppressed so that a count under 5 in its group cannot be worked out"
        return FunderCell(m.name, SUPPRESSED, m.unit, note)
    if not m.is_count and any(guard < SMALL for guard in m.guards):
        return FunderCell(m.name, SUPPRESSED, m.unit, f"based on fewer than 5 {m.basis}")
    if m.value is None:
        return FunderCell(m.name, "", m.unit, "no data")
    return FunderCell(m.name, format_number(m.value), m.unit, "")


def exact_text(m: Measure) -> str:
    """The measure as the page shows it: ``12``, ``37.5%``, ``4.5 min``, ``712 h``, or —."""
    if m.value is None:
        return "—"
    suffix = {"percent": "%", "minutes": " min", "hours": " h"}.get(m.unit, "")
    return format_number(m.value) + suffix


def format_number(value: float) -> str:
    """``12`` for whole numbers, ``4.5`` otherwise."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
