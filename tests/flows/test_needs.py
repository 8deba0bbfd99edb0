"""Changing needs mid-call: the officer or the advocate at the scene adds or drops one."""

from __future__ import annotations

import sqlalchemy as sa

from dispatcher.flows.models import Need
from tests.flows.test_night import code_in
from tests.night import ANA, BEN, HARBOR, KIM, LAKEVIEW, OFFICER, ROSA, SAM, World


def opened(world: World, body: str = "Woman at the truck stop needs an advocate") -> str:
    """The officer opens a request and the engine pages it; return its code."""
    code = code_in(world.text(OFFICER, body))
    world.tick()
    return code


def need_states(world: World) -> dict[str, str]:
    """Each need's state by kind (the latest need of each kind)."""
    with world.session() as session:
        return dict(session.execute(sa.select(Need.kind, Need.state).order_by(Need.id)).all())


def test_the_officer_adds_a_room_and_the_hotels_are_paged(world: World) -> None:
    code = opened(world)
    assert world.text(OFFICER, "ROOM") == f"{code}: paging for a room now."
    world.tick()
    assert code in world.last(HARBOR) and code in world.last(LAKEVIEW)
    assert world.text(OFFICER, f"room {code}") == (
        f"{code} already has a room being paged or on the way."
    )


def test_the_officer_drops_a_room_and_everyone_paged_is_told(world: World) -> None:
    code = opened(world, "Juvenile needs an advocate and a hotel room")
    reply = world.text(OFFICER, f"NO ROOM {code}")
    assert reply is not None and "stopped paging for a room" in reply
    world.tick()
    for hotel in (HARBOR, LAKEVIEW):
        assert world.last(hotel) == f"{code}: a room is no longer needed. Thank you."
    world.advance(minutes=30)
    assert len(world.inbox(HARBOR)) == 2 and not any("room" in t for t in world.inbox(KIM))
    assert need_states(world)["room"] == "cancelled"


def test_a_dropped_room_that_was_accepted_tells_the_hotel(world: World) -> None:
    code = opened(world, "Needs an advocate and a room")
    world.text(HARBOR, "1")
    world.text(OFFICER, "no room")
    world.tick()
    assert world.last(HARBOR) == f"{code}: a room is no longer needed. Thank you."
    assert world.text(OFFICER, "no room") == (
        f"{code}: no room is being paged or on the way, so nothing changed."
    )


def test_the_advocate_at_the_scene_adds_a_ride_and_the_officer_hears(world: World) -> None:
    code = opened(world)
    world.text(ANA, "1")
    assert world.text(ANA, f"RIDE {code}") == f"{code}: paging for a ride now."
    world.tick()
    assert code in world.last(SAM)
    assert f"{code}: paging for a ride now." in world.inbox(OFFICER)
    assert world.inbox(ROSA) == []


def test_only_the_officer_or_the_accepting_advocate_may_change_needs(world: World) -> None:
    code = opened(world)
    world.text(ANA, "1")
    refused = world.text(BEN, f"ROOM {code}")
    assert refused is not None and refused.startswith("Only the officer")
    assert "room" not in need_states(world)


def test_with_two_requests_open_the_officer_names_one(world: World) -> None:
    first = opened(world)
    second = code_in(world.text(OFFICER, "NEW another one"))
    assert world.text(OFFICER, "ROOM") == f"Which one? ROOM {first} or ROOM {second}."
    assert world.text(OFFICER, f"NO RIDE {second}") == (
        f"{second}: no ride is being paged or on the way, so nothing changed."
    )
