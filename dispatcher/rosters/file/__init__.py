"""Roster as code: the TOML file of people, rosters, rotations, overrides and agencies.

The public face of the format: ``load_roster_file`` (pure; every problem it finds goes to
``RosterFile.errors`` instead of stopping at the first), ``validate`` (adds the checks that
need the whole file or the database and raises one ValidationError listing everything),
``apply_roster_file`` and ``export_roster_file``. Inside: ``read`` reads a file, ``fields``
reads one table, ``data`` holds the values, ``check`` checks, ``apply`` writes, ``export``
writes files back.

Date-times without an offset are wall times in the roster's zone; with an offset they are
instants. A person's ``away_until`` is an instant and needs an offset.
"""

from __future__ import annotations

from dispatcher.rosters.file.apply import ApplySummary, apply_roster_file
from dispatcher.rosters.file.check import RosterFileError, validate
from dispatcher.rosters.file.data import RosterFile
from dispatcher.rosters.file.export import export_roster_file
from dispatcher.rosters.file.read import load_roster_file

__all__ = [
    "ApplySummary",
    "RosterFile",
    "RosterFileError",
    "apply_roster_file",
    "export_roster_file",
    "load_roster_file",
    "validate",
]
