"""The stored vocabulary: enum values are the strings in the database, one need-kind table."""

from __future__ import annotations

import pytest

from dispatcher.flows.vocabulary import (
    FINISHED,
    NEED_KINDS,
    NEEDS,
    NeedKind,
    OutboxState,
    need_spec,
)
from dispatcher.rosters.models import ROSTER_KINDS
from dispatcher.rosters.targets import STEP_TARGETS
from dispatcher.sms.commands import KINDS, CommandKind, parse
from dispatcher.sms.messages import need_phrase


@pytest.mark.parametrize(
    ("kind", "roster_kind", "role", "phrase"),
    [
        ("advocate", "advocate", "advocate", "an advocate"),
        ("room", "hotel", "hotel", "a room"),
        ("ride", "ride", "driver", "a ride"),
    ],
)
def test_each_need_kind_has_one_row(kind: str, roster_kind: str, role: str, phrase: str) -> None:
    spec = need_spec(kind)
    assert spec is not None
    assert (spec.key, spec.roster_kind, spec.role, spec.phrase) == (
        kind,
        roster_kind,
        role,
        phrase,
    )
    assert need_phrase(kind) == phrase


def test_the_table_covers_every_kind_in_request_order() -> None:
    assert NEED_KINDS == ("advocate", "room", "ride")
    assert set(NEEDS) == set(NeedKind)
    assert {spec.roster_kind for spec in NEEDS.values()} <= set(ROSTER_KINDS)


def test_an_unknown_need_has_no_row_and_is_named_as_written() -> None:
    assert need_spec("boat") is None
    assert need_phrase("boat") == "boat"


def test_members_equal_the_stored_strings() -> None:
    assert OutboxState.PENDING == "pending"
    assert f"{OutboxState.PENDING}" == "pending"
    assert STEP_TARGETS == ("on-call", "next", "all", "coordinators", "person")
    assert set(FINISHED) == {"sent", "delivered", "undelivered", "failed", "dropped"}


def test_parsed_kinds_are_command_kinds() -> None:
    assert parse("1").kind is CommandKind.ACCEPT
    assert parse("hello there").kind is CommandKind.TEXT
    assert "soft_accept" in KINDS
