"""One number, one person or officer, never the hotline's: the rule every editor asks."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.audit import AuditEntry, Auditor
from dispatcher.rosters import contacts
from dispatcher.rosters.contacts import PersonDetails, PhoneRules, Refused
from dispatcher.rosters.models import Agency, Officer, Person

HOTLINE = "+12625550100"
RULES = PhoneRules("US", HOTLINE)
AUDITOR = Auditor("coordinator@example.org", datetime(2026, 3, 2, 12, tzinfo=UTC))


def details(name: str, phone: str) -> PersonDetails:
    """A plain person as a form would give them."""
    return PersonDetails(name, phone, ["en"], [], coordinator=False, away_until=None)


@pytest.fixture
def stored(session: Session) -> tuple[Person, Officer]:
    """Ana (a person) and Lofy (an officer) with their numbers."""
    ana = Person(name="Ana", phone="+12625550101", languages=[], skills=[])
    agency = Agency(name="Racine PD", kind="police", enrollment_code="RPD-4821")
    lofy = Officer(agency=agency, name="Inv. N. Lofy", phone="+12625550150")
    session.add_all([ana, lofy])
    session.flush()
    return ana, lofy


def test_a_number_is_held_by_someone_other_than_its_owner(
    session: Session, stored: tuple[Person, Officer]
) -> None:
    ana, lofy = stored
    assert contacts.phone_holder(session, ana.phone, ana) is None
    assert contacts.phone_holder(session, lofy.phone, lofy) is None
    held = contacts.phone_holder(session, ana.phone, lofy)
    assert held is not None and (held.kind, held.name) == ("person", "Ana")
    held = contacts.phone_holder(session, lofy.phone)
    assert held is not None and (held.kind, held.name) == ("officer", "Inv. N. Lofy")
    assert contacts.phone_holder(session, "+12625550199") is None


def test_a_person_may_not_take_a_name_or_an_officers_number(
    session: Session, stored: tuple[Person, Officer]
) -> None:
    with pytest.raises(Refused) as refused:
        contacts.save_person(session, AUDITOR, None, details("Ana", "(262) 555-0150"), RULES)
    assert refused.value.problems == {
        "name": contacts.NAME_TAKEN,
        "phone": "Inv. N. Lofy (officer) already has this number.",
    }
    assert session.scalars(select(Person.name)).all() == ["Ana"]


@pytest.mark.parametrize(
    ("phone", "problem"),
    [("(262) 555-0100", contacts.HOTLINE_PHONE), ("555-01", contacts.INVALID_PHONE)],
)
def test_the_hotline_or_no_number_is_refused_for_officers(
    session: Session, stored: tuple[Person, Officer], phone: str, problem: str
) -> None:
    agency = stored[1].agency
    with pytest.raises(Refused) as refused:
        contacts.add_officer(session, AUDITOR, agency, "Sgt. B. Cole", phone, RULES)
    assert refused.value.problems == {"phone": problem}


def test_saving_a_person_unchanged_records_nothing(
    session: Session, stored: tuple[Person, Officer]
) -> None:
    ana = stored[0]
    same = PersonDetails("Ana", "+12625550101", [], [], coordinator=False, away_until=None)
    contacts.save_person(session, AUDITOR, ana, same, RULES)
    assert session.scalars(select(AuditEntry)).all() == []
    contacts.save_person(session, AUDITOR, ana, details("Ana Ruiz", "+12625550101"), RULES)
    entry = session.scalars(select(AuditEntry)).one()
    assert (entry.actor, entry.action, entry.entity) == (AUDITOR.actor, "update", "person")
    assert entry.old == {"name": "Ana", "languages": None}
    assert entry.new == {"name": "Ana Ruiz", "languages": ["en"]}


def test_a_person_speaks_only_known_languages_and_has_only_known_skills(session: Session) -> None:
    odd = dataclasses.replace(details("Eli", "+12625550160"), languages=["en", "elvish"])
    odd = dataclasses.replace(odd, skills=["trauma"])
    with pytest.raises(Refused) as refused:
        contacts.save_person(session, AUDITOR, None, odd, RULES)
    assert set(refused.value.problems) == {"languages", "skills"}
    assert "'elvish' is not a known language" in refused.value.problems["languages"]
    assert session.scalars(select(Person.name)).all() == []
