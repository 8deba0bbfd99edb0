"""Commands for accounts (filled in as the area is built)."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    """Add this area's commands to ``main``."""
