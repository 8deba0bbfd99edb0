"""The coordinators' admin pages: one blueprint, one views module per area.

Adding an area is one views module, its templates and one ``AREAS`` entry (the module is
imported and the entry shown to the roles its view allows).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from flask import Blueprint, Flask

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
    """A navigation entry: the views module serving it, its page's endpoint, its label."""

    module: str
    endpoint: str
    label: str


AREAS = (
    Area("views_now", "admin.now_page", N_("Now")),
    Area("views_people", "admin.people", N_("People")),
    Area("views_rosters", "admin.rosters", N_("Rosters")),
    Area("views_agencies", "admin.agencies", N_("Agencies")),
    Area("views_calllog", "admin.call_log", N_("Call log")),
    Area("views_stats", "admin.statistics", N_("Statistics")),
    Area("views_rosterfile", "admin.roster_file", N_("Roster file")),
    Area("views_accounts", "admin.accounts", N_("Accounts")),
    Area("views_accounts", "admin.audit_log", N_("Audit log")),
    Area("views_settings", "admin.settings_page", N_("Settings")),
)
# Modules with routes but no navigation entry of their own.
SUPPORT_MODULES = (
    "auth",
    "display",
    "views_rotations",
    "views_overrides",
    "views_policy",
)


def init_app(app: Flask) -> None:
    """Mount the admin pages at /admin with sign-in, role checks and their filters."""
    for name in dict.fromkeys((*SUPPORT_MODULES, *(area.module for area in AREAS))):
        import_module(f"{__name__}.{name}")
    from dispatcher.admin import auth

    auth.init_app(app)
    app.register_blueprint(blueprint)


def navigation() -> list[Area]:
    """The areas the signed-in account may open, in menu order."""
    from dispatcher.admin.auth import may_open

    return [area for area in AREAS if may_open(area.endpoint)]
