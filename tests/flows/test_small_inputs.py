"""Small inputs that used to break things: each gets a clear answer and stores nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dispatcher.durations import parse_duration
from dispatcher.errors import ValidationError
from dispatcher.flows.models import AnonymousCount
from dispatcher.phones import is_e164
from dispatcher.rosters.contacts import read_phone
from dispatcher.rosters.file import load_roster_file
from dispatcher.rosters.models import Officer, Person
from dispatcher.sms import inbound
from dispatcher.sms.messages import REFERRAL
from tests.night import ANA, World

HOTLINE = "+12625550100"


def away_until(world: World, number: str) -> object:
    with world.session() as session:
        return session.scalars(sa.select(Person.away_until).where(Person.phone == number)).one()


@pytest.mark.parametrize("argument", ["99999999h", "31d", "720h1m"])
def test_away_longer_than_30_days_is_refused_clearly(world: World, argument: str) -> None:
    assert world.text(ANA, f"AWAY {argument}") == (
        "AWAY takes up to 30d, e.g. AWAY 8h or AWAY 3d. "
        "Text AWAY alone to pause until you text BACK."
    )
    assert away_until(world, ANA) is None


def test_away_of_30_days_is_taken(world: World) -> None:
    reply = world.text(ANA, "AWAY 30d")
    assert reply is not None and reply.startswith("You are away until")
    assert away_until(world, ANA) is not None


def test_a_duration_too_large_for_any_date_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="too long"):
        parse_duration("99999999999999999d")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+12625550150", True),
        ("+442079460000", True),
        ("alice", False),
        ("whatsapp:+12625550150", False),
        ("12625550150", False),
        ("+0123456789", False),
        ("+1262555015012345678", False),
        ("", False),
        ("+12625550150\n", False),
    ],
)
def test_e164_table(text: str, expected: bool) -> None:
    assert is_e164(text) is expected


@pytest.mark.parametrize(
    "sender", ["alice", "whatsapp:+12625550150", "whatsapp:+14145550177", "client:bob"]
)
def test_a_sender_that_is_not_e164_gets_the_referral_and_nothing_is_stored(
    world: World, sender: str
) -> None:
    assert world.text(sender, "JOIN RPD-4821 Sgt. Alice Cole") == REFERRAL
    assert world.text(sender, "need an advocate") == REFERRAL
    with world.session() as session:
        assert session.scalars(sa.select(Officer).where(Officer.phone == sender)).all() == []
        assert session.scalars(sa.select(AnonymousCount)).all() == []


def test_a_caller_that_is_not_e164_is_neither_looked_up_nor_counted(world: World) -> None:
    with world.session() as session:
        reply = inbound.handle_call(session, world.context(), "anonymous").reply
        assert reply.template == "call_referral"
        assert session.scalars(sa.select(AnonymousCount)).all() == []


def test_the_hotlines_own_number_is_refused_as_a_phone() -> None:
    assert read_phone("(262) 555-0101", "Ana", "US", HOTLINE) == "+12625550101"
    with pytest.raises(ValidationError, match="hotline's own number"):
        read_phone("(262) 555-0100", "Ana", "US", HOTLINE)


def test_a_roster_file_giving_the_hotline_number_to_someone_is_refused() -> None:
    text = """
[[people]]
name = "Ana Ruiz"
phone = "+12625550100"

[[agencies]]
name = "Racine Police Department"
enrollment_code = "RPD-4821"
officers = [{ name = "Inv. N. Lofy", phone = "262-555-0100" }]
"""
    data = load_roster_file(text, hotline=HOTLINE)
    assert len(data.errors) == 2
    assert all("hotline's own number" in error for error in data.errors)
    assert load_roster_file(text).errors == ()


@pytest.mark.parametrize(
    "text", ["x = " + "[" * 500 + "]" * 500, "x = " + "{a = " * 500 + "1" + "}" * 500]
)
def test_toml_nested_500_deep_is_a_clear_error(text: str) -> None:
    data = load_roster_file(text, name="deep.toml")
    assert data.errors == ("deep.toml: tables or arrays are nested too deeply",)
