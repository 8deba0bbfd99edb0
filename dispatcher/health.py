"""Liveness and readiness probes for load balancers and supervisors."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select, text

from dispatcher import web
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
    """The database answers and an engine has ticked recently."""
    session = web.db_session()
    try:
        session.execute(text("SELECT 1"))
        last_tick = session.scalar(
            select(EngineLease.last_tick_at).where(EngineLease.name == "engine")
        )
    except Exception:  # any database failure means "not ready"
        return jsonify(status="unavailable", database="unreachable"), 503
    now = web.runtime().clock.now()
    if last_tick is None or now - last_tick > ENGINE_SILENCE:
        return jsonify(status="unavailable", database="ok", engine="not ticking"), 503
    return jsonify(status="ok", database="ok", engine="ticking"), 200
