"""APScheduler wiring: a tick every second, and a kick when a webhook creates work.

APScheduler only triggers ticks; its job store stays in memory because the database rows
are the truth. On SQLite a second engine refuses to start.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from dispatcher import web
from dispatcher.flows import lease
from dispatcher.flows.engine import Engine
from dispatcher.sms import simulator
from dispatcher.sms.messages import render
from dispatcher.sms.senders import build_sender

log = logging.getLogger("dispatcher.scheduler")
JOB = "tick"
DEADLINE = "deadline"
HOUSEKEEPING = "housekeeping"
HOUSEKEEPING_SECONDS = 10


class EngineRunner:
    """Runs ``engine.tick`` on an interval and on demand, never two at once in a process."""

    def __init__(self, engine: Engine, interval_seconds: float) -> None:
        self.engine = engine
        self.interval = interval_seconds
        self.holder = lease.holder_name()
        self.scheduler = BackgroundScheduler(timezone=UTC)
        self._running = threading.Lock()
        self._again = threading.Event()

    def start(self) -> None:
        """Take the engine lease and start ticking (raises Conflict on a held SQLite lease)."""
        lease.acquire(self.engine.database, self.holder, self.engine.clock.now())
        self.engine.kick = self.kick
        self.engine.background = True  # ticks never wait for the provider
        self.scheduler.add_job(
            self.run_tick,
            "interval",
            seconds=self.interval,
            id=JOB,
            next_run_time=datetime.now(UTC),
            max_instances=2,
            coalesce=True,
        )
        self.scheduler.add_job(
            self.run_housekeeping,
            "interval",
            seconds=HOUSEKEEPING_SECONDS,
            id=HOUSEKEEPING,
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.start()
        log.info("engine.started interval=%s", self.interval)

    def stop(self) -> None:
        """Stop ticking and give the lease up."""
        self.scheduler.shutdown(wait=True)
        self.engine.close()
        lease.release(self.engine.database, self.holder)
        log.info("engine.stopped")

    def kick(self) -> None:
        """Tick as soon as possible (new work); never blocks the caller."""
        self._again.set()
        if self.scheduler.running:
            self.scheduler.modify_job(JOB, next_run_time=datetime.now(UTC))

    def run_tick(self) -> None:
        """Tick until no kick arrived meanwhile; a concurrent call just asks for another round."""
        if not self._running.acquire(blocking=False):
            self._again.set()
            return
        try:
            while True:
                self._again.clear()
                self._tick_once()
                if not self._again.is_set():
                    return
        finally:
            self._running.release()

    def run_housekeeping(self) -> None:
        """Idle closes, note expiry, purges and deletion of provider copies."""
        try:
            self.engine.housekeeping()
        except Exception:
            log.exception("engine.housekeeping_failed")

    def _tick_once(self) -> None:
        """One tick; errors are logged and the next tick tries again."""
        try:
            if not lease.renew(self.engine.database, self.holder, self.engine.clock.now()):
                log.error("engine.lease_lost holder=%s", self.holder)
                return
            self.engine.tick()
            self._wake_for_next_deadline()
        except Exception:
            log.exception("engine.tick_failed")

    def _wake_for_next_deadline(self) -> None:
        """Tick exactly at the next escalation deadline instead of up to a period late."""
        deadline = self.engine.next_deadline()
        if deadline is None or not self.scheduler.running:
            return
        delay = deadline - self.engine.clock.now()
        if timedelta(0) < delay < timedelta(seconds=self.interval):
            self.scheduler.add_job(
                self.run_tick,
                "date",
                run_date=datetime.now(UTC) + delay,
                id=DEADLINE,
                replace_existing=True,
                misfire_grace_time=None,
                max_instances=2,  # run_tick itself makes a second call a re-tick, not a skip
            )


def build_engine(app: Flask) -> Engine:
    """The engine for ``app``'s runtime, with the configured sender."""
    runtime = app.extensions[web.EXTENSION]
    sender = runtime.extras.get("sender")
    if sender is None:
        phones = simulator.phones_of(runtime)
        sender = runtime.extras["sender"] = build_sender(runtime.settings, phones)
    return Engine(
        database=runtime.database,
        settings=runtime.settings,
        sealer=runtime.sealer,
        clock=runtime.clock,
        sender=sender,
        render=render,
    )


def start(app: Flask) -> EngineRunner:
    """Start the engine inside the web process; webhooks kick it through the runtime."""
    runtime = app.extensions[web.EXTENSION]
    runner = EngineRunner(build_engine(app), runtime.settings.tick_interval.total_seconds())
    runner.start()
    runtime.extras["kick"] = runner.kick
    runtime.extras["runner"] = runner
    return runner
