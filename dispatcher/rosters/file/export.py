"""Writing the stored rosters back as a roster file, in a stable order.

The tables built here are plain TOML-ready values (strings, numbers, booleans, lists,
dicts). Importing an export and exporting again gives the same bytes, so the tables double
as snapshots of an entity before and after an import (counts and the audit log).
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from dispatcher.audit import AuditEntry
from dispatcher.durations import format_duration
from dispatcher.languages import SOURCE_LANGUAGE
from dispatcher.rosters import needstore
from dispatcher.rosters.channels import DEFAULT, from_stored, stored
from dispatcher.rosters.models import (
    DEFAULT_CHECKIN_SECONDS,
    WEEKDAYS,
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
from dispatcher.rosters.schedule import local_to_utc, local_wall
from dispatcher.rosters.targets import StepTarget

Table = dict[str, Any]
HEADING = "# Roster file exported by dispatcher; load it with: dispatcher roster import FILE\n"
_SECTIONS = ("rotations", "overrides", "escalation")
# The audit log's entities that a roster file holds.
DATA_ENTITIES = ("person", "roster", "agency", "officer", "region", "need", "partner")


def data_version(session: Session) -> int:
    """The version of the roster data: the id of its last change in the audit log (0: none).

    Every change to people, rosters, agencies and officers is audited, so a file exported
    at version N lacks exactly the changes logged after entry N.
    """
    query = select(func.max(AuditEntry.id)).where(
        AuditEntry.entity.in_(DATA_ENTITIES), AuditEntry.action != "export"
    )
    return int(session.scalar(query) or 0)


def export_roster_file(session: Session) -> str:
    """Every person, roster, agency and region as roster-file TOML, sorted by name, with the
    data version it was taken at (``data_version``)."""
    # Every relation the tables read is loaded up front: a statewide file has thousands
    # of people, and a query per person's trainings made the download slow.
    people = session.scalars(
        select(Person).options(selectinload(Person.trainings)).order_by(Person.name)
    )
    rotations = selectinload(Roster.rotations)
    overrides = selectinload(Roster.overrides)
    steps = selectinload(Roster.steps)
    rosters = session.scalars(
        select(Roster)
        .options(
            rotations.selectinload(Rotation.participants).joinedload(RotationParticipant.person),
            rotations.selectinload(Rotation.windows),
            overrides.joinedload(Override.person),
            overrides.joinedload(Override.replaces),
            steps.joinedload(EscalationStep.person),
            steps.joinedload(EscalationStep.region),
        )
        .order_by(Roster.name)
    )
    agencies = session.scalars(
        select(Agency).options(selectinload(Agency.officers)).order_by(Agency.name)
    )
    regions = session.scalars(
        select(Region)
        .options(selectinload(Region.agencies), selectinload(Region.rosters))
        .order_by(Region.name)
    )
    lines = [HEADING.rstrip("\n"), f"version = {data_version(session)}"]
    for need in needstore.current(session).added():
        _write_section(lines, "needs", needstore.need_table(need))
    for person in people:
        _write_section(lines, "people", person_table(person))
    for roster in rosters:
        _write_section(lines, "rosters", roster_table(roster))
    for agency in agencies:
        _write_section(lines, "agencies", agency_table(agency))
    for region in regions:
        _write_section(lines, "regions", region_table(region))
    partners = select(Partner).options(selectinload(Partner.contacts)).order_by(Partner.name)
    for partner in session.scalars(partners):
        _write_section(lines, "partners", partner_table(partner))
    return "\n".join(lines) + "\n"


def person_table(person: Person) -> Table:
    """A ``[[people]]`` table; fields at their default value are left out."""
    table: Table = {"name": person.name, "phone": person.phone}
    if person.languages:
        table["languages"] = _words(person.languages)
    if person.skills:
        table["skills"] = _words(person.skills)
    if person.language != SOURCE_LANGUAGE:
        table["language"] = person.language
    if person.channels != stored(DEFAULT):
        table["channels"] = list(from_stored(person.channels))
    if person.coordinator:
        table["coordinator"] = True
    if person.remind_hours != 2:
        table["remind"] = person.remind_hours or "off"
    if not person.active:
        table["active"] = False
    if person.away_until is not None:
        table["away_until"] = format_moment(person.away_until)
    if person.trainings:
        table["trainings"] = [_training_table(t) for t in sorted(person.trainings, key=_by_name)]
    return table


def _training_table(training: Training) -> Table:
    """One ``trainings`` item: name, completed and, when it expires, expires."""
    table: Table = {"name": training.name, "completed": training.completed.isoformat()}
    if training.expires is not None:
        table["expires"] = training.expires.isoformat()
    return table


def _by_name(training: Training) -> str:
    """A training's sort key."""
    return training.name


def roster_table(roster: Roster) -> Table:
    """A ``[[rosters]]`` table with its rotations, overrides and escalation policy."""
    zone = ZoneInfo(roster.timezone)
    table: Table = {"name": roster.name, "kind": roster.kind, "timezone": roster.timezone}
    if roster.handoff_notice:
        table["handoff_notice"] = True
    if roster.requires_training:
        table["requires_training"] = roster.requires_training
    if roster.juvenile_training:
        table["juvenile_training"] = roster.juvenile_training
    table["rotations"] = [rotation_table(r, zone) for r in roster.rotations]
    overrides = sorted(roster.overrides, key=lambda o: (o.starts_at, o.ends_at, o.id))
    table["overrides"] = [_override_table(o, zone) for o in overrides]
    steps = [_step_table(s.notify, s.person, s.region, s.wait_seconds) for s in roster.steps]
    table["escalation"] = {"steps": steps, "repeat": roster.escalation_repeat}
    if roster.checkin_seconds != DEFAULT_CHECKIN_SECONDS:
        table["checkin"] = (
            format_duration(timedelta(seconds=roster.checkin_seconds))
            if roster.checkin_seconds
            else "off"
        )
    if roster.voice_after_seconds:
        table["escalation"]["voice_after"] = format_duration(
            timedelta(seconds=roster.voice_after_seconds)
        )
    return table


