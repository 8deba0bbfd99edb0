"""Applying a roster file: create or update people, rosters and agencies by name.

Everything is checked first (``check.validate``); nothing is written when a check
fails. A roster named in the file gets exactly the file's rotations, overrides and steps;
people, rosters and agencies the file does not name are left alone, and so are officers
it does not list (some enrolled themselves by SMS).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.rosters import needstore
from dispatcher.rosters.file.check import validate
from dispatcher.rosters.file.data import (
    AgencyEntry,
    OverrideEntry,
    PartnerEntry,
    PersonEntry,
    RegionEntry,
    RosterEntry,
    RosterFile,
    RotationEntry,
    TrainingEntry,
)
from dispatcher.rosters.file.describe import Change
from dispatcher.rosters.file.export import (
    Table,
    agency_record,
    partner_table,
    person_table,
    region_table,
    roster_table,
)
from dispatcher.rosters.file.fields import to_instant
from dispatcher.rosters.history import record_shifts
from dispatcher.rosters.models import (
    Agency,
    EscalationStep,
    Officer,
    Override,
    Partner,
    Person,
    Region,
    Roster,
    Rotation,
    RotationParticipant,
    RotationWindow,
    Training,
)
from dispatcher.rosters.officernames import name_for_the_record
from dispatcher.rosters.schedule import local_wall

ENTITIES = ("needs", "people", "rosters", "agencies", "officers", "regions", "partners")
_SINGULAR = {
    "people": "person",
    "rosters": "roster",
    "agencies": "agency",
    "officers": "officer",
    "regions": "region",
    "needs": "need",
    "partners": "partner",
}
# Kinds left out of the summary's text when a file names none of them.
_OPTIONAL = ("regions", "needs", "partners")


@dataclass
class ApplySummary:
    """How many entries of each kind were created, updated or left unchanged, and each
    creation or change with its tables (``describe`` words them)."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)

    def created(self, entity: str) -> int:
        """How many ``entity`` (people, rosters, agencies, officers) were created."""
        return self.counts[(entity, "created")]

    def updated(self, entity: str) -> int:
        """How many ``entity`` were changed."""
        return self.counts[(entity, "updated")]

    def unchanged(self, entity: str) -> int:
        """How many ``entity`` the file names but did not change."""
        return self.counts[(entity, "unchanged")]

    def __str__(self) -> str:
        """One line per kind: ``people: 2 created, 1 updated, 3 unchanged``."""
        return "\n".join(
            f"{entity}: {self.created(entity)} created, {self.updated(entity)} updated, "
            f"{self.unchanged(entity)} unchanged"
            for entity in ENTITIES
            if entity not in _OPTIONAL or any(k[0] == entity for k in self.counts)
        )


@dataclass(frozen=True)
class _Snapshot:
    """An entity named by the file, as it was before the import (None: it is new)."""

    entity: str
    item: Person | Roster | Agency | Officer | Region | Partner
    old: Table | None


def apply_roster_file(
    session: Session, data: RosterFile, auditor: Auditor | None = None
) -> ApplySummary:
    """Check ``data`` against the database, then create or update everything it names.

    Raises RosterFileError (a ValidationError) listing every problem, before writing
    anything. Flushes, never commits. Each creation or change is recorded by ``auditor``,
    and with it the shift history is brought up to the auditor's instant, before and after.
    """
    validate(data, session)
    _record_history(session, auditor)
    needs = needstore.change(session, (need.spec for need in data.needs), auditor)
    snapshots: list[_Snapshot] = []
    people = _apply_people(session, data.people, snapshots)
    regions = _named_regions(session, data.regions, snapshots)
    for entry in data.rosters:
        _apply_roster(session, entry, people, regions, snapshots)
    _apply_agencies(session, data.agencies, snapshots)
    _apply_regions(session, data.regions, regions)
    _apply_partners(session, data.partners, people, snapshots)
    session.flush()
    summary = _summarise(session, snapshots, auditor)
    summary.counts.update(("needs", outcome) for _, outcome in needs)
    _record_history(session, auditor)
    return summary


def _record_history(session: Session, auditor: Auditor | None) -> None:
    """Write every roster's on-call changes up to the auditor's instant (if one is given)."""
    if auditor is None:
        return
    for roster in session.scalars(select(Roster).order_by(Roster.id)):
        record_shifts(session, roster, auditor.now)


def _apply_people(
    session: Session, entries: Sequence[PersonEntry], snapshots: list[_Snapshot]
) -> dict[str, Person]:
    """Create or update the file's people; return every stored person by name."""
    stored = {p.name: p for p in session.scalars(select(Person))}
    snapshots += [_before("people", stored[e.name]) for e in entries if e.name in stored]
    _free_unique_values([(stored.get(e.name), "phone", e.phone) for e in entries], session)
    for entry in entries:
        person = stored.get(entry.name)
        if person is None:
            person = stored[entry.name] = Person(name=entry.name, phone=entry.phone)
            session.add(person)
            snapshots.append(_Snapshot("people", person, None))
        _copy_person(entry, person)
    return stored


