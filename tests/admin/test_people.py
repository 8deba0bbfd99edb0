"""The People pages: add, edit, validate, deactivate, clear an opt-out; audited."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.clock import ManualClock
from dispatcher.flows.models import OutboxMessage, ShiftOffer
from dispatcher.rosters.models import Person, Roster, Rotation, RotationParticipant
from tests.support.admin import Store, Visitor
from tests.support.rosters import daily_roster, new_person

ANA = {
    "name": "Ana Ruiz",
    "phone": "(262) 555-0101",
    "languages": ["en", "es"],
    "skills": ["juvenile"],
    "coordinator": "y",
    "away_until": "",
}


def add(visitor: Visitor, **changes: str) -> int:
    response = visitor.post("/admin/people/new", {**ANA, **changes})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.status_code


def test_adding_a_person_stores_e164_and_shows_the_national_format(
    coordinator: Visitor, store: Store
) -> None:
    add(coordinator)
    person = store.one(select(Person))
    assert (person.name, person.phone) == ("Ana Ruiz", "+12625550101")
    assert person.languages == ["en", "es"] and person.skills == ["juvenile"]
    assert person.coordinator
    page = coordinator.text("/admin/people")
    assert "(262) 555-0101" in page and "Ana Ruiz" in page


def test_a_bad_phone_is_refused_on_the_form(coordinator: Visitor, store: Store) -> None:
    response = coordinator.post("/admin/people/new", {**ANA, "phone": "12345"})
    assert response.status_code == 200
    assert "Not a valid mobile number." in response.get_data(as_text=True)
    assert store.all(select(Person)) == []


def test_names_and_phones_are_unique(coordinator: Visitor, store: Store) -> None:
    add(coordinator)
    response = coordinator.post("/admin/people/new", {**ANA, "phone": "262-555-0199"})
    assert "Another person has this name." in response.get_data(as_text=True)
    response = coordinator.post("/admin/people/new", {**ANA, "name": "Ben Ode"})
    assert "Ana Ruiz (person) already has this number." in response.get_data(as_text=True)
    assert len(store.all(select(Person))) == 1


def test_editing_is_audited_with_old_and_new_values(
    coordinator: Visitor, store: Store, clock: ManualClock
) -> None:
    add(coordinator)
    person_id = store.one(select(Person.id))
    form = coordinator.text(f"/admin/people/{person_id}")
    assert 'value="Ana Ruiz"' in form
    response = coordinator.post(
        f"/admin/people/{person_id}",
        {**ANA, "languages": ["en", "es", "vi"], "away_until": "2026-03-12T18:30"},
    )
    assert response.status_code == 302
    entries = store.all(select(AuditEntry).order_by(AuditEntry.id))
    assert [(e.action, e.entity, e.entity_id) for e in entries] == [
        ("create", "person", person_id),
        ("update", "person", person_id),
    ]
    assert entries[1].actor == "coord@coalition.test"
    assert entries[1].at == clock.now()
    assert entries[1].old == {"languages": ["en", "es"], "away_until": None}
    assert entries[1].new == {
        "languages": ["en", "es", "vi"],
        "away_until": "2026-03-12T23:30+00:00",  # 18:30 in Chicago (CDT)
    }
    person = store.get(Person, person_id)
    assert person.away_until == datetime(2026, 3, 12, 23, 30, tzinfo=UTC)


def test_deactivating_and_clearing_an_opt_out(coordinator: Visitor, store: Store) -> None:
    add(coordinator)
    with store.scope() as session:
        person = session.scalars(select(Person)).one()
        person.opted_out, person.opted_out_cause = True, "STOP"
        person.opted_out_at = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)
    page = coordinator.text(f"/admin/people/{person.id}")
    assert "opted out (STOP)" in page and "Clear opt-out" in page
    assert coordinator.post(f"/admin/people/{person.id}/opt-in").status_code == 302
    assert coordinator.post(f"/admin/people/{person.id}/active", {"active": "0"}).status_code == 302
    person = store.get(Person, person.id)
    assert (person.opted_out, person.opted_out_cause, person.opted_out_at) == (False, None, None)
    assert not person.active
    last = store.all(select(AuditEntry).order_by(AuditEntry.id.desc()))[0]
    assert last.old == {"active": True} and last.new == {"active": False}


def test_markup_in_names_is_shown_escaped(coordinator: Visitor) -> None:
    add(coordinator, name="<script>alert(1)</script>")
    page = coordinator.text("/admin/people")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_hotlines_own_number_is_refused_on_the_form(coordinator: Visitor, store: Store) -> None:
    response = coordinator.post("/admin/people/new", {**ANA, "phone": "(262) 555-0100"})
    assert response.status_code == 200
    assert "This is the hotline&#39;s own number." in response.get_data(as_text=True)
    assert store.all(select(Person)) == []


def test_languages_and_skills_are_chosen_from_the_lists(coordinator: Visitor, store: Store) -> None:
    form = coordinator.text("/admin/people/new")
    assert 'type="checkbox"' in form and 'value="vi"' in form and "Vietnamese" in form
    assert "Juvenile-trained" in form
    response = coordinator.post("/admin/people/new", {**ANA, "languages": ["en", "klingon"]})
    assert response.status_code == 200
    assert "&#39;klingon&#39; is not a valid choice" in response.get_data(as_text=True)
    assert store.all(select(Person)) == []


def test_the_shift_reminder_is_set_on_the_page_and_audited(
    coordinator: Visitor, store: Store
) -> None:
    add(coordinator)
    person_id = store.one(select(Person.id))
    assert store.get(Person, person_id).remind_hours == 2  # the default
    assert "2 h before each shift" in coordinator.text(f"/admin/people/{person_id}")
    response = coordinator.post(f"/admin/people/{person_id}", {**ANA, "remind_hours": "0"})
    assert response.status_code == 302
    assert store.get(Person, person_id).remind_hours == 0
    entry = store.all(select(AuditEntry).order_by(AuditEntry.id))[-1]
    assert (entry.old, entry.new) == ({"remind": None}, {"remind": "off"})
    refused = coordinator.post(f"/admin/people/{person_id}", {**ANA, "remind_hours": "25"})
    assert refused.status_code == 200
    assert store.get(Person, person_id).remind_hours == 0


def test_a_coming_shift_is_offered_from_the_person_page(coordinator: Visitor, store: Store) -> None:
    with store.scope() as session:
        ana, ben = new_person("Ana", "+12625550101"), new_person("Ben", "+12625550102")
        roster_id, ben_id = daily_roster(session, ana, ben).id, ben.id
    page = coordinator.text(f"/admin/people/{ben_id}")
    assert "Shifts in the next 14 days" in page
    assert "Tue 10 Mar 2026, 08:00 CDT to Wed 11 Mar 2026, 08:00 CDT" in page
    start = "2026-03-10T13:00:00+00:00"  # Tue 08:00 in Chicago
    response = coordinator.post(
        f"/admin/people/{ben_id}/offers", {"roster": str(roster_id), "start": start}
    )
    assert response.status_code == 302
    offer = store.one(select(ShiftOffer))
    assert (offer.from_person_id, offer.state, offer.to_person_id) == (ben_id, "open", None)
    page = coordinator.text(f"/admin/people/{ben_id}")
    assert "Offered to 1 person" in page and offer.code in page
    entry = store.all(select(AuditEntry).order_by(AuditEntry.id))[-1]
    assert (entry.action, entry.entity, entry.entity_id) == ("offer", "person", ben_id)
    stale = coordinator.post(
        f"/admin/people/{ben_id}/offers",
        {"roster": str(roster_id), "start": "2026-03-09T13:00:00+00:00"},
    )
    assert stale.status_code == 302
    assert len(store.all(select(ShiftOffer))) == 1


def test_an_away_set_on_the_page_that_leaves_a_gap_tells_the_coordinators(
    coordinator: Visitor, store: Store
) -> None:
    with store.scope() as session:
        ana = new_person("Ana", "+12625550101")
        kim = new_person("Kim", "+12625550109", coordinator=True)
        session.add(kim)
        daily_roster(session, ana)
        ana_id, kim_id = ana.id, kim.id
    form = {**ANA, "name": "Ana", "phone": "+12625550101", "coordinator": ""}
    response = coordinator.post(
        f"/admin/people/{ana_id}", {**form, "away_until": "2026-03-11T08:00"}
    )
    assert response.status_code == 302
    queued = store.all(select(OutboxMessage.template).where(OutboxMessage.person_id == kim_id))
    assert queued == ["coverage_gaps"]
    response = coordinator.post(
        f"/admin/people/{ana_id}", {**form, "away_until": "2026-03-11T08:00", "skills": []}
    )
    assert response.status_code == 302
    assert len(store.all(select(OutboxMessage).where(OutboxMessage.person_id == kim_id))) == 1


def test_the_channels_a_page_uses_are_set_on_the_person_page_and_audited(
    coordinator: Visitor, store: Store
) -> None:
    add(coordinator)
    person_id = store.one(select(Person.id))
    assert store.one(select(Person.channels)) == "sms"
    form = coordinator.text(f"/admin/people/{person_id}")
    assert "A text, then a call" in form
    response = coordinator.post(f"/admin/people/{person_id}", {**ANA, "channels": "sms,voice"})
    assert response.status_code == 302
    assert store.one(select(Person.channels)) == "sms,voice"
    audit = store.all(select(AuditEntry).order_by(AuditEntry.id))[-1]
    assert "voice" in str(audit.new) and "voice" not in str(audit.old)
    refused = coordinator.post(f"/admin/people/{person_id}", {**ANA, "channels": "fax"})
    assert refused.status_code == 200
    assert store.one(select(Person.channels)) == "sms,voice"


def test_an_open_offer_is_withdrawn_from_the_person_page_after_a_confirmation(
    coordinator: Visitor, store: Store
) -> None:
    with store.scope() as session:
        ana = Person(name="Ana", phone="+12625550101", languages=[], skills=[])
        ben = Person(name="Ben", phone="+12625550102", languages=[], skills=[])
        roster = Roster(name="Advocates", kind="advocate", timezone="America/Chicago")
        rotation = Rotation(name="days", type="daily", length=1, start=datetime(2026, 3, 9, 8))
        rotation.participants = [
            RotationParticipant(person=ana, position=0),
            RotationParticipant(person=ben, position=1),
        ]
        roster.rotations.append(rotation)
        session.add_all([ana, ben, roster])
        session.flush()
        ana_id, ben_id, roster_id = ana.id, ben.id, roster.id
    start = "2026-03-10T13:00:00+00:00"
    coordinator.post(f"/admin/people/{ben_id}/offers", {"roster": str(roster_id), "start": start})
    offer = store.one(select(ShiftOffer))
    cancel = f"/admin/people/{ben_id}/offers/{offer.id}/cancel"
    assert f'action="{cancel}"' in coordinator.text(f"/admin/people/{ben_id}")
    asked = coordinator.post(cancel)
    assert asked.status_code == 200 and "Withdraw offer" in asked.get_data(as_text=True)
    assert store.get(ShiftOffer, offer.id).state == "open"
    assert coordinator.post(f"/admin/people/{ana_id}/offers/{offer.id}/cancel").status_code == 404
    assert coordinator.post(cancel, {"confirm": "yes"}).status_code == 302
    assert store.get(ShiftOffer, offer.id).state == "cancelled"
    entry = store.all(select(AuditEntry).order_by(AuditEntry.id))[-1]
    assert (entry.action, entry.entity, entry.entity_id) == ("cancel", "shift_offer", offer.id)
    assert entry.new == {"code": offer.code, "state": "cancelled"}
    again = coordinator.post(cancel, {"confirm": "yes"}, follow_redirects=True)
    assert "was already cancelled; nothing changed" in again.get_data(as_text=True)
    assert len(store.all(select(AuditEntry).where(AuditEntry.action == "cancel"))) == 1


def test_deactivating_someone_that_leaves_a_gap_tells_the_coordinators_at_once(
    coordinator: Visitor, store: Store
) -> None:
    with store.scope() as session:
        ana = Person(name="Ana", phone="+12625550101", languages=[], skills=[])
        dee = Person(name="Dee", phone="+12625550104", languages=[], skills=[])
        kim = Person(name="Kim", phone="+12625550109", languages=[], skills=[], coordinator=True)
        roster = Roster(name="Advocates", kind="advocate", timezone="America/Chicago")
        rotation = Rotation(name="days", type="daily", length=1, start=datetime(2026, 3, 9, 8))
        rotation.participants = [RotationParticipant(person=ana, position=0)]
        roster.rotations.append(rotation)
        session.add_all([ana, dee, kim, roster])
        session.flush()
        ana_id, dee_id, kim_id = ana.id, dee.id, kim.id
    to_kim = select(OutboxMessage.template).where(OutboxMessage.person_id == kim_id)
    coordinator.post(f"/admin/people/{dee_id}/active", {"active": "0"})  # on no rotation
    assert store.all(to_kim) == []
    coordinator.post(f"/admin/people/{ana_id}/active", {"active": "0"})
    assert store.all(to_kim) == ["coverage_gaps"]
    coordinator.post(f"/admin/people/{ana_id}/active", {"active": "1"})
    assert store.all(to_kim) == ["coverage_gaps"]
