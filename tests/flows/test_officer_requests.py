"""A second victim at the same scene: an officer with several open requests."""

from __future__ import annotations

import sqlalchemy as sa

from dispatcher.flows.models import Request
from dispatcher.flows.officers import read_note
from tests.flows.test_night import code_in
from tests.night import ANA, BEN, OFFICER, World


def two_open(world: World) -> tuple[str, str]:
    """The officer opens one request, then a second one with NEW; both are paged."""
    first = code_in(world.text(OFFICER, "Woman at the truck stop needs an advocate"))
    world.tick()
    second = code_in(world.text(OFFICER, "NEW her friend, 15, needs an advocate too"))
    world.tick()
    assert first != second
    return first, second


def notes(world: World) -> dict[str, list[str]]:
    """Each open request's held words."""
    with world.session() as session:
        requests = session.scalars(sa.select(Request).order_by(Request.id)).all()
        return {i.code: read_note(world.context(), i) for i in requests}


def test_new_opens_another_request_and_each_is_paged(world: World) -> None:
    first, second = two_open(world)
    assert first in world.inbox(ANA)[0] and second in world.inbox(ANA)[1]
    with world.session() as session:
        assert session.scalars(sa.select(Request.status)).all() == ["open", "open"]
    assert notes(world)[second] == ["her friend, 15, needs an advocate too"]


def test_words_without_a_code_get_one_prompt_and_are_not_kept(world: World) -> None:
    first, second = two_open(world)
    before = notes(world)
    reply = world.text(OFFICER, "She says her name is Dana")
    assert reply is not None and reply.startswith("Not sent")
    assert first in reply and second in reply
    assert notes(world) == before


def test_words_led_by_a_code_go_to_that_request_only(world: World) -> None:
    first, second = two_open(world)
    world.text(ANA, f"1 {first}")
    reply = world.text(OFFICER, f"{first} where are you?")
    assert reply is None
    held = world.text(OFFICER, f"{second} the friend is at the back")
    assert held is not None and second in held
    world.tick()
    assert world.last(ANA) == f"[{first}] Officer: where are you?"
    assert notes(world)[second][-1] == "the friend is at the back"


def test_status_lists_every_open_request(world: World) -> None:
    first, second = two_open(world)
    world.text(ANA, f"1 {first}")
    reply = world.text(OFFICER, "STATUS")
    assert reply is not None
    assert f"{first}: advocate: accepted by Ana" in reply
    assert f"{second}: advocate: still paging" in reply
    assert world.text(OFFICER, f"status {second}") == f"{second}: advocate: still paging."


def test_done_names_the_request_and_a_bare_done_asks_which(world: World) -> None:
    first, second = two_open(world)
    asked = world.text(OFFICER, "DONE")
    assert asked == f"Which one? DONE {first} or DONE {second}."
    closed = world.text(OFFICER, f"done {second}")
    assert closed is not None and closed.startswith(f"{second} is closed")
    last = world.text(OFFICER, "DONE")
    assert last is not None and last.startswith(f"{first} is closed")
    with world.session() as session:
        assert session.scalars(sa.select(Request.status)).all() == ["closed", "closed"]


def test_a_command_word_without_a_code_is_not_passed_on(world: World) -> None:
    code = code_in(world.text(OFFICER, "Need an advocate"))
    world.tick()
    world.text(ANA, "1")
    reply = world.text(OFFICER, "done with the interview, heading to the hospital")
    assert reply is not None and reply.startswith("Not sent") and code in reply
    world.tick()
    assert not any("hospital" in text for text in world.inbox(ANA))
    assert world.text(OFFICER, "ok, thanks") is None
    world.tick()
    assert world.last(ANA) == f"[{code}] Officer: ok, thanks"
    assert world.inbox(BEN) == []
