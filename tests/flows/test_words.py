"""Words go only where they were meant: an advocate on one request, paged for another."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatcher.flows.models import Need, OutboxMessage, Request
from dispatcher.rosters.models import Officer, Person
from dispatcher.sms.commands import codes_mentioned
from tests.flows.test_night import code_in
from tests.night import ANA, BEN, CRUZ, HARBOR, KIM, OFFICER, World

SERGEANT = "+12625550151"


def cruz_on_one_and_paged_for_another(world: World) -> tuple[str, str]:
    """Cruz accepted the first officer's request, then is paged for the sergeant's."""
    first = code_in(world.text(OFFICER, "Woman at the truck stop needs help"))
    world.tick()
    for number in (ANA, BEN):
        world.text(number, f"2 {first}")
        world.tick()
    assert world.text(CRUZ, f"1 {first}") is None
    assert world.text(SERGEANT, "JOIN RPD-4821 Sgt. Ada Byrne") is not None
    second = code_in(world.text(SERGEANT, "Teen at the bus depot"))
    world.tick()
    for number in (ANA, BEN):
        world.text(number, f"2 {second}")
        world.tick()
    assert second in world.last(CRUZ)
    return first, second


def everything_sent(world: World) -> str:
    """Every text the hotline sent, to anyone, as one string."""
    return "\n".join("\n".join(world.inbox(number)) for number in world.phones.numbers())


def test_a_decline_with_a_reason_is_a_decline_and_the_reason_goes_nowhere(world: World) -> None:
    _, second = cruz_on_one_and_paged_for_another(world)
    reply = world.text(CRUZ, f"2 {second} conflict: I know her family")
    assert reply is not None and second in reply and "passed" in reply
    world.tick()
    assert "her family" not in everything_sent(world)
    assert not any("Cruz:" in text for text in world.inbox(OFFICER))


def test_an_accept_with_a_question_accepts_and_the_question_goes_nowhere(world: World) -> None:
    _, second = cruz_on_one_and_paged_for_another(world)
    assert world.text(CRUZ, f"1 {second} is this the girl from last week") is None
    world.tick()
    assert "the girl" not in everything_sent(world)
    assert world.last(SERGEANT).startswith(f"Cruz (advocate) accepted {second}.")
    assert not any("Cruz:" in text for text in world.inbox(OFFICER))


def test_words_naming_another_code_are_not_sent_and_the_reply_says_how(world: World) -> None:
    first, second = cruz_on_one_and_paged_for_another(world)
    reply = world.text(CRUZ, f"is {second} the girl from last week?")
    assert reply is not None and reply.startswith("Not sent") and f"{first} your words" in reply
    assert world.text(CRUZ, f"{second} is she ok?") is not None
    assert world.text(CRUZ, f"{first} at the back door") is None
    world.tick()
    assert world.last(OFFICER) == f"[{first}] Cruz: at the back door"
    assert "the girl" not in everything_sent(world) and "is she ok" not in everything_sent(world)


def test_words_naming_a_request_he_declined_are_not_sent_to_the_other_officer(
    world: World,
) -> None:
    _, second = cruz_on_one_and_paged_for_another(world)
    world.text(CRUZ, f"2 {second}")
    reply = world.text(CRUZ, f"was {second} the girl from the bus depot?")
    assert reply is not None and reply.startswith("Not sent")
    world.tick()
    assert "bus depot" not in everything_sent(world).replace("Teen at the bus depot", "")
    assert not [t for t in world.inbox(OFFICER) if second in t]


def test_words_naming_a_request_he_closed_are_not_sent_to_the_other_officer(
    world: World,
) -> None:
    first, second = cruz_on_one_and_paged_for_another(world)
    world.text(CRUZ, f"1 {second}")
    assert world.text(CRUZ, f"DONE {first}") is not None
    reply = world.text(CRUZ, f"{first} went home")
    assert reply is not None and reply.startswith("Not sent")
    world.tick()
    assert not [t for t in world.inbox(SERGEANT) if first in t]


TEXTS = st.lists(
    st.one_of(
        st.sampled_from(["1", "2", "ok", "done", "pass", "room", "no", "new", "omw", "words"]),
        st.sampled_from(["{first}", "{second}", "K7Q4"]),
        st.text(alphabet="abcdefghijk 0123456789", max_size=6),
    ),
    min_size=1,
    max_size=5,
).map(" ".join)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.lists(TEXTS, min_size=1, max_size=3))
def test_words_reach_only_an_officer_of_a_request_the_sender_accepted(
    world: World, texts: list[str]
) -> None:
    """Whatever Cruz texts, relays go to officers of requests he accepted, naming no other.

    The world carries over from one example to the next, so he may accept the second
    request along the way.
    """
    if not hasattr(world, "codes"):
        world.codes = cruz_on_one_and_paged_for_another(world)  # type: ignore[attr-defined]
    first, second = world.codes  # type: ignore[attr-defined]
    for text in texts:
        world.text(CRUZ, text.format(first=first, second=second))
    with world.session() as session:
        cruz = session.scalars(sa.select(Person.id).where(Person.phone == CRUZ)).one()
        officers_of_cruz = set(
            session.scalars(
                sa.select(Request.officer_id)
                .join(Need, Need.request_id == Request.id)
                .where(Need.accepted_by_id == cruz)
            )
        )
        relayed_to = set(
            session.scalars(
                sa.select(OutboxMessage.officer_id).where(
                    OutboxMessage.template == "relay_to_officer"
                )
            )
        )
        assert relayed_to <= officers_of_cruz
        assert session.scalars(sa.select(Officer.id)).all()
    world.tick()
    for number in (OFFICER, SERGEANT):
        for text in world.inbox(number):
            if "] Cruz: " in text:
                code, words = text[1:].split("] Cruz: ", 1)
                assert codes_mentioned(words) & {first, second} <= {code}


def held_note(world: World) -> tuple[bytes | None, object]:
    """The only request's sealed note and its expiry."""
    with world.session() as session:
        request = session.scalars(sa.select(Request)).one()
        return request.note, request.note_expires_at


