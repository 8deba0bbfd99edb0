"""The admin blueprint and its navigation entries, apart from the views that fill them.

Views, sign-in and display all import ``blueprint`` from here; the package's ``__init__``
imports them, so nothing imports the package itself back (no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint

from dispatcher.languages import N_

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
    Area("admin.now_page", N_("Now")),
    Area("admin.people", N_("People")),
    Area("admin.rosters", N_("Rosters")),
    Area("admin.agencies", N_("Agencies")),
    Area("admin.regions", N_("Regions")),
    Area("admin.needs", N_("Needs")),
    Area("admin.partners", N_("Partners")),
    Area("admin.ledger", N_("Ledger")),
    Area("admin.call_log", N_("Call log")),
    Area("admin.statistics", N_("Statistics")),
    Area("admin.coalition_report", N_("Coalition report")),
    Area("admin.drills_page", N_("Drills")),
    Area("admin.roster_file", N_("Roster file")),
    Area("admin.accounts", N_("Accounts")),
    Area("admin.api_tokens", N_("API tokens")),
    Area("admin.audit_log", N_("Audit log")),
    Area("admin.settings_page", N_("Settings")),
)
