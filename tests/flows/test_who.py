"""WHO: any roster member asks who is on call now, on every roster."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from dispatcher.rosters.models import Override, Person, Roster
from dispatcher.rosters.service import who_is_on_call
from tests.night import BEN, KIM, World


def test_who_lists_every_roster_with_the_people_on_call(world: World) -> None:
    assert world.text(BEN, "WHO") == (
        "On call now:\nadvocates: Ana Ruiz\nhotels: Lakeview Motel\nrides: Sam Cole"
    )


def test_who_names_the_people_on_call_by_name_as_each_rosters_schedule_does(
    world: World,
) -> None:
    now = world.clock.now()
    with world.session() as session:  # two more on call: names and ids sort differently
        advocates = session.scalars(sa.select(Roster).where(Roster.name == "advocates")).one()
        for name in ("Kim Moss", "Harbor Inn"):
            person = session.scalars(sa.select(Person).where(Person.name == name)).one()
            session.add(
                Override(
                    roster_id=advocates.id,
                    action="add",
                    person_id=person.id,
                    starts_at=now - timedelta(hours=1),
                    ends_at=now + timedelta(hours=1),
                )
            )
    reply = world.text(KIM, "WHO")
    assert reply is not None
    assert reply.splitlines()[1] == "advocates: Ana Ruiz, Harbor Inn, Kim Moss"
    with world.session() as session:
        rosters = session.scalars(sa.select(Roster).order_by(Roster.name)).all()
        lines = [
            f"{roster.name}: " + ", ".join(p.name for p in who_is_on_call(session, roster, now))
            for roster in rosters
        ]
    assert reply == "On call now:\n" + "\n".join(lines)
