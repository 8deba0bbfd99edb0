"""Rebuild the initial migration from the models (only until the first release ships).

Run with ``make migration``. After the first release, add migrations with
``alembic revision --autogenerate`` instead of rewriting this one.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).resolve().parent
INITIAL = HERE / "versions" / "0001_initial.py"


def main() -> None:
    """Delete and regenerate ``versions/0001_initial.py`` against an empty database."""
    INITIAL.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        config = Config()
        config.set_main_option("script_location", str(HERE))
        config.attributes["database_url"] = f"sqlite:///{tmp}/empty.db"
        command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
    generated = next((HERE / "versions").glob("0001_*.py"))
    generated.rename(INITIAL)
    print(f"wrote {INITIAL}")


if __name__ == "__main__":
    main()
