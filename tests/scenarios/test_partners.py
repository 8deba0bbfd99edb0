"""Scenarios of partners over signed webhooks and the real twilio client: a hotel's pledge
running out mid-night, its address for the officer, and a ride that needs a car seat.

tests/data/night.toml with partners added: Harbor Inn pledges 2 room-nights a month;
Rosa Diaz drives for a partner with a car seat, Sam Cole (on call this week) for one
without.
"""

from __future__ import annotations

import sqlalchemy as sa

from dispatcher.flows.models import Request
from tests.night import HARBOR, KIM, LAKEVIEW, LEE, OFFICER, ROSA, SAM
from tests.scenarios.live import LiveNight
from tests.scenarios.test_night_call import code_of
from tests.support.coalition import apply_text

PARTNERS = """
[[partners]]
name = "Harbor Inn"
need = "room"
contacts = ["Harbor Inn"]
address = "5 Dock St, Racine"
pledge = 2
unit_value = 89

[[partners]]
name = "Lakeview Motel"
need = "room"
contacts = ["Lakeview Motel"]

[[partners]]
name = "Diaz Rides"
need = "ride"
contacts = ["Rosa Diaz"]
features = ["carseat"]

[[partners]]
name = "Cole Cabs"
need = "ride"
contacts = ["Sam Cole"]
"""


def newest_code(night: LiveNight) -> str:
    """The code of the newest request."""
    with night.database.session_scope() as session:
        return session.scalars(sa.select(Request.code).order_by(Request.id.desc())).first() or ""


def test_a_pledge_runs_out_mid_night_and_the_next_room_skips_that_hotel(
    night: LiveNight,
) -> None:
    apply_text(night.database, PARTNERS)
    night.text(OFFICER, "need a motel room")
    night.tick()
    first = code_of(night)
    assert first in night.last(HARBOR) and first in night.last(LAKEVIEW)
    night.text(HARBOR, f"1 {first} 2")
    night.tick()
    assert f"{first}: Harbor Inn gives the room for 2 nights. Address: 5 Dock St, Racine" in (
        night.inbox(OFFICER)
    )
    used_up = "Harbor Inn has given 2 room-nights of 2 pledged this month."
    assert any(t.startswith(used_up) for t in night.inbox(KIM))
    assert any(t.startswith(used_up) for t in night.inbox(LEE))
    night.text(OFFICER, f"DONE {first}")
    night.advance(minutes=30)
    harbor_before = len(night.inbox(HARBOR))
    night.text(OFFICER, "another one needs a room")
    night.tick()
    second = newest_code(night)
    assert second != first and second in night.last(LAKEVIEW)
    assert len(night.inbox(HARBOR)) == harbor_before


def test_a_ride_with_a_car_seat_passes_over_the_driver_without_one(night: LiveNight) -> None:
    apply_text(night.database, PARTNERS)
    night.text(OFFICER, "juvenile, needs an advocate")
    reply = night.text(OFFICER, "RIDE carseat")
    assert reply is not None and "the ride needs a car seat" in reply
    night.tick()
    code = code_of(night)
    assert code in night.last(ROSA)
    assert not any(code in text for text in night.inbox(SAM))
