"""How many SQL statements the two hottest webhooks cost: a regression guard, not a timing.

An officer's first text and a member's accept run on every request; each statement is a
round trip and ORM work on the webhook's CPU. The figures below are what the code reaches;
a change that needs more statements should say why here, and one that needs fewer should
lower them. Transaction control (SQLite's ``BEGIN IMMEDIATE``) is not counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from dispatcher.db import Database
from dispatcher.flows.models import Need
from dispatcher.rosters.models import Person
from dispatcher.web import runtime_of
from tests.fakes import inbound_params, signed_post
from tests.night import ANA, OFFICER, load_coalition

PUBLIC_INBOUND = "https://dispatch.test/sms/inbound"
TOKEN = "test-auth-token"
# An officer's first text opening a request with two needs (advocate, room): the
# deduplication row, the provider copy, the sender (member and officer in one query),
# their open requests, a free code, the request, the agency (for its region), each need's
# rosters of its kind with the regions they serve and their steps, the two needs (one
# batch on PostgreSQL, which then notifies the engine). Regions cost the agency read and a
# roster query per need kind.
OFFICER_TEXT = {"sqlite": 13, "postgresql": 14}
# A member's "1" for the one page waiting on them: deduplication, provider copy, sender,
# the page with its need and request, the winning UPDATE, the page, the officer, the
# agency, two outbox rows, the wiped note, the other pages (PostgreSQL: one NOTIFY); and
# for the safety check-in of an in-person need: the pending debrief, the running check-ins,
# the roster's interval, the check-in row and the text telling how to check in; and the
# partner the accepter answers for, if any (their pledge's ledger).
MEMBER_ACCEPT = {"sqlite": 18, "postgresql": 18}


@contextmanager
def counted(database: Database) -> Iterator[list[str]]:
    """The statements ``database`` runs inside the block, transaction control left out."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def text(app: Flask, number: str, body: str) -> None:
    """``number`` texts the hotline through the signed webhook."""
    response = signed_post(app.test_client(), PUBLIC_INBOUND, inbound_params(number, body), TOKEN)
    assert response.status_code == 200


@pytest.fixture
def served(app: Flask, database: Database) -> Flask:
    """The app on the test coalition (its engine ticked by the test)."""
    load_coalition(database)
    return app


def test_an_officer_text_opening_a_request_costs_a_fixed_number_of_statements(
    served: Flask,
) -> None:
    database = runtime_of(served).database
    with counted(database) as statements:
        text(served, OFFICER, "need an advocate and a room at the motel")
    assert len(statements) == OFFICER_TEXT[database.engine.dialect.name], statements


def test_a_member_accept_costs_a_fixed_number_of_statements(served: Flask) -> None:
    runtime = runtime_of(served)
    text(served, OFFICER, "need an advocate and a room at the motel")
    runtime.engine.tick()
    with counted(runtime.database) as statements:
        text(served, ANA, "1")
    assert len(statements) == MEMBER_ACCEPT[runtime.database.engine.dialect.name], statements
    with runtime.database.session_scope() as session:
        accepted = session.scalars(select(Need.accepted_by_id).where(Need.kind == "advocate"))
        assert list(accepted) == [person_id(session, ANA)]


def person_id(session: Session, phone: str) -> int:
    """The id of the roster member with ``phone``."""
    return session.scalars(select(Person.id).where(Person.phone == phone)).one()


# A tick that finds nothing due (every engine's tick after another engine took the work, or
# a kick with nothing left): the due needs, the next deadlines (one statement), the due
# outbox rows. Side duties are not run by a kick's tick.
IDLE_TICK = {"sqlite": 3, "postgresql": 3}


def test_a_tick_with_nothing_due_costs_a_fixed_number_of_statements(served: Flask) -> None:
    runtime = runtime_of(served)
    text(served, OFFICER, "need an advocate and a room at the motel")
    runtime.engine.tick()
    with counted(runtime.database) as statements:
        report = runtime.engine.tick(duties=False)
    assert report.escalated == 0 and report.sent == 0
    assert len(statements) == IDLE_TICK[runtime.database.engine.dialect.name], statements
