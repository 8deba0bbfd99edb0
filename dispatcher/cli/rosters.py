"""Roster commands: import and export roster files, who is on call, shifts, the demo data.

Exit status: 0 done, 1 a domain error (bad file, unknown roster) with the message on
stderr, 2 a usage error, 3 from ``oncall`` when nobody is on call.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher.cli.common import cli_auditor, domain_errors, session_scope, settings
from dispatcher.clock import SystemClock
from dispatcher.rosters.file import (
    ApplySummary,
    RosterFile,
    export_roster_file,
    load_roster_file,
)
from dispatcher.rosters.file.fields import to_instant, to_moment
from dispatcher.rosters.file.uploads import Preview, apply_upload, preview_upload
from dispatcher.rosters.history import recorded_shifts, who_was_on_call
from dispatcher.rosters.models import Person
from dispatcher.rosters.service import get_roster
from dispatcher.settings import CONFIG_DIR

DEMO_FILE = CONFIG_DIR / "demo.toml"
NOBODY_ON_CALL = 3
WHEN_HELP = "ISO 8601; without an offset, local time in the roster's zone"


def register(main: click.Group) -> None:
    """Add the roster commands to ``main``."""
    main.add_command(roster_group)
    main.add_command(oncall)
    main.add_command(shifts_command)
    main.add_command(demo_group)


@click.group("roster")
def roster_group() -> None:
    """Roster files: people, rosters, rotations, overrides, escalation, agencies."""


@roster_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Print the changes the file would make; write nothing."
)
@domain_errors
def import_command(file: Path, dry_run: bool) -> None:
    """Check FILE whole, then create or update everything it names (nothing on any error).

    A file exported before the data's last change is warned about on stderr, naming the
    changes it would undo. With --dry-run, print one line per change and write nothing.
    """
    if dry_run:
        preview = preview_roster_file(file)
        _warn_if_stale(preview)
        click.echo("\n".join(preview.lines) if preview.lines else "no changes")
        return
    _warn_if_stale(preview_roster_file(file))
    click.echo(import_roster_file(file))


def import_roster_file(file: Path) -> ApplySummary:
    """Load, check and apply one roster file in one unit of work (the page can undo it)."""
    with session_scope() as session:
        return apply_upload(session, _load(file), cli_auditor())


def preview_roster_file(file: Path) -> Preview:
    """What importing ``file`` would change; nothing is written."""
    with session_scope() as session:
        return preview_upload(session, _load(file), cli_auditor())


def _load(file: Path) -> RosterFile:
    """``file`` read with the service's region and hotline."""
    config = settings()
    return load_roster_file(file, region=config.default_region, hotline=config.hotline_number)


def _warn_if_stale(preview: Preview) -> None:
    """On stderr: the file is older than the data, and what importing it would undo."""
    if not preview.stale:
        return
    click.echo(
        f"warning: {preview.source} is version {preview.file_version}; the data is at "
        f"version {preview.version}. Changed since: " + "; ".join(preview.since),
        err=True,
    )
    for line in preview.lost:
        click.echo(f"warning: importing it would undo: {line}", err=True)


@roster_group.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@domain_errors
def export_command(file: Path | None) -> None:
    """Write every person, roster and agency as a roster file to FILE (or stdout)."""
    with session_scope() as session:
        text = export_roster_file(session)
        _record_export(session, str(file) if file else "stdout")
    if file is None:
        click.echo(text, nl=False)
    else:
        file.write_text(text, encoding="utf-8")
        click.echo(f"wrote {file}", err=True)


@click.command("oncall")
@click.argument("roster")
@click.option("--at", "when", metavar="WHEN", help=f"The instant to ask about ({WHEN_HELP}).")
@domain_errors
def oncall(roster: str, when: str | None) -> None:
    """Print who is on call on ROSTER now (or at WHEN), one name per line; exit 3 if nobody.

    A past WHEN is answered from the shift history (who was on call then), a future one
    from the rotations as they stand.
    """
    with session_scope() as session:
        found = get_roster(session, roster)
        at = parse_when(when, ZoneInfo(found.timezone), "--at") if when else SystemClock().now()
        names = [person.name for person in who_was_on_call(session, found, at)]
    if not names:
        raise click.exceptions.Exit(NOBODY_ON_CALL)
    click.echo("\n".join(names))


@click.command("shifts")
@click.argument("roster")
@click.option("--from", "start", metavar="WHEN", required=True, help=WHEN_HELP)
@click.option("--to", "end", metavar="WHEN", required=True, help=WHEN_HELP)
@domain_errors
def shifts_command(roster: str, start: str, end: str) -> None:
    """Print every on-call period overlapping [--from, --to) as START END NAME lines.

    The past comes from the shift history, the future from the rotations.
    """
    with session_scope() as session:
        found = get_roster(session, roster)
        zone = ZoneInfo(found.timezone)
        a, b = parse_when(start, zone, "--from"), parse_when(end, zone, "--to")
        if b <= a:
            raise click.BadParameter("must be after --from", param_hint="--to")
        for shift, person in recorded_shifts(session, found, a, b):
            click.echo(f"{_stamp(shift.start, zone)} {_stamp(shift.end, zone)} {person.name}")


@click.group("demo")
def demo_group() -> None:
    """The demo coalition used by ``make run``."""


@demo_group.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the database has no people yet.")
@domain_errors
def demo_load(if_empty: bool) -> None:
    """Import the demo coalition (dispatcher/config/demo.toml)."""
    if if_empty:
        with session_scope() as session:
            if _has_people(session):
                click.echo("the database already has people: demo not loaded")
                return
    click.echo(import_roster_file(DEMO_FILE))


def parse_when(text: str, zone: ZoneInfo, option: str) -> datetime:
    """An aware UTC instant from ISO 8601 ``text``; naive means wall time in ``zone``."""
    try:
        return to_instant(to_moment(text), zone)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def _stamp(instant: datetime, zone: ZoneInfo) -> str:
    """``2026-03-10T20:00:00-05:00``: the roster's wall time with its UTC offset."""
    return instant.astimezone(zone).isoformat(timespec="seconds")


def _has_people(session: Session) -> bool:
    """True when at least one person is stored."""
    return bool(session.scalar(select(func.count()).select_from(Person)))


def _record_export(session: Session, target: str) -> None:
    """Note an export in the audit log (who took a copy of the phone list, and where)."""
    cli_auditor().record(session, "export", "roster_file", None, None, {"to": target})