def _copy_person(entry: PersonEntry, person: Person) -> None:
    """Set the fields the file describes; ``away_until`` only when the file gives it."""
    person.phone = entry.phone
    person.languages = list(entry.languages)
    person.skills = list(entry.skills)
    person.coordinator = entry.coordinator
    person.active = entry.active
    person.language = entry.language
    person.remind_hours = entry.remind_hours
    stored = {t.name: t for t in person.trainings}
    person.trainings = [
        _training(stored.get(t.name) or Training(name=t.name), t) for t in entry.trainings
    ]
    person.channels = entry.channels
    if entry.away_until is not None:
        person.away_until = entry.away_until


def _training(training: Training, entry: TrainingEntry) -> Training:
    """``training`` (kept when the person already had it) with the file's dates."""
    training.completed, training.expires = entry.completed, entry.expires
    return training


def _free_unique_values(moves: Iterable[tuple[Any, str, str]], session: Session) -> None:
    """Park unique values that change on a placeholder first, so two entries can swap them."""
    moving = [(item, key) for item, key, value in moves if item and getattr(item, key) != value]
    for item, key in moving:
        setattr(item, key, f"~{item.id}")
    if moving:
        session.flush()


def _apply_roster(
    session: Session,
    entry: RosterEntry,
    people: dict[str, Person],
    regions: dict[str, Region],
    snapshots: list[_Snapshot],
) -> None:
    """Create or update one roster; its rotations, overrides and steps become the file's."""
    roster = session.scalars(select(Roster).where(Roster.name == entry.name)).one_or_none()
    if roster is None:
        roster = Roster(name=entry.name)
        session.add(roster)
        snapshots.append(_Snapshot("rosters", roster, None))
    else:
        snapshots.append(_before("rosters", roster))
    zone = ZoneInfo(entry.timezone)
    roster.kind, roster.timezone = entry.kind, entry.timezone
    roster.escalation_repeat = entry.repeat
    roster.checkin_seconds = entry.checkin_seconds
    roster.handoff_notice = entry.handoff_notice
    roster.requires_training = entry.requires_training
    roster.juvenile_training = entry.juvenile_training
    roster.voice_after_seconds = (
        int(entry.voice_after.total_seconds()) if entry.voice_after is not None else None
    )
    existing = {r.name: r for r in roster.rotations}
    roster.rotations = [
        _rotation(existing.get(r.name) or Rotation(name=r.name), position, r, people, zone)
        for position, r in enumerate(entry.rotations)
    ]
    roster.overrides = [_override(o, people, zone) for o in entry.overrides]
    roster.steps = [
        EscalationStep(
            position=position,
            notify=step.notify,
            person=people[step.person] if step.person else None,
            region=regions[step.region] if step.region else None,
            wait_seconds=int(step.wait.total_seconds()),
        )
        for position, step in enumerate(entry.steps)
    ]


def _override(entry: OverrideEntry, people: dict[str, Person], zone: ZoneInfo) -> Override:
    """A new override from the file; wall times are read in the roster's ``zone``."""
    return Override(
        action=entry.action,
        person=people[entry.person],
        replaces=people[entry.replaces] if entry.replaces else None,
        starts_at=to_instant(entry.starts, zone),
        ends_at=to_instant(entry.ends, zone),
    )


def _rotation(
    rotation: Rotation,
    position: int,
    entry: RotationEntry,
    people: dict[str, Person],
    zone: ZoneInfo,
) -> Rotation:
    """Fill ``rotation`` from the file: order, grid, participants, windows, "on now"."""
    rotation.position, rotation.type, rotation.length = position, entry.type, entry.length
    rotation.start = _wall_time(entry.start, zone)
    rotation.participants = [
        RotationParticipant(position=i, person=people[name])
        for i, name in enumerate(entry.participants)
    ]
    rotation.windows = [
        RotationWindow(days=list(w.days), starts=w.starts, ends=w.ends) for w in entry.windows
    ]
    on_now = entry.on_now
    rotation.on_now_at = to_instant(on_now.since, zone) if on_now else None
    rotation.on_now_index = entry.participants.index(on_now.person) if on_now else None
    return rotation


def _wall_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """A naive wall time in ``zone`` (a moment with an offset is converted)."""
    return moment if moment.tzinfo is None else local_wall(moment, zone)


