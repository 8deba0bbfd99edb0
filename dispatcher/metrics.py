"""Counters and histograms for Prometheus, counted where things happen in this process.

Only numbers and fixed names: never a phone number, a body or a name in a label. Figures
that the database knows (outbox depth and lag, overdue steps) are read at scrape time
instead (``dispatcher.health``), so every web process reports the same. Counters live in
the process that does the work: the engine's in ``dispatcher run`` or in each
``dispatcher worker`` (``--metrics-port``); with several gunicorn processes set
``PROMETHEUS_MULTIPROC_DIR`` so that /metrics adds them up.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# Seconds, from a page leaving at once to an escalation that ran its whole course.
WAIT_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600)
TICK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

PAGES_SENT = Counter("dispatcher_pages_sent", "Pages the SMS provider accepted")
PAGES_FAILED = Counter("dispatcher_pages_failed", "Pages given up on (undeliverable)")
TIME_TO_FIRST_PAGE = Histogram(
    "dispatcher_time_to_first_page_seconds",
    "From a request's opening to its need's first page accepted by the provider",
    buckets=WAIT_BUCKETS,
)
TIME_TO_ACCEPT = Histogram(
    "dispatcher_time_to_accept_seconds",
    "From a request's opening to a need's acceptance",
    buckets=WAIT_BUCKETS,
)
TICK_DURATION = Histogram(
    "dispatcher_tick_duration_seconds", "One engine tick, sending included", buckets=TICK_BUCKETS
)
TICK_FAILURES = Counter("dispatcher_tick_failures", "Engine ticks that raised")


def page_sent(first_for_need_after: float | None) -> None:
    """A page was accepted by the provider; ``first_for_need_after``: seconds since the
    request opened when this is its need's first page, else None."""
    PAGES_SENT.inc()
    if first_for_need_after is not None:
        TIME_TO_FIRST_PAGE.observe(max(first_for_need_after, 0.0))


def page_failed() -> None:
    """A page was given up on."""
    PAGES_FAILED.inc()


def accepted(seconds_since_opened: float) -> None:
    """A need was accepted this many seconds after its request opened."""
    TIME_TO_ACCEPT.observe(max(seconds_since_opened, 0.0))


def tick_finished(seconds: float, failed: bool) -> None:
    """An engine tick took ``seconds`` (wall time) and raised when ``failed``."""
    TICK_DURATION.observe(seconds)
    if failed:
        TICK_FAILURES.inc()
