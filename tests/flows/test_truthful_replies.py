"""Replies that tell the truth: late accepts, who covered it, what became of a page."""

from __future__ import annotations

from tests.flows.test_night import code_in
from tests.night import ANA, BEN, CRUZ, HARBOR, KIM, OFFICER, World


def opened(world: World, body: str = "Woman at the truck stop needs an advocate") -> str:
    """The officer opens a request and the engine pages it; return its code."""
    code = code_in(world.text(OFFICER, body))
    world.tick()
    return code


def test_a_late_accept_of_an_unfilled_need_is_taken(world: World) -> None:
    code = opened(world)
    for minutes in (5, 5, 10, 10, 5, 5, 10, 10):
        world.advance(minutes=minutes)
    assert "could not reach anyone" in world.last(OFFICER)
    assert world.text(BEN, f"1 {code}") is None
    world.tick()
    assert world.last(OFFICER).startswith(f"Ben (advocate) accepted {code}.")
    assert world.last(BEN).startswith(f"You accepted {code}")
    assert world.last(KIM).startswith(f"Late accept: Ben Okafor took {code}")
    assert world.last(ANA) == f"{code} is already covered by Ben. Thank you."


def test_race_losers_hear_who_covered_it_once_even_without_a_code(world: World) -> None:
    code = opened(world)
    world.advance(minutes=5)  # Ana and Ben both hold a page
    assert world.text(ANA, "1") is None
    assert world.text(BEN, "1") == f"{code} is already covered by Ana. Thank you."
    world.tick()
    assert not any("covered" in text for text in world.inbox(BEN))
    assert world.text(ANA, "1") == f"You already accepted {code}."


def test_an_answer_to_a_dropped_need_says_it_was_dropped(world: World) -> None:
    code = opened(world, "needs an advocate and a room")
    world.text(OFFICER, "NO ROOM")
    assert world.text(HARBOR, f"1 {code}") == f"{code}: a room is no longer needed. Thank you."


def test_an_answer_to_a_closed_request_says_it_is_closed(world: World) -> None:
    code = opened(world)
    world.advance(minutes=5)
    world.text(OFFICER, "DONE")
    assert world.text(BEN, "2") == f"{code} is already closed; nothing to answer. Thank you."
    assert world.text(CRUZ, f"1 {code}") == "Nothing is open for you right now."


def test_the_officer_hears_progress_at_most_every_ten_minutes(world: World) -> None:
    code = opened(world)
    assert world.inbox(OFFICER) == []
    world.advance(minutes=5)  # step 2: Ben
    assert world.inbox(OFFICER) == [
        f"Still paging for {code}: 2 advocates asked, none free yet. Text STATUS any time."
    ]
    world.advance(minutes=5)  # step 3: everyone, too soon for another text
    assert len(world.inbox(OFFICER)) == 1
    world.advance(minutes=10)  # step 4: the coordinators
    assert len(world.inbox(OFFICER)) == 2
    assert world.last(OFFICER).startswith(f"Still paging for {code}: 5 advocates asked")


def test_on_my_way_accepts_the_one_waiting_page(world: World) -> None:
    code = opened(world)
    assert world.text(ANA, "On my way!") is None
    world.tick()
    assert world.last(OFFICER).startswith(f"Ana (advocate) accepted {code}.")


def test_on_my_way_with_two_pages_waiting_lists_them(world: World) -> None:
    first = opened(world)
    second = code_in(world.text(OFFICER, "NEW her friend too"))
    world.tick()
    reply = world.text(ANA, "omw")
    assert reply is not None and first in reply and second in reply


def test_away_answers_in_the_persons_time_zone(world: World) -> None:
    reply = world.text(ANA, "AWAY 8h")  # 07:00 in Chicago
    assert reply == (
        "You are away until Tue 10 Mar 15:00 and will not be paged. Text BACK to return early."
    )
