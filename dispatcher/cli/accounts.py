"""``dispatcher admin``: accounts for the admin pages, created and listed from a shell."""

from __future__ import annotations

import sys

import click

from dispatcher.accounts import service
from dispatcher.accounts.models import ROLES
from dispatcher.cli.common import cli_auditor, domain_errors, session_scope


def register(main: click.Group) -> None:
    """Add this area's commands to ``main``."""
    main.add_command(admin)


@click.group()
def admin() -> None:
    """Accounts for the coordinators' admin pages."""


@admin.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the account may do.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@domain_errors
def create(email: str, role: str, password_stdin: bool) -> None:
    """Create an account; the password is asked twice, hidden, unless --password-stdin."""
    password = _read_password(password_stdin)
    with session_scope() as session:
        user = service.create_account(session, cli_auditor(), email, password, role)
    click.echo(f"created {role} account {user.email}")


@admin.command("list")
def list_accounts() -> None:
    """Show every account with its role and whether it may sign in."""
    with session_scope() as session:
        for user in service.list_users(session):
            state = "active" if user.active else "deactivated"
            click.echo(f"{user.email}\t{user.role}\t{state}")


def _read_password(from_stdin: bool) -> str:
    """The new password, from stdin's first line or a hidden prompt with confirmation."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("no password on stdin")
        return password
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value
