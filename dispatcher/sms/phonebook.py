"""Who holds each listed number, for the simulator's phone cards: name, roles, on call now.

Roles are the words a trainer uses: officer, advocate, hotel, driver (from the roster kinds
through ``flows.vocabulary.NEEDS``) and coordinator. "On call now" is computed by the same
``rosters.service.who_is_on_call`` that pages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.flows.vocabulary import NEEDS
from dispatcher.rosters import needstore
from dispatcher.rosters import service as rosters
from dispatcher.rosters.models import (
    Agency,
    Officer,
    Override,
    Person,
    Roster,
    Rotation,
    RotationParticipant,
)

ROLE_OF_KIND = {spec.roster_kind: spec.role for spec in NEEDS.values()}
ROLES = ("officer", *ROLE_OF_KIND.values(), "coordinator")


@dataclass(frozen=True)
class Contact:
    """A listed phone: who holds it, in what roles, and the rosters they are on call for now.

    ``detail`` is the officer's agency, or the person's rosters, for the card's subtitle.
    """

    number: str
    name: str
    roles: tuple[str, ...]
    detail: str
    on_call: tuple[str, ...] = ()


def contacts(session: Session, at: datetime) -> list[Contact]:
    """Every active officer, then every person, each group by name: a stable order."""
    return _officers(session) + _people(session, at)


def _officers(session: Session) -> list[Contact]:
    """Officers who were not revoked, with their agency."""
    rows = session.execute(
        select(Officer, Agency.name)
        .join(Agency)
        .where(Officer.revoked_at.is_(None))
        .order_by(Officer.name, Officer.id)
    )
    return [Contact(o.phone, o.name, ("officer",), agency) for o, agency in rows]


def _people(session: Session, at: datetime) -> list[Contact]:
    """People with their roster roles (rotations and overrides) and who is on call at ``at``."""
    member_of: dict[int, set[Roster]] = defaultdict(set)
    in_rotations = (
        select(RotationParticipant.person_id, Roster)
        .select_from(RotationParticipant)
        .join(Rotation, RotationParticipant.rotation_id == Rotation.id)
        .join(Roster, Rotation.roster_id == Roster.id)
    )
    in_overrides = (
        select(Override.person_id, Roster)
        .select_from(Override)
        .join(Roster, Override.roster_id == Roster.id)
    )
    for query in (in_rotations, in_overrides):
        for person_id, roster in session.execute(query):
            if person_id is not None:
                member_of[person_id].add(roster)
    on_call: dict[int, list[str]] = defaultdict(list)
    for roster in session.scalars(select(Roster).order_by(Roster.name)):
        for person in rosters.who_is_on_call(session, roster, at):
            on_call[person.id].append(roster.name)
    role_of_kind = needstore.current(session).role_of_kind()
    found = []
    for person in session.scalars(select(Person).order_by(Person.name, Person.id)):
        joined = sorted(member_of[person.id], key=lambda r: r.name)
        roles = [role_of_kind.get(r.kind, r.kind) for r in joined]
        if person.coordinator:
            roles.append("coordinator")
        unique = tuple(role for role in ROLES if role in roles)
        unique += tuple(dict.fromkeys(role for role in roles if role not in ROLES))
        detail = ", ".join(r.name for r in joined)
        found.append(Contact(person.phone, person.name, unique, detail, tuple(on_call[person.id])))
    return found