def test_the_note_expires_a_fixed_time_after_the_first_held_words(world: World) -> None:
    code = code_in(world.text(OFFICER, "Girl at the truck stop, about 16"))
    first_expiry = held_note(world)[1]
    assert first_expiry == world.clock.now() + world.settings.note_max_age
    world.advance(minutes=9)
    assert code in (world.text(OFFICER, "She says her name is Dana") or "")
    note, expiry = held_note(world)
    assert note is not None and expiry == first_expiry


def test_words_after_the_advocate_need_went_unfilled_are_not_kept(world: World) -> None:
    code = code_in(world.text(OFFICER, "Need an advocate and a hotel room"))
    world.tick()
    world.text(HARBOR, "1")
    for minutes in (0, 5, 5, 10, 10, 5, 5, 10, 10):
        world.advance(minutes=minutes)
    assert "1-888-373-7888" in world.last(OFFICER)
    reply = world.text(OFFICER, "Her name is Dana, born 2009")
    assert reply is not None and code in reply and "nobody will receive it" in reply
    assert held_note(world) == (None, None)


def test_words_after_the_advocate_is_done_are_not_kept(world: World) -> None:
    code = code_in(world.text(OFFICER, "Juvenile needs an advocate and a hotel room"))
    world.tick()
    world.text(ANA, f"1 {code}")
    assert world.text(ANA, f"DONE {code}") is not None
    reply = world.text(OFFICER, "Her name is Dana")
    assert reply is not None and "nobody will receive it" in reply
    world.tick()
    assert not any("Dana" in text for text in world.inbox(ANA))
    assert held_note(world) == (None, None)


def test_join_with_more_than_a_name_is_refused_and_nothing_is_kept(world: World) -> None:
    reply = world.text(SERGEANT, "JOIN RPD-4821 Cpl. Reyes re girl Dana Ruiz 2009")
    assert reply is not None and "Not enrolled" in reply and "JOIN" in reply
    assert "Dana" not in reply and "Reyes" not in reply
    world.tick()
    assert world.inbox(KIM) == []
    with world.session() as session:
        assert session.scalars(sa.select(Officer).where(Officer.phone == SERGEANT)).all() == []


def test_join_with_a_rank_and_name_enrolls_and_the_reply_does_not_echo_it(world: World) -> None:
    reply = world.text(SERGEANT, "JOIN rpd-4821 Лейт. Иван Петров")
    assert reply is not None and "Racine" in reply and "Иван" not in reply
    world.tick()
    assert "Иван Петров" in world.last(KIM)
