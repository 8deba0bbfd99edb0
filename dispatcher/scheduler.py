"""The engine's ticks: a thread of their own, woken by kicks and deadlines; APScheduler runs
the housekeeping.

The tick thread ticks, then sleeps until the next escalation deadline still ahead, a
kick (a webhook queued work: in this process directly, from other processes by
PostgreSQL NOTIFY), or the interval, whichever comes first. A wake-up is one event set
between two threads, so a page waits for no scheduler bookkeeping. APScheduler's job store
stays in memory because the database rows are the truth. On SQLite one engine runs at a
time: a second one waits for the engine lock (an OS file lock the kernel frees when its
holder dies) while its process goes on serving.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from dispatcher import metrics, wakeups
from dispatcher.flows import alerts, backlog, lease
from dispatcher.flows.engine import Engine, earliest
from dispatcher.web import Runtime

log = logging.getLogger("dispatcher.scheduler")
HOUSEKEEPING = "housekeeping"
HOUSEKEEPING_SECONDS = 10
# How often an engine waiting for the lock tries again.
LOCK_RETRY_SECONDS = 0.2
# This many failed ticks in a row is an request the coordinators hear about.
FAILING_AFTER = 5
# The lease row records a tick at most this often (readiness allows health.ENGINE_SILENCE,
# 30 s): a write per tick cost a transaction each time a webhook kicked the engine.
RECORD_TICK_EVERY = timedelta(seconds=5)
# The side duties (check-ins, shift history, reminders, follow-up calls) run on a tick that
# starts at least this share of the interval after they last ran, or once one of their
# deadlines has come: the ticks that webhooks' kicks ask for skip them, so a burst of texts
# does not repeat four transactions per text.
DUTY_SLACK = 0.8


class Watchdog:
    """Tells the coordinators, once per request, that ticks keep failing or paging is stuck.

    An request ends when a tick succeeds again (failures) or nothing is late any more
    (stuck); ``alerts.raise_alert`` also limits each kind to one text an hour across every
    engine process.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.failures = 0
        self.stuck = False

    def tick_ended(self, failed: bool) -> None:
        """Count a tick; the FAILING_AFTER-th failure in a row raises ``engine_failing``."""
        self.failures = self.failures + 1 if failed else 0
        if self.failures == FAILING_AFTER:
            self._alert("engine_failing", FAILING_AFTER)

    def check_backlog(self) -> None:
        """Raise ``message_stuck`` when a due message or step has become over 60 s late."""
        with self.engine.database.session_scope() as session:
            stuck = backlog.measure(session, self.engine.clock.now()).stuck
        if stuck and not self.stuck:
            self._alert("message_stuck", 1)
        self.stuck = stuck

    def _alert(self, kind: str, count: int) -> None:
        """Raise an alert in a transaction of its own; a failure to do so is only logged."""
        try:
            with self.engine.database.session_scope() as session:
                alerts.raise_alert(session, self.engine.context(), kind, count)
        except Exception:
            log.exception("engine.alert_failed kind=%s", kind)


