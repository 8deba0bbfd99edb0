"""The coalition the tests share, read from ``tests/data/coalition.toml``, and its variants.

- ``COALITION``: the whole file: Ana Ruiz, Kim Moss (coordinator), Ben Okafor, Cruz Lee and
  Dee Park; the advocates roster (nightly rotation, one replace override, a four-step
  policy repeated once); the Racine Police Department with one officer.
- ``EXAMPLE``: the roster-file issue's example, verbatim: the file up to the comment line
  before Ben, Cruz and Dee, whom it names without listing (alone it is refused).
- ``OTHERS``: the three people the example refers to.

Tests that need another variant change one value with ``str.replace`` and say why.
Also here: applying and exporting a roster file in one committed unit of work.
"""

from __future__ import annotations

from pathlib import Path

from dispatcher.db import Database
from dispatcher.rosters.file import (
    ApplySummary,
    apply_roster_file,
    export_roster_file,
    load_roster_file,
)

DATA = Path(__file__).resolve().parent.parent / "data"
COALITION = (DATA / "coalition.toml").read_text()
_OTHERS_START = COALITION.index("# The people the example refers to without listing them.")
EXAMPLE = COALITION[:_OTHERS_START]
OTHERS = COALITION[_OTHERS_START:]


def apply_text(database: Database, text: str, name: str = "roster.toml") -> ApplySummary:
    """Import ``text`` in one committed unit of work, as the CLI does."""
    with database.session_scope() as session:
        return apply_roster_file(session, load_roster_file(text, name=name))


def export(database: Database) -> str:
    """The database as a roster file."""
    with database.session_scope() as session:
        return export_roster_file(session)
