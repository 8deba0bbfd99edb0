"""The admin pages' views, one module per area; importing this package registers them all."""

from __future__ import annotations

from dispatcher.admin.views import (
    accounts,
    agencies,
    apitokens,
    calendars,
    calllog,
    now,
    overrides,
    people,
    policy,
    regions,
    rosterfile,
    rosters,
    rotations,
    settings,
    signups,
    stats,
    trainings,
)

__all__ = [
    "accounts",
    "agencies",
    "apitokens",
    "calendars",
    "calllog",
    "now",
    "overrides",
    "people",
    "policy",
    "regions",
    "rosterfile",
    "rosters",
    "rotations",
    "settings",
    "signups",
    "stats",
    "trainings",
]
