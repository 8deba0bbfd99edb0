"""Pieces every command shares: settings, the database, errors as exit codes."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.db import Database, upgrade_database
from dispatcher.errors import DispatcherError
from dispatcher.settings import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])


def settings() -> Settings:
    """Load settings or stop with the message that names the bad setting."""
    try:
        return load_settings()
    except DispatcherError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def session_scope() -> Iterator[Session]:
    """A committed unit of work against the configured database."""
    database = Database(settings().database_url)
    try:
        with database.session_scope() as session:
            yield session
    finally:
        database.dispose()


def cli_actor() -> str:
    """The audit log's name for a change made from the command line."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def cli_auditor() -> Auditor:
    """Who a command's changes are by (``cli_actor``), at the wall clock's time now."""
    return Auditor(cli_actor(), datetime.now(UTC))


def domain_errors(func: F) -> F:
    """Turn domain errors into a clean message and exit status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DispatcherError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


@click.group("db")
def database_group() -> None:
    """Database schema."""


@database_group.command("upgrade")
def upgrade() -> None:
    """Apply every pending migration to the configured database."""
    upgrade_database(settings().database_url)
    click.echo("database is up to date")