def rotation_table(rotation: Rotation, zone: ZoneInfo) -> Table:
    """A ``[[rosters.rotations]]`` table."""
    names = [p.person.name for p in rotation.participants]
    table: Table = {
        "name": rotation.name,
        "type": rotation.type,
        "length": rotation.length,
        "start": format_moment(rotation.start),
        "participants": names,
    }
    if rotation.windows:
        table["windows"] = [_window_table(w) for w in rotation.windows]
    if rotation.on_now_at is not None and rotation.on_now_index is not None and names:
        person = names[rotation.on_now_index % len(names)]
        table["on_now"] = {"person": person, "since": format_local(rotation.on_now_at, zone)}
    return table


def _window_table(window: RotationWindow) -> Table:
    """One ``windows`` item."""
    days = [day for day in WEEKDAYS if day in window.days]
    return {"days": days, "from": _clock(window.starts), "to": _clock(window.ends)}


def _override_table(override: Override, zone: ZoneInfo) -> Table:
    """A ``[[rosters.overrides]]`` table."""
    table: Table = {"action": override.action}
    table["person"] = override.person.name if override.person else ""
    if override.replaces is not None:
        table["replaces"] = override.replaces.name
    table["from"] = format_local(override.starts_at, zone)
    table["to"] = format_local(override.ends_at, zone)
    return table


def _step_table(
    notify: str, person: Person | None, region: Region | None, wait_seconds: int
) -> Table:
    """One escalation step: ``{ notify = "...", wait = "5m" }``."""
    target = notify
    if notify == StepTarget.PERSON and person:
        target = f"person:{person.name}"
    elif notify == StepTarget.MUTUAL_AID and region:
        target = f"mutual-aid:{region.name}"
    return {"notify": target, "wait": format_duration(timedelta(seconds=wait_seconds))}


def _officer_table(officer: Officer) -> Table:
    """A listed officer: name and phone, and the language of their texts when one is set."""
    table: Table = {"name": officer.name, "phone": officer.phone}
    if officer.language is not None:
        table["language"] = officer.language
    return table


def agency_table(agency: Agency) -> Table:
    """An ``[[agencies]]`` table with its listed (not revoked) officers."""
    officers = sorted((o for o in agency.officers if o.active), key=lambda o: (o.name, o.phone))
    return {
        "name": agency.name,
        "kind": agency.kind.lower(),
        "enrollment_code": agency.enrollment_code.upper(),
        **({"enrollment": agency.enrollment} if agency.enrollment != "open" else {}),
        "officers": [_officer_table(o) for o in officers],
    }


def region_table(region: Region) -> Table:
    """A ``[[regions]]`` table: its agencies and the rosters that serve it, by name."""
    return {
        "name": region.name,
        "agencies": sorted(a.name for a in region.agencies),
        "rosters": sorted(r.name for r in region.rosters),
    }


def partner_table(partner: Partner) -> Table:
    """A ``[[partners]]`` table; the address, value and features only when set."""
    table: Table = {
        "name": partner.name,
        "need": partner.need,
        "contacts": sorted(p.name for p in partner.contacts),
    }
    if partner.address:
        table["address"] = partner.address
    table["pledge"] = partner.pledge
    if partner.unit_value is not None:
        table["unit_value"] = partner.unit_value
    if partner.features:
        table["features"] = sorted(partner.features)
    return table


def agency_record(agency: Agency) -> Table:
    """An agency as the audit log keeps it: officers' names only if they are valid names."""
    table = agency_table(agency)
    table["officers"] = [
        {**officer, "name": name_for_the_record(officer["name"])} for officer in table["officers"]
    ]
    return table


def format_moment(moment: datetime) -> str:
    """ISO 8601, to the minute unless seconds are set; an aware moment keeps its offset."""
    exact = moment.second or moment.microsecond
    return moment.isoformat(timespec="auto" if exact else "minutes")


def format_local(instant: datetime, zone: ZoneInfo) -> str:
    """An instant as wall time in ``zone``; with its offset only if the wall time is ambiguous."""
    wall = local_wall(instant, zone).replace(fold=0)  # fold=0: as a file's wall time reads
    if local_to_utc(wall, zone) == instant:
        return format_moment(wall)
    return format_moment(instant.astimezone(zone))


def _clock(value: time) -> str:
    """``20:00``, or ``20:00:30`` when seconds are set."""
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def _words(words: list[str]) -> list[str]:
    """Lowercase, each once, as the importer reads them."""
    return list(dict.fromkeys(word.strip().lower() for word in words))


def _write_section(lines: list[str], path: str, table: Table) -> None:
    """Append ``[[path]]`` and its keys; rotations, overrides and escalation become sections."""
    lines += ["", f"[[{path}]]"]
    lines += [f"{key} = {_value(value)}" for key, value in table.items() if key not in _SECTIONS]
    for key in _SECTIONS:
        value = table.get(key)
        items = value if isinstance(value, list) else [value] if value else []
        for item in items:
            header = f"[[{path}.{key}]]" if isinstance(value, list) else f"[{path}.{key}]"
            lines += ["", header]
            lines += [f"{k} = {_value(v)}" for k, v in item.items()]


def _value(value: Any) -> str:
    """A TOML value: strings, booleans, integers, arrays (of tables on several lines), tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return "[\n" + "".join(f"  {_value(item)},\n" for item in value) + "]"
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
