"""Checks across a whole roster file, and against the database, before anything is written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.errors import ValidationError
from dispatcher.rosters import (
    contacts,  # module import: contacts imports this package
    needstore,
)
from dispatcher.rosters.file.data import RosterEntry, RosterFile
from dispatcher.rosters.file.fields import Location
from dispatcher.rosters.models import (
    ROSTER_KINDS,
    Agency,
    Partner,
    Person,
    Region,
    Roster,
    partner_contacts,
)
from dispatcher.rosters.needkinds import DEFAULT_NEEDS, clashing_words


class RosterFileError(ValidationError):
    """A roster file that cannot be applied; ``errors`` lists every problem, one per line."""

    def __init__(self, source: str, errors: Iterable[str]) -> None:
        self.errors = tuple(errors)
        count = len(self.errors)
        heading = f"{source}: {count} problem{'s' if count != 1 else ''}, nothing was changed"
        super().__init__("\n".join([heading, *(f"  {e}" for e in self.errors)]))


def validate(data: RosterFile, session: Session | None = None) -> None:
    """Raise RosterFileError listing every problem of ``data``; return if it can be applied.

    Without a session, every person referred to must be listed in the file; with one, people
    already in the database count too, and phones or codes held there by others conflict.
    """
    errors = [*data.errors, *_duplicates(data), *_references(data, _stored_names(session))]
    errors.extend(_region_references(data, session))
    errors.extend(_need_references(data, session))
    errors.extend(_partner_references(data, session))
    if session is not None:
        errors.extend(_conflicts_with_database(data, session))
    if errors:
        raise RosterFileError(data.source, errors)


def _stored_names(session: Session | None) -> set[str]:
    """The names of the people already in the database."""
    return set(session.scalars(select(Person.name))) if session is not None else set()


def _duplicates(data: RosterFile) -> Iterator[str]:
    """Names, phones and codes that the file gives twice."""
    yield from _twice("name", [(p.name, p.at) for p in data.people])
    yield from _twice("name", [(r.name, r.at) for r in data.rosters])
    yield from _twice("name", [(a.name, a.at) for a in data.agencies])
    yield from _twice("enrollment_code", [(a.enrollment_code, a.at) for a in data.agencies])
    yield from _twice("name", [(r.name, r.at) for r in data.regions])
    yield from _twice("name", [(p.name, p.at) for p in data.partners])
    for roster in data.rosters:
        yield from _twice("name", [(r.name, r.at) for r in roster.rotations])
    phones = [(p.phone, p.at) for p in data.people]
    phones += [(o.phone, o.at) for a in data.agencies for o in a.officers]
    yield from _twice("phone", phones, "another person or officer has the same number")


def _twice(key: str, values: list[tuple[str, Location]], why: str = "") -> Iterator[str]:
    """An error for every repeat of a value (empty values were reported when read)."""
    counts = Counter(value for value, _ in values if value)
    for value, at in values:
        if counts[value] > 1:
            yield at.error(key, why or f"{value!r} appears {counts[value]} times")


def _references(data: RosterFile, stored: set[str]) -> Iterator[str]:
    """People named by rotations, overrides and steps must exist, in the file or stored."""
    known = stored | {p.name for p in data.people}
    for roster in data.rosters:
        yield from _roster_references(roster, known)


def _roster_references(roster: RosterEntry, known: set[str]) -> Iterator[str]:
    """Unknown people in one roster; an "on now" person must be one of the participants."""
    for rotation in roster.rotations:
        for name in dict.fromkeys(rotation.participants):
            yield from _unknown(rotation.at, "participants", name, known)
        if rotation.on_now and rotation.on_now.person not in rotation.participants:
            message = f"{rotation.on_now.person!r} is not a participant of this rotation"
            yield rotation.at.child("on_now", "on_now").error("person", message)
    for override in roster.overrides:
        yield from _unknown(override.at, "person", override.person, known)
        if override.replaces is not None:
            yield from _unknown(override.at, "replaces", override.replaces, known)
            if override.replaces == override.person:
                yield override.at.error("replaces", "a person cannot replace themselves")
    for step in roster.steps:
        if step.person is not None:
            yield from _unknown(step.at, "notify", step.person, known)


def _region_references(data: RosterFile, session: Session | None) -> Iterator[str]:
    """Regions named by mutual-aid steps, and the agencies and rosters regions name, must
    exist in the file or stored; an agency belongs to one region at most."""
    regions, agencies, rosters = _stored_region_names(session)
    regions |= {r.name for r in data.regions}
    agencies |= {a.name for a in data.agencies}
    rosters |= {r.name for r in data.rosters}
    for roster in data.rosters:
        for step in roster.steps:
            if step.region is not None and step.region not in regions:
                yield step.at.error("notify", f"unknown region {step.region!r}")
    seen: dict[str, str] = {}
    for region in data.regions:
        for name in region.agencies:
            if name not in agencies:
                yield region.at.error("agencies", f"unknown agency {name!r}")
            elif name in seen:
                message = f"agency {name!r} is already in region {seen[name]!r}"
                yield region.at.error("agencies", message)
            seen.setdefault(name, region.name)
        for name in region.rosters:
            if name not in rosters:
                yield region.at.error("rosters", f"unknown roster {name!r}")


def _need_references(data: RosterFile, session: Session | None) -> Iterator[str]:
    """Each roster's kind must be one a need is served by; each need the file declares must
    have a roster of its kind (in the file or stored); two needs share no intake word."""
    yield from _twice("key", [(n.spec.key, n.at) for n in data.needs])
    stored = needstore.current(session) if session is not None else DEFAULT_NEEDS
    table = stored.with_needs(n.spec for n in data.needs)
    kinds = set(table.roster_kinds()) | set(ROSTER_KINDS)
    for roster in data.rosters:
        if roster.kind and roster.kind not in kinds:
            known = ", ".join(sorted(kinds))
            message = f"{roster.kind!r} is not one of {known} (or a [[needs]] roster kind)"
            yield roster.at.error("kind", message)
    roster_kinds = {r.kind for r in data.rosters}
    if session is not None:
        roster_kinds |= set(session.scalars(select(Roster.kind)))
    for need in data.needs:
        if need.spec.roster_kind not in roster_kinds:
            message = f"no roster of kind {need.spec.roster_kind!r} serves need {need.spec.key!r}"
            yield need.at.error("roster", message)
    declared = {need.spec.key: need.at for need in data.needs}
    for key, problem in clashing_words(table):
        yield declared[key].error("words", problem) if key in declared else problem


def _partner_references(data: RosterFile, session: Session | None) -> Iterator[str]:
    """A partner gives a configured need (stored, or declared by the file); its contacts
    must be people, in the file or stored, and each person answers for one partner at most
    (stored partners the file does not name count too)."""
    known = _stored_names(session) | {p.name for p in data.people}
    taken: dict[str, str] = {}
    if session is not None:
        named = {p.name for p in data.partners}
        query = select(Person.name, Partner.name).join(
            partner_contacts, partner_contacts.c.person_id == Person.id
        )
        query = query.join(Partner, Partner.id == partner_contacts.c.partner_id)
        taken = {person: partner for person, partner in session.execute(query)}
        taken = {person: partner for person, partner in taken.items() if partner not in named}
    stored = needstore.current(session) if session is not None else DEFAULT_NEEDS
    needs = stored.with_needs(n.spec for n in data.needs).keys
    for partner in data.partners:
        if partner.need not in needs:
            message = f"{partner.need!r} is not one of {', '.join(needs)} (or a [[needs]] key)"
            yield partner.at.error("need", message)
        for name in partner.contacts:
            if name not in known:
                yield partner.at.error("contacts", f"unknown person {name!r}")
            elif name in taken:
                message = f"{name!r} already answers for partner {taken[name]!r}"
                yield partner.at.error("contacts", message)
            taken.setdefault(name, partner.name)


def _stored_region_names(session: Session | None) -> tuple[set[str], set[str], set[str]]:
    """The names of the stored regions, agencies and rosters (empty without a session)."""
    if session is None:
        return set(), set(), set()
    return (
        set(session.scalars(select(Region.name))),
        set(session.scalars(select(Agency.name))),
        set(session.scalars(select(Roster.name))),
    )


def _unknown(at: Location, key: str, name: str, known: set[str]) -> Iterator[str]:
    """An error if ``name`` is not a known person."""
    if name and name not in known:
        yield at.error(key, f"unknown person {name!r} (not in [[people]] nor in the database)")


def _conflicts_with_database(data: RosterFile, session: Session) -> Iterator[str]:
    """Phones and enrollment codes that stored people, officers or agencies already hold."""
    in_file = {p.name for p in data.people}
    phones = [p.phone for p in data.people] + [o.phone for a in data.agencies for o in a.officers]
    holders = contacts.holders_of(session, phones)
    people = {h.phone: h.name for h in holders if h.kind == "person" and h.name not in in_file}
    officers = {h.phone for h in holders if h.kind == "officer"}
    for person in data.people:
        if person.phone in people:
            yield person.at.error("phone", f"{people[person.phone]!r} already has this number")
        elif person.phone in officers:
            yield person.at.error("phone", "an officer already has this number")
    for agency in data.agencies:
        for officer in agency.officers:
            if officer.phone in people:
                yield officer.at.error("phone", f"{people[officer.phone]!r} has this number")
    agencies = {a.name for a in data.agencies}
    codes = {
        code: name
        for name, code in session.execute(select(Agency.name, Agency.enrollment_code))
        if name not in agencies
    }
    for agency in data.agencies:
        if agency.enrollment_code in codes:
            holder = codes[agency.enrollment_code]
            yield agency.at.error("enrollment_code", f"agency {holder!r} already uses this code")
