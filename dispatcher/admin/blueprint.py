"""The admin blueprint and its navigation entries, apart from the views that fill them.

Views, sign-in and display all import ``blueprint`` from here; the package's ``__init__``
imports them, so nothing imports the package itself back (no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint

blueprint = Blueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
)


@dataclass(frozen=True)
class Area:
    """A navigation entry: its page's endpoint and its label."""

    endpoint: str
    label: str


AREAS = (
    Area("admin.now_page", "Now"),
    Area("admin.people", "People"),
    Area("admin.rosters", "Rosters"),
    Area("admin.agencies", "Agencies"),
    Area("admin.call_log", "Call log"),
    Area("admin.statistics", "Statistics"),
    Area("admin.roster_file", "Roster file"),
    Area("admin.accounts", "Accounts"),
    Area("admin.audit_log", "Audit log"),
    Area("admin.settings_page", "Settings"),
)
