"""Liveness, readiness and Prometheus metrics for load balancers, supervisors and monitoring.

The engine's backlog (outbox depth and lag, the oldest overdue escalation step) is read
from the database on each request, so any web process answers for the whole service.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Gauge,
    generate_latest,
    multiprocess,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import select, text

from dispatcher import web
from dispatcher.flows import backlog
from dispatcher.flows.models import EngineLease

blueprint = Blueprint("health", __name__)

# The engine ticks every second; this much silence means it is stuck or not running.
ENGINE_SILENCE = timedelta(seconds=30)


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    """The process is alive and answering."""
    return jsonify(status="ok")


@blueprint.get("/readyz")
def readyz() -> ResponseReturnValue:
    """The database answers, an engine ticked recently and nothing due is over 60 s late.

    Answers 503 otherwise, with the outbox lag and the oldest overdue step in seconds.
    """
    session = web.db_session()
    now = web.runtime().clock.now()
    try:
        session.execute(text("SELECT 1"))
        last_tick = session.scalar(
            select(EngineLease.last_tick_at).where(EngineLease.name == "engine")
        )
        found = backlog.measure(session, now)
    except Exception:  # any database failure means "not ready"
        return jsonify(status="unavailable", database="unreachable"), 503
    engine = "ticking" if _ticking(last_tick, now) else "not ticking"
    ok = engine == "ticking" and not found.stuck
    body = {
        "status": "ok" if ok else "unavailable",
        "database": "ok",
        "engine": engine,
        "outbox_depth": found.depth,
        "outbox_lag_seconds": round(found.lag.total_seconds(), 3),
        "oldest_overdue_step_seconds": round(found.overdue.total_seconds(), 3),
    }
    return jsonify(body), 200 if ok else 503


def _ticking(last_tick: datetime | None, now: datetime) -> bool:
    """True when an engine ticked within ENGINE_SILENCE of ``now``."""
    return last_tick is not None and now - last_tick <= ENGINE_SILENCE


@blueprint.get("/metrics")
def metrics() -> ResponseReturnValue:
    """Prometheus text format: this process's (or all processes') counters, then the backlog."""
    found = backlog.measure(web.db_session(), web.runtime().clock.now())
    payload = generate_latest(_counted()) + generate_latest(_backlog_registry(found))
    return Response(payload, content_type=CONTENT_TYPE_LATEST)


def _counted() -> CollectorRegistry:
    """The process's registry, or every process's when prometheus multiprocess mode is on."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def _backlog_registry(found: backlog.Backlog) -> CollectorRegistry:
    """Gauges of the backlog, read from the database for this scrape."""
    registry = CollectorRegistry()
    figures = (
        ("dispatcher_outbox_depth", "Outgoing messages not sent yet", found.depth),
        (
            "dispatcher_outbox_lag_seconds",
            "How late the oldest due outgoing message is",
            found.lag.total_seconds(),
        ),
        (
            "dispatcher_overdue_step_seconds",
            "How late the oldest due escalation step is",
            found.overdue.total_seconds(),
        ),
    )
    for name, documentation, value in figures:
        Gauge(name, documentation, registry=registry).set(value)
    return registry