class EngineRunner:
    """Runs ``engine.tick`` on its own thread: at once when kicked, at the next deadline,
    and at least every ``interval_seconds``; never two ticks at once in a process."""

    def __init__(self, engine: Engine, interval_seconds: float) -> None:
        self.engine = engine
        self.interval = interval_seconds
        self.holder = lease.holder_name()
        self.scheduler = BackgroundScheduler(timezone=UTC)  # the housekeeping
        self._wake = threading.Event()  # set: tick again at once
        self.lock = lease.EngineLock(engine.database)
        self._stopping = threading.Event()
        self._waiter: threading.Thread | None = None
        self._ticker: threading.Thread | None = None
        self.listener: wakeups.Listener | None = None
        self.watchdog = Watchdog(engine)
        self._recorded_at: datetime | None = None
        self._duties_ran: float | None = None  # time.monotonic() of the last duties
        self._next_duty: datetime | None = None
        self.next_wake: datetime | None = None  # the earliest deadline ahead (engine clock)

    def start(self) -> None:
        """Start ticking as soon as this process holds the engine lock; never blocks.

        While another engine holds it (SQLite), a thread retries every LOCK_RETRY_SECONDS
        and the caller goes on (a web process serves webhooks meanwhile).
        """
        self.engine.kick.wake_with(self.kick)  # the process's one kick now wakes this runner
        self.engine.background = True  # ticks never wait for the provider
        if self.lock.try_acquire():
            self._begin()
            return
        log.warning("engine.waiting_for_lock")
        self._waiter = threading.Thread(target=self._wait_for_lock, name="engine-lock", daemon=True)
        self._waiter.start()

    def _wait_for_lock(self) -> None:
        """Retry the lock until it is ours (then start ticking) or the runner stops."""
        while not self._stopping.wait(LOCK_RETRY_SECONDS):
            if self.lock.try_acquire():
                log.info("engine.lock_taken")
                self._begin()
                return

    def _begin(self) -> None:
        """Record this engine in the lease row, start the tick thread and the housekeeping
        (the lock is held)."""
        lease.acquire(self.engine.database, self.holder, self.engine.clock.now())
        self.scheduler.add_job(
            self.run_housekeeping,
            "interval",
            seconds=HOUSEKEEPING_SECONDS,
            id=HOUSEKEEPING,
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.start()
        self._ticker = threading.Thread(target=self._tick_loop, name="engine-tick", daemon=True)
        self._ticker.start()
        log.info("engine.started interval=%s", self.interval)

    @property
    def ticking(self) -> bool:
        """True once this runner holds the lock and its tick thread runs."""
        return self._ticker is not None and self._ticker.is_alive()

    def stop(self) -> None:
        """Stop listening, ticking (or waiting) and sending; give the lease and the lock up."""
        self._stopping.set()
        self._wake.set()
        if self.listener is not None:
            self.listener.stop()
        if self._waiter is not None:
            self._waiter.join(timeout=10)
        if self._ticker is not None:
            self._ticker.join(timeout=60)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
            self.engine.close()
            lease.release(self.engine.database, self.holder)
        self.lock.release()
        log.info("engine.stopped")

    def kick(self) -> None:
        """Tick as soon as possible (new work); never blocks the caller."""
        self._wake.set()

    def _tick_loop(self) -> None:
        """Tick, then sleep until a kick, the next deadline ahead or the interval."""
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                self._tick_once()
            except Exception:  # the tick itself is guarded; this keeps the thread alive
                log.exception("engine.tick_loop_failed")
            self._wake.wait(self._sleep_seconds())

    def _sleep_seconds(self) -> float:
        """Until the next deadline ahead, at most the interval."""
        if self.next_wake is None:
            return self.interval
        ahead = (self.next_wake - self.engine.clock.now()).total_seconds()
        return min(max(ahead, 0.0), self.interval)

    def run_housekeeping(self) -> None:
        """Idle closes, note expiry, purges and deletion of provider copies."""
        try:
            self.engine.housekeeping()
        except Exception:
            log.exception("engine.housekeeping_failed")
        try:
            self.watchdog.check_backlog()
        except Exception:
            log.exception("engine.watchdog_failed")

    def _tick_once(self) -> None:
        """One tick, timed for /metrics; failures in a row alert the coordinators."""
        started = time.monotonic()
        failed = not self._tick_guarded()
        metrics.tick_finished(time.monotonic() - started, failed)
        self.watchdog.tick_ended(failed)

    def _tick_guarded(self) -> bool:
        """One tick; errors are logged (False) and the next tick tries again."""
        try:
            self._record_tick()
            report = self.engine.tick(duties=self._duties_due())
            self._next_duty = report.next_duty
            now = self.engine.clock.now()
            if report.next_deadline is not None and report.next_deadline <= now:
                self._wake.set()  # a full batch: tick again at once
            ahead = [d for d in (report.next_deadline, report.next_duty) if d and d > now]
            self.next_wake = earliest(*ahead)
        except Exception:
            log.exception("engine.tick_failed")
            return False
        return True

    def _duties_due(self) -> bool:
        """True when this tick should run the side duties (see DUTY_SLACK)."""
        started = time.monotonic()
        deadline = self._next_duty
        came = deadline is not None and deadline <= self.engine.clock.now()
        last = self._duties_ran
        if came or last is None or started - last >= self.interval * DUTY_SLACK:
            self._duties_ran = started
            return True
        return False

    def _record_tick(self) -> None:
        """Record in the lease row that this engine ticks, at most every RECORD_TICK_EVERY."""
        now = self.engine.clock.now()
        last = self._recorded_at
        if last is not None and timedelta(0) <= now - last < RECORD_TICK_EVERY:
            return
        lease.renew(self.engine.database, self.holder, now)
        self._recorded_at = now


def start(runtime: Runtime) -> EngineRunner:
    """Run ``runtime``'s engine in this process (at once, or once the lock is free).

    The runtime's kick then wakes this runner; on PostgreSQL, NOTIFY from webhooks served
    by other processes (gunicorn) wakes it too.
    """
    runner = EngineRunner(runtime.engine, runtime.settings.tick_interval.total_seconds())
    runner.start()
    if not runtime.database.sqlite:
        runner.listener = wakeups.Listener(runtime.database.url, runner.kick)
        runner.listener.start()
    runtime.runner = runner
    return runner
