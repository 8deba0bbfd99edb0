"""Open shifts on the admin pages (publish, fill, close) and on a member's own page (their
signed link: take a slot, in their language), on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.db import Database
from dispatcher.flows import signups
from dispatcher.flows.models import OpenSlot, OutboxMessage, Signup
from dispatcher.rosters.models import Override, Person, Roster
from tests.support.admin import Store, Visitor
from tests.support.coalition import COALITION, apply_text

FORM = {"month": "2026-04", "deadline": "2026-03-20T17:00", "source": "pattern", "slots": ""}
SECRET = "test-secret-key-at-least-32-characters-long"


def roster_id(store: Store) -> int:
    return store.one(select(Roster.id).where(Roster.name == "advocates"))


def publish(coordinator: Visitor, store: Store, **changes: str) -> int:
    """Publish April from the form; the sign-up's id."""
    response = coordinator.post(
        f"/admin/rosters/{roster_id(store)}/open-shifts", {**FORM, **changes}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return store.one(select(Signup.id).order_by(Signup.id.desc()))


def link_of(store: Store, signup_id: int, name: str) -> str:
    person = store.one(select(Person).where(Person.name == name))
    deadline = store.get(Signup, signup_id).deadline
    return f"/shifts/{signups.token(signup_id, person.id, deadline, SECRET)}"


def test_publishing_a_month_texts_the_members_and_shows_the_fill(
    coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    page = coordinator.text(f"/admin/rosters/{roster_id(store)}/open-shifts")
    assert "No month has been published yet." in page and 'value="2026-04"' in page
    signup_id = publish(coordinator, store)
    page = coordinator.text(f"/admin/open-shifts/{signup_id}")
    assert "0 of 30 slots taken" in page and "Fri 20 Mar 2026, 17:00 CDT" in page
    assert page.count('<span class="gap">open</span>') == 30
    queued = store.all(
        select(OutboxMessage.person_id).where(OutboxMessage.template == "shifts_open")
    )
    names = store.all(select(Person.name).where(Person.id.in_(queued)).order_by(Person.name))
    assert names == ["Ana Ruiz", "Ben Okafor", "Cruz Lee"]
    actions = store.all(select(AuditEntry.action).where(AuditEntry.entity == "signup"))
    assert actions == ["publish"]
    listing = coordinator.text(f"/admin/rosters/{roster_id(store)}/open-shifts")
    assert "April 2026" in listing and "0 of 30" in listing


def test_refused_forms_say_why(coordinator: Visitor, store: Store, database: Database) -> None:
    apply_text(database, COALITION)
    url = f"/admin/rosters/{roster_id(store)}/open-shifts"
    for changes, message in [
        ({"month": "April"}, "Write the month as 2026-12."),
        ({"deadline": "2026-03-01T17:00"}, "The sign-up deadline must be in the future."),
        ({"source": "typed", "slots": "2026-04-04 8am"}, "Line 1: write a slot as"),
        ({"source": "typed", "slots": ""}, "There are no slots to publish"),
        ({"month": "2026-05"}, "That month was already published for this roster."),
    ]:
        if changes.get("month") == "2026-05":
            publish(coordinator, store, month="2026-05")
        response = coordinator.post(url, {**FORM, **changes})
        assert response.status_code == 400
        body = response.get_data(as_text=True)
        assert 'class="error-summary"' in body and message in body
    assert [s.month.isoformat() for s in store.all(select(Signup))] == ["2026-05-01"]


def test_a_member_takes_a_slot_on_their_own_page(
    app: Flask, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    signup_id = publish(coordinator, store)
    member = Visitor(app.test_client())
    path = link_of(store, signup_id, "Ben Okafor")
    page = member.text(path)
    assert "Open shifts: advocates, April 2026" in page and "For Ben Okafor." in page
    assert "Sign up by Fri 20 Mar 17:00." in page and page.count("Take shift") == 30
    response = member.get(path)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    first = store.one(select(OpenSlot).where(OpenSlot.number == 1))
    taken = member.post(path, {"slot": str(first.id)})
    assert taken.status_code == 302
    page = member.text(taken.headers["Location"])
    assert "Shift 1 is yours. Thank you." in page and "1: Wed 1 Apr 20:00-08:00" in page
    assert page.count("Take shift") == 29
    ben = store.one(select(Person).where(Person.name == "Ben Okafor"))
    assert store.get(OpenSlot, first.id).taker_id == ben.id
    adds = store.all(select(Override).where(Override.action == "add"))
    assert [(o.person_id, o.starts_at) for o in adds] == [
        (ben.id, datetime(2026, 4, 2, 1, tzinfo=UTC))
    ]
    other = Visitor(app.test_client())
    again = other.post(link_of(store, signup_id, "Cruz Lee"), {"slot": str(first.id)})
    assert "result=gone" in again.headers["Location"]
    assert store.get(OpenSlot, first.id).taker_id == ben.id
    # Without the form's CSRF token nothing is taken.
    second = store.one(select(OpenSlot).where(OpenSlot.number == 2))
    bare = app.test_client().post(path, data={"slot": str(second.id)})
    assert bare.status_code == 400 and store.get(OpenSlot, second.id).taker_id is None


def test_a_members_page_is_in_their_language(
    app: Flask, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    with store.scope() as session:
        ana = session.scalars(select(Person).where(Person.name == "Ana Ruiz")).one()
        ana.language = "es"
    signup_id = publish(coordinator, store)
    page = Visitor(app.test_client()).text(link_of(store, signup_id, "Ana Ruiz"))
    assert '<html lang="es">' in page
    assert "Turnos abiertos: advocates, abril 2026" in page and "Inscríbase antes del" in page
    assert "mié 1 abr 20:00-08:00" in page


def test_forged_and_foreign_links_answer_404(
    app: Flask, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    signup_id = publish(coordinator, store)
    client = app.test_client()
    good = link_of(store, signup_id, "Ben Okafor")
    assert client.get(good).status_code == 200
    assert client.get(good[:-2] + "AA").status_code == 404
    assert client.get(link_of(store, signup_id, "Dee Park")).status_code == 404  # no member
    assert client.get("/shifts/1.2.3").status_code == 404


def test_closing_early_is_confirmed_audited_and_ends_claims(
    app: Flask, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    signup_id = publish(coordinator, store)
    asked = coordinator.post(f"/admin/open-shifts/{signup_id}/close")
    assert asked.status_code == 200 and "Close this sign-up now?" in asked.get_data(as_text=True)
    assert store.get(Signup, signup_id).state == "open"
    done = coordinator.post(f"/admin/open-shifts/{signup_id}/close", {"confirm": "yes"})
    assert done.status_code == 302 and store.get(Signup, signup_id).state == "closed"
    entry = store.all(select(AuditEntry).where(AuditEntry.action == "close"))[0]
    assert (entry.entity, entry.entity_id, entry.new) == ("signup", signup_id, {"state": "closed"})
    member = Visitor(app.test_client())
    path = link_of(store, signup_id, "Ben Okafor")
    page = member.text(path)
    assert "This sign-up is closed." in page and "Take shift" not in page
    first = store.one(select(OpenSlot).where(OpenSlot.number == 1))
    assert "result=gone" in member.post(path, {"slot": str(first.id)}).headers["Location"]
    assert store.get(OpenSlot, first.id).taker_id is None
    # No closing text: the coordinator sees the page.
    assert store.all(select(OutboxMessage).where(OutboxMessage.template == "signup_closed")) == []


def test_viewers_cannot_publish_or_close(viewer: Visitor, store: Store, database: Database) -> None:
    apply_text(database, COALITION)
    url = f"/admin/rosters/{roster_id(store)}/open-shifts"
    assert viewer.get(url).status_code == 403
    assert viewer.post(url, FORM).status_code == 403
    assert store.all(select(Signup)) == []
