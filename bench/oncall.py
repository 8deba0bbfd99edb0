"""On-call lookup speed: shift_at and on_call_at for rotations started ten years ago.

Run: .venv/bin/python bench/oncall.py. Prints lookups per second and microseconds per
lookup, one line per rotation type and function (the target is under 50 us per lookup),
then the cost of one on_call_periods call over the next 24 hours, also beside a 600-day
add override (whose period is followed to its ends). Each figure is the best of three
passes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from dispatcher.rosters.rotation import (
    OverrideSpec,
    RotationSpec,
    Window,
    on_call_at,
    on_call_periods,
    shift_at,
)

ZONE = ZoneInfo("America/Chicago")
DAY = timedelta(days=1)
PEOPLE = (1, 2, 3, 4, 5)
LOOKUPS = 10_000
VIEWS = 300
REPEATS = 3
WINDOWS = (
    Window(frozenset(range(5)), clock_time(17, 0), clock_time(9, 0)),  # weeknights
    Window(frozenset({5, 6}), clock_time(0, 0), clock_time(0, 0)),  # whole weekend days
)


def rotation(kind: str, now: datetime, windows: tuple[Window, ...] = ()) -> RotationSpec:
    """A rotation of five people whose first handoff was ten years before ``now``."""
    started = now.astimezone(ZONE).replace(tzinfo=None, hour=9, minute=0, second=0, microsecond=0)
    started = started.replace(year=started.year - 10, day=min(started.day, 28))
    return RotationSpec(kind, 1, started, ZONE, PEOPLE, windows)


def instants(now: datetime) -> list[datetime]:
    """Random instants over the next month, so lookups cross handoffs and DST edges."""
    rng = random.Random(7)
    return [now + timedelta(seconds=rng.uniform(0, 31 * 86400)) for _ in range(LOOKUPS)]


def measure(
    label: str, lookup: Callable[[datetime], object], times: list[datetime], unit: str = "lookups"
) -> None:
    """Time ``lookup`` over ``times`` and print the rate and the cost of one call.

    The best of REPEATS passes counts, as timeit does: slower passes measure the machine's
    other work, not the code.
    """
    elapsed = min(_timed(lookup, times) for _ in range(REPEATS))
    print(
        f"{label:<42} {len(times) / elapsed:>10,.0f} {unit}/s {elapsed / len(times) * 1e6:>7.1f} us"
    )


def _timed(lookup: Callable[[datetime], object], times: list[datetime]) -> float:
    """Seconds taken by one pass of ``lookup`` over ``times``."""
    began = time.perf_counter()
    for t in times:
        lookup(t)
    return time.perf_counter() - began


def main() -> None:
    """Print one figure per rotation type for shift_at and for on_call_at with windows."""
    now = datetime.now(UTC)
    times = instants(now)
    for kind in ("daily", "hourly", "weekly", "monthly"):
        plain = rotation(kind, now)
        windowed = rotation(kind, now, WINDOWS)
        measure(f"shift_at {kind}, 5 people, 10 years", lambda t, s=plain: shift_at(s, t), times)
        measure(
            f"on_call_at {kind}, 1 rotation, 2 windows",
            lambda t, s=windowed: on_call_at([s], (), t),
            times,
        )
    for kind in ("daily", "hourly"):
        windowed = rotation(kind, now, WINDOWS)
        measure(
            f"on_call_periods 24 h, {kind}, 2 windows",
            lambda t, s=windowed: on_call_periods([s], (), t, t + timedelta(days=1)),
            times[:VIEWS],
            unit="calls",
        )
    long_add = OverrideSpec("add", 9, None, now - timedelta(days=300), now + timedelta(days=300))
    hourly = rotation("hourly", now)
    measure(
        "on_call_periods 24 h, hourly, 600-day add",
        lambda t: on_call_periods([hourly], [long_add], t, t + DAY),
        times[:5],
        unit="calls",
    )


if __name__ == "__main__":
    main()