def _apply_agencies(
    session: Session, entries: Sequence[AgencyEntry], snapshots: list[_Snapshot]
) -> None:
    """Create or update agencies by name and their listed officers by phone."""
    stored = {a.name: a for a in session.scalars(select(Agency))}
    officers = {o.phone: o for o in session.scalars(select(Officer))}
    snapshots += [_before("agencies", stored[e.name]) for e in entries if e.name in stored]
    listed = [(entry, o) for entry in entries for o in entry.officers]
    snapshots += [_before("officers", officers[o.phone]) for _, o in listed if o.phone in officers]
    moves = [(stored.get(e.name), "enrollment_code", e.enrollment_code) for e in entries]
    _free_unique_values(moves, session)
    for entry in entries:
        if entry.name not in stored:
            stored[entry.name] = Agency(name=entry.name)
            session.add(stored[entry.name])
            snapshots.append(_Snapshot("agencies", stored[entry.name], None))
        stored[entry.name].kind = entry.kind
        stored[entry.name].enrollment_code = entry.enrollment_code
        stored[entry.name].enrollment = entry.enrollment
    for entry, officer_entry in listed:
        officer = officers.get(officer_entry.phone)
        if officer is None:
            officer = officers[officer_entry.phone] = Officer(phone=officer_entry.phone)
            officer.enrolled_by = "file"
            session.add(officer)
            snapshots.append(_Snapshot("officers", officer, None))
        officer.name, officer.agency = officer_entry.name, stored[entry.name]
        officer.pending = False  # listed by a coordinator's file: approved
        if officer_entry.language is not None:
            officer.language = officer_entry.language


def _named_regions(
    session: Session, entries: Sequence[RegionEntry], snapshots: list[_Snapshot]
) -> dict[str, Region]:
    """Every stored region by name, with the file's new regions created (empty for now)."""
    stored = {r.name: r for r in session.scalars(select(Region))}
    snapshots += [_before("regions", stored[e.name]) for e in entries if e.name in stored]
    for entry in entries:
        if entry.name not in stored:
            stored[entry.name] = Region(name=entry.name)
            session.add(stored[entry.name])
            snapshots.append(_Snapshot("regions", stored[entry.name], None))
    return stored


def _apply_regions(
    session: Session, entries: Sequence[RegionEntry], regions: dict[str, Region]
) -> None:
    """Each region named gets exactly the file's agencies and rosters.

    An agency the file puts in a region leaves the region it was in before.
    """
    agencies = {a.name: a for a in session.scalars(select(Agency))}
    rosters = {r.name: r for r in session.scalars(select(Roster))}
    for entry in entries:
        region = regions[entry.name]
        for agency in list(region.agencies):
            if agency.name not in entry.agencies:
                agency.region = None
        for name in entry.agencies:
            agencies[name].region = region
        region.rosters = [rosters[name] for name in entry.rosters]


def _apply_partners(
    session: Session,
    entries: Sequence[PartnerEntry],
    people: dict[str, Person],
    snapshots: list[_Snapshot],
) -> None:
    """Each partner named gets exactly the file's need, contacts, address, pledge, value and
    features; partners the file does not name are left alone."""
    stored = {p.name: p for p in session.scalars(select(Partner))}
    everyone = {p.name: p for p in session.scalars(select(Person))} | people
    for entry in entries:
        partner = stored.get(entry.name)
        if partner is None:
            partner = Partner(name=entry.name)
            session.add(partner)
            snapshots.append(_Snapshot("partners", partner, None))
        else:
            snapshots.append(_before("partners", partner))
        partner.need, partner.address, partner.pledge = entry.need, entry.address, entry.pledge
        partner.unit_value, partner.features = entry.unit_value, list(entry.features)
        partner.contacts = [everyone[name] for name in sorted(entry.contacts)]


def _officer_table(officer: Officer) -> Table:
    """An officer as the audit log sees it."""
    agency = officer.agency.name if officer.agency else None
    return {"name": name_for_the_record(officer.name), "phone": officer.phone, "agency": agency}


def _before(entity: str, item: Person | Roster | Agency | Officer | Region | Partner) -> _Snapshot:
    """A stored entity the file names, as it is before the import."""
    return _Snapshot(entity, item, _table_of(item))


def _table_of(item: Person | Roster | Agency | Officer | Region | Partner) -> Table:
    """The entity as a plain table (the roster-file form; officers with their agency)."""
    if isinstance(item, Person):
        return person_table(item)
    if isinstance(item, Roster):
        return roster_table(item)
    if isinstance(item, Agency):
        return agency_record(item)
    if isinstance(item, Region):
        return region_table(item)
    if isinstance(item, Partner):
        return partner_table(item)
    return _officer_table(item)


def _summarise(
    session: Session, snapshots: list[_Snapshot], auditor: Auditor | None
) -> ApplySummary:
    """Count what changed and record each creation or change with ``auditor``."""
    summary = ApplySummary()
    for snapshot in snapshots:
        new = _table_of(snapshot.item)
        outcome = "created" if snapshot.old is None else "updated"
        if snapshot.old == new:
            outcome = "unchanged"
        summary.counts[(snapshot.entity, outcome)] += 1
        if outcome != "unchanged":
            summary.changes.append(Change(snapshot.entity, snapshot.item.id, snapshot.old, new))
        if auditor is not None and outcome != "unchanged":
            action = "create" if outcome == "created" else "update"
            entity = _SINGULAR[snapshot.entity]
            auditor.record(session, action, entity, snapshot.item.id, snapshot.old, new, whole=True)
    return summary
