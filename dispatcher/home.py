"""The front door: ``/`` leads to the simulator when it is on, else to the admin pages."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask.typing import ResponseReturnValue

from dispatcher import web

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
def index() -> ResponseReturnValue:
    """Send a visitor where they can start."""
    if web.runtime().settings.simulator:
        return redirect(url_for("simulator.page"))
    return redirect(url_for("admin.now_page"))
