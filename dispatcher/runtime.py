"""The composition root: one process's database, sealer, sender, limiter, kick and engine.

Built without Flask, so ``create_app`` (web, optionally with its engine) and ``dispatcher
worker`` (engine only) assemble the service the same way.
"""

from __future__ import annotations

import gc
import logging

from dispatcher import wakeups
from dispatcher.clock import Clock, SystemClock
from dispatcher.crypto import Sealer, key_lifetime
from dispatcher.db import Database
from dispatcher.flows.engine import Engine
from dispatcher.flows.ports import Kick
from dispatcher.settings import Settings
from dispatcher.sms.messages import render
from dispatcher.sms.ratelimit import ReplyLimiter
from dispatcher.sms.senders import build_sender
from dispatcher.sms.simulated import SimulatorPhones
from dispatcher.web import Runtime

# Third-party loggers that would write phone numbers or bodies at DEBUG or INFO (urllib3
# logs request URLs with numbers in look-ups; twilio logs request bodies): WARNING at least,
# whatever the root level.
QUIET_LOGGERS = ("urllib3", "twilio", "requests", "werkzeug", "apscheduler", "sqlalchemy")


def build_runtime(
    settings: Settings, clock: Clock | None = None, bind_host: str | None = None
) -> Runtime:
    """Everything a process of the service needs, nothing started.

    The kick starts as NOTIFY to engines in other processes (nothing on SQLite);
    ``scheduler.start`` points it at this process's own engine. ``bind_host`` is the
    address a built-in server listens on (the simulator's access depends on it).
    """
    configure_logging()
    clock = clock or SystemClock()
    database = Database(settings.database_url)
    sealer = sealer_for(settings, clock)
    phones = SimulatorPhones(settings.hotline_number, clock) if settings.simulator else None
    sender = build_sender(settings, phones)
    kick = Kick(wakeups.notifier(database))
    engine = Engine(database, settings, sealer, clock, sender, render, kick=kick)
    return Runtime(
        settings=settings,
        database=database,
        clock=clock,
        sealer=sealer,
        sender=sender,
        engine=engine,
        kick=kick,
        limiter=ReplyLimiter(settings.help_replies_per_hour),
        bind_host=bind_host,
    )


def sealer_for(settings: Settings, clock: Clock) -> Sealer:
    """The sealer for officers' words: hourly keys in ``keys_dir``, erased on time."""
    return Sealer(
        settings.secret_key,
        clock,
        settings.keys_dir,
        previous_secret_keys=settings.previous_secret_keys,
        keep=key_lifetime(settings.note_max_age, settings.key_grace),
    )


def configure_logging() -> None:
    """key=value event logs on stderr; never message bodies or phone numbers."""
    root = logging.getLogger()
    if not any(getattr(h, "_dispatcher", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        handler._dispatcher = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def settle_heap() -> None:
    """Put what start-up built out of the cycle collector's reach, in a serving process
    (a web server or a worker).

    Modules, mappers and the app make about 160,000 tracked objects, and every full
    collection walked them all: 45 to 90 ms of CPU on the statewide admin pages, once in a
    few renders of any page that keeps many objects alive (the roster file download, the
    people list, the partners' contact picker), which was their 95th percentile. Frozen,
    a full collection walks only what requests made since. Start-up's own garbage is
    collected first, so nothing cyclic is kept for good; call it once, after the app is
    built.
    """
    gc.collect()
    gc.freeze()
