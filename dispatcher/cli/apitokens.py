"""``dispatcher api-token``: tokens for integrations with the JSON API."""

from __future__ import annotations

import click

from dispatcher.accounts import apitokens
from dispatcher.accounts.models import API_SCOPES
from dispatcher.cli.common import cli_auditor, domain_errors, session_scope


def register(main: click.Group) -> None:
    """Add this area's commands to ``main``."""
    main.add_command(api_token)


@click.group("api-token")
def api_token() -> None:
    """Tokens for integrations with the JSON API (/api/v1)."""


@api_token.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    type=click.Choice(API_SCOPES),
    multiple=True,
    required=True,
    help="What the token may do (repeat for several).",
)
@domain_errors
def create(name: str, scopes: tuple[str, ...]) -> None:
    """Create a token for the integration NAME and print it (shown only this once)."""
    with session_scope() as session:
        made = apitokens.create_token(session, cli_auditor(), name, scopes)
        token_id = made.row.id
    click.echo(made.token)
    click.echo(f"created API token {token_id} for {name}; it is not shown again", err=True)


@api_token.command("revoke")
@click.argument("token_id", type=int)
@domain_errors
def revoke(token_id: int) -> None:
    """Revoke the token TOKEN_ID: it stops working at once."""
    with session_scope() as session:
        row = apitokens.revoke_token(session, cli_auditor(), token_id)
        click.echo(f"revoked API token {row.id} ({row.name})")


@api_token.command("list")
def list_command() -> None:
    """Show every token: id, name, scopes, state (never the token)."""
    with session_scope() as session:
        for row in apitokens.list_tokens(session):
            state = "revoked" if row.revoked_at else "active"
            click.echo(f"{row.id}\t{row.name}\t{','.join(row.scopes)}\t{state}")
