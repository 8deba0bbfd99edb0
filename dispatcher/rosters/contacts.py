"""People and officers: their changes, and the rule that a number is one person's or officer's.

A stored number belongs to one person or one officer, and is never the hotline's own
number (texts to it would loop back). The admin pages, the roster-file check and JOIN all
ask here. Services take the session first, flush and never commit; each change is
recorded by the ``Auditor`` they are given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.errors import ValidationError
from dispatcher.phones import DEFAULT_REGION, to_e164
from dispatcher.rosters.channels import from_stored, stored
from dispatcher.rosters.file.export import person_table
from dispatcher.rosters.models import Agency, Officer, Person
from dispatcher.rosters.officernames import name_for_the_record
from dispatcher.rosters.traits import read_languages, read_skills

INVALID_PHONE = "Not a valid mobile number."
HOTLINE_PHONE = "This is the hotline's own number."
NAME_TAKEN = "Another person has this name."


class HotlineNumber(ValidationError):
    """A person's or officer's phone given as the hotline's own number."""


class Refused(ValidationError):
    """A change refused; ``problems`` maps each field at fault to what a form says of it."""

    def __init__(self, problems: dict[str, str]) -> None:
        """Keep ``problems``; the message lists them."""
        super().__init__("; ".join(f"{field}: {why}" for field, why in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class PhoneRules:
    """How typed numbers are read: national formats in ``region``; ``hotline`` is refused."""

    region: str = DEFAULT_REGION
    hotline: str = ""


@dataclass(frozen=True)
class Holder:
    """Who stores a number: ``kind`` is ``person`` or ``officer``."""

    kind: str
    id: int
    name: str
    phone: str

    def taken(self) -> str:
        """What a form says when someone else wants this number: who has it."""
        return f"{self.name} ({self.kind}) already has this number."


@dataclass(frozen=True)
class PersonDetails:
    """A person as a form gives them: the phone as typed, ``away_until`` aware or None."""

    name: str
    phone: str
    languages: list[str]
    skills: list[str]
    coordinator: bool
    away_until: datetime | None
    language: str = "en"  # the language of the texts they get
    remind_hours: int = 2  # a text this many hours before each shift (1-24); 0: none
    channels: str = "sms"  # how pages reach them, as stored (rosters.channels.CHOICES)


def read_phone(text: str, owner: str, region: str = DEFAULT_REGION, hotline: str = "") -> str:
    """Return ``text`` as E.164; national formats are read in ``region``.

    Raises ValidationError naming ``owner`` (the person or officer) when the number is
    not a valid, dialable number, and HotlineNumber when it is ``hotline``. The number
    itself is quoted only back to whoever wrote it.
    """
    e164 = to_e164(text, region)
    if e164 is None:
        raise ValidationError(f"{text!r} is not a valid phone number for {owner}")
    if hotline and e164 == hotline:
        raise HotlineNumber(f"{text!r} is the hotline's own number, not a phone of {owner}")
    return e164


def holders_of(session: Session, phones: Iterable[str]) -> list[Holder]:
    """The stored people and officers holding any of ``phones``, people first."""
    wanted = set(phones)
    people = select(Person.id, Person.name, Person.phone).where(Person.phone.in_(wanted))
    officers = select(Officer.id, Officer.name, Officer.phone).where(Officer.phone.in_(wanted))
    found = [Holder("person", *row) for row in session.execute(people)]
    return found + [Holder("officer", *row) for row in session.execute(officers)]


def phone_holder(
    session: Session, phone: str, owner: Person | Officer | None = None
) -> Holder | None:
    """Who other than ``owner`` holds ``phone`` (a person before an officer), or None."""
    kind = "person" if isinstance(owner, Person) else "officer"
    for holder in holders_of(session, [phone]):
        if owner is None or (holder.kind, holder.id) != (kind, owner.id):
            return holder
    return None


def person_snapshot(person: Person) -> dict[str, Any]:
    """What the audit log keeps of a person."""
    return {
        **person_table(person),
        "active": person.active,
        "opted_out": person.opted_out,
        "opted_out_cause": person.opted_out_cause,
    }


def officer_snapshot(officer: Officer) -> dict[str, Any]:
    """What the audit log keeps of an officer (a name that is not one is not copied)."""
    return {
        "name": name_for_the_record(officer.name),
        "phone": officer.phone,
        "agency_id": officer.agency_id,
        "revoked_at": officer.revoked_at,
        "language": officer.language,
    }


def save_person(
    session: Session,
    auditor: Auditor,
    person: Person | None,
    details: PersonDetails,
    rules: PhoneRules,
) -> Person:
    """Create a person (``person`` None) or change one, and record it.

    Raises Refused (nothing changed) for a phone that is not valid or is the hotline's, a
    name another person has, or a number another person or officer holds.
    """
    name = details.name.strip()
    phone = _typed_phone(details.phone, name or "this person", rules)
    problems = {}
    for key, read in (("languages", read_languages), ("skills", read_skills)):
        try:
            read(getattr(details, key))
        except ValidationError as error:
            problems[key] = str(error)
    others = select(Person.id).where(Person.name == name)
    if session.scalar(others.where(Person.id != person.id) if person else others) is not None:
        problems["name"] = NAME_TAKEN
    holder = phone_holder(session, phone, person)
    if holder is not None:
        problems["phone"] = holder.taken()
    if problems:
        raise Refused(problems)
    old = None if person is None else person_snapshot(person)
    if person is None:
        person = Person(name=name, phone=phone, languages=[], skills=[])
        session.add(person)
    _copy_details(person, name, phone, details)
    session.flush()
    action = "create" if old is None else "update"
    auditor.record(session, action, "person", person.id, old, person_snapshot(person))
    return person


def set_person_active(session: Session, auditor: Auditor, person: Person, active: bool) -> None:
    """Deactivate a person (never paged again) or make them active again; record it."""
    old = person_snapshot(person)
    person.active = active
    session.flush()
    auditor.record(session, "update", "person", person.id, old, person_snapshot(person))


def set_duress_hash(
    session: Session, auditor: Auditor, person: Person, duress_hash: str | None
) -> None:
    """Set (a hash) or remove (None) a person's duress word; the audit log records only
    that it was set or removed, never the word or its hash."""
    old = {"duress_word": "set" if person.duress_hash else "not set"}
    person.duress_hash = duress_hash
    session.flush()
    new = {"duress_word": "set" if duress_hash else "not set"}
    auditor.record(session, "update", "person", person.id, old, new)


def clear_opt_out(session: Session, auditor: Auditor, person: Person) -> None:
    """Let a person be paged by SMS again (after they texted START); record it."""
    old = person_snapshot(person)
    person.opted_out, person.opted_out_cause, person.opted_out_at = False, None, None
    session.flush()
    auditor.record(session, "update", "person", person.id, old, person_snapshot(person))


def add_officer(
    session: Session,
    auditor: Auditor,
    agency: Agency,
    name: str,
    phone: str,
    rules: PhoneRules,
    language: str | None = None,
) -> Officer:
    """List an officer of ``agency`` (enrolled by an admin now) and record it.

    Raises Refused (nothing written) for a phone that is not valid, is the hotline's, or is
    held by another person or officer.
    """
    e164 = _typed_phone(phone, name, rules)
    holder = phone_holder(session, e164)
    if holder is not None:
        raise Refused({"phone": holder.taken()})
    officer = Officer(
        agency_id=agency.id, name=name, phone=e164, enrolled_by="admin", enrolled_at=auditor.now
    )
    officer.language = language
    session.add(officer)
    session.flush()
    auditor.record(session, "create", "officer", officer.id, None, officer_snapshot(officer))
    return officer


def set_officer_revoked(
    session: Session, auditor: Auditor, officer: Officer, revoked: bool
) -> bool:
    """Stop (``revoked``) or let again an officer open requests; False if nothing changed."""
    if (officer.revoked_at is not None) == revoked:
        return False
    old = officer_snapshot(officer)
    officer.revoked_at = auditor.now if revoked else None
    session.flush()
    auditor.record(session, "update", "officer", officer.id, old, officer_snapshot(officer))
    return True


def set_officer_language(
    session: Session, auditor: Auditor, officer: Officer, language: str | None
) -> None:
    """Set the language of an officer's texts (None: English until they write in another
    one) and record it."""
    old = officer_snapshot(officer)
    officer.language = language
    session.flush()
    auditor.record(session, "update", "officer", officer.id, old, officer_snapshot(officer))


def delete_officer(session: Session, auditor: Auditor, officer: Officer) -> None:
    """Delete an officer for good (their requests and call log keep no link) and record it."""
    auditor.record(session, "delete", "officer", officer.id, officer_snapshot(officer), None)
    session.delete(officer)
    session.flush()


def _typed_phone(text: str, owner: str, rules: PhoneRules) -> str:
    """``text`` as E.164, or Refused naming the phone field with what a form says."""
    try:
        return read_phone(text, owner, rules.region, rules.hotline)
    except HotlineNumber:
        raise Refused({"phone": HOTLINE_PHONE}) from None
    except ValidationError:
        raise Refused({"phone": INVALID_PHONE}) from None


def _copy_details(person: Person, name: str, phone: str, details: PersonDetails) -> None:
    """Put the checked details on ``person``."""
    person.name, person.phone = name, phone
    person.languages, person.skills = list(details.languages), list(details.skills)
    person.coordinator = details.coordinator
    person.away_until = details.away_until
    person.language = details.language
    person.remind_hours = details.remind_hours
    person.channels = stored(from_stored(details.channels))
