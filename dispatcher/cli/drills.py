"""``dispatcher drill``: start a readiness drill of a roster from the command line."""

from __future__ import annotations

import click

from dispatcher.cli.common import cli_auditor, domain_errors, session_scope, settings
from dispatcher.clock import SystemClock
from dispatcher.durations import format_duration, parse_duration
from dispatcher.flows import drills
from dispatcher.flows.context import FlowContext
from dispatcher.rosters.service import get_roster
from dispatcher.runtime import sealer_for


def register(main: click.Group) -> None:
    """Add this area's commands to ``main``."""
    main.add_command(drill_group)


@click.group("drill")
def drill_group() -> None:
    """Readiness drills: a page marked DRILL, measured, never seen by officers."""


@drill_group.command("start")
@click.option("--roster", "roster_name", required=True, help="The roster to drill (its name).")
@click.option(
    "--within",
    metavar="DURATION",
    help="Start at a random time within DURATION (2h, 30m, 1d; at most 14 days); without it, now.",
)
@domain_errors
def start(roster_name: str, within: str | None) -> None:
    """Plan a drill of ROSTER; the running engine starts it when due (``dispatcher run`` or
    ``dispatcher worker``)."""
    window = parse_duration(within) if within else None
    loaded = settings()
    clock = SystemClock()
    ctx = FlowContext(loaded, sealer_for(loaded, clock), clock.now())
    with session_scope() as session:
        roster = get_roster(session, roster_name)
        planned = drills.plan(session, ctx, cli_auditor(), roster.id, window or drills.NOW)
        drill_id = planned.id
    when = f"at a random time within {format_duration(window)}" if window else "now"
    click.echo(f"drill {drill_id} of {roster.name} planned: it starts {when}")
