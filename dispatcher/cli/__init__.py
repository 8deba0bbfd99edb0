"""The ``dispatcher`` command: serve, run the engine, migrate, manage rosters and accounts."""

from __future__ import annotations

import click

from dispatcher.cli import accounts, apitokens, drills, rosters, serve
from dispatcher.cli.common import database_group


@click.group()
@click.version_option(package_name="dispatcher")
def main() -> None:
    """On-call dispatch and messaging for anti-trafficking coalitions."""


main.add_command(database_group)
serve.register(main)
rosters.register(main)
accounts.register(main)
apitokens.register(main)
drills.register(main)
