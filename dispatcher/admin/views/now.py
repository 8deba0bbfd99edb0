"""The Now board: who is on call on each roster, and every open request.

The page refreshes its board every 10 seconds from ``/admin/now/board`` (a fragment);
without JavaScript it reloads itself every 30 seconds. Neither counts as activity for the
idle timeout.
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.board import open_requests, rosters_now
from dispatcher.admin.checkins import running_checkins
from dispatcher.admin.pages import db, now
from dispatcher.flows.gaps import find_gaps

VIEWERS = ("coordinator",)
REFRESH_SECONDS = 10
RELOAD_SECONDS = 30  # without JavaScript


@blueprint.get("/")
@roles_required(*VIEWERS)
def now_page() -> ResponseReturnValue:
    """The whole page, with the board inside."""
    return render_template(
        "admin/now.html",
        title="Now",
        refresh_seconds=REFRESH_SECONDS,
        reload_seconds=RELOAD_SECONDS,
        gaps=find_gaps(db(), now()),
        **_board(),
    )


@blueprint.get("/now/board")
@roles_required(*VIEWERS)
def now_board() -> ResponseReturnValue:
    """Just the board, for the page's script to swap in."""
    return render_template("admin/_board.html", **_board())


def _board() -> dict[str, object]:
    """The board's data at the service clock's now."""
    at = now()
    return {
        "rosters": rosters_now(db(), at),
        "requests": open_requests(db()),
        "checkins": running_checkins(db()),
    }
