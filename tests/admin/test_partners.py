"""The partners and ledger pages: add, edit, delete (after a confirmation), the thank-you
text, the ledger and its CSV; every change audited, the address never in the audit log."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.flows.models import OutboxMessage
from dispatcher.rosters.models import Partner, PartnerMonth, Person
from dispatcher.settings import CONFIG_DIR
from tests.night import load_coalition
from tests.rosters.file.test_needs import SANE, SANE_ROSTER
from tests.support.admin import Store, Visitor

DEMO = (CONFIG_DIR / "demo.toml").read_text()


def person_ids(store: Store) -> dict[str, int]:
    """People's ids by name."""
    return {p.name: p.id for p in store.all(select(Person))}


def partner_named(store: Store, name: str) -> Partner:
    """The partner called ``name``."""
    return store.one(select(Partner).where(Partner.name == name))


def test_a_coordinator_adds_a_partner_audited_without_its_address(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database, DEMO)
    people = person_ids(store)
    response = coordinator.post(
        "/admin/partners",
        {"name": "Kenosha Cab", "need": "ride", "contacts": [people["Hal Price"]],
         "address": "9 Depot St", "pledge": "10", "unit_value": "25",
         "features": ["wheelchair"]},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    page = coordinator.text("/admin/partners")
    assert "Kenosha Cab" in page and "0 of 10" in page
    cab = partner_named(store, "Kenosha Cab")
    assert (cab.pledge, cab.unit_value, cab.features, cab.address) == (
        10, 25, ["wheelchair"], "9 Depot St"
    )  # fmt: skip
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "partner"))[-1]
    assert entry.action == "create" and entry.new is not None
    assert entry.new["contacts"] == ["Hal Price"] and "9 Depot St" not in str(entry.new)


def test_a_contact_of_another_partner_is_refused_and_nothing_changes(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database, DEMO)
    before = len(store.all(select(AuditEntry)))
    response = coordinator.post(
        "/admin/partners",
        {"name": "Cabs", "need": "ride", "contacts": [person_ids(store)["Ivo Marsh"]],
         "pledge": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Ivo Marsh answers for Marsh Accessible Rides." in response.get_data(as_text=True)
    assert len(store.all(select(AuditEntry))) == before


def test_editing_a_pledge_is_audited_with_before_and_after(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database, DEMO)
    inn = partner_named(store, "Harborview Inn")
    url = f"/admin/partners/{inn.id}"
    assert "1200 Harbor Rd, Racine" in coordinator.text(url)
    response = coordinator.post(
        url,
        {"name": "Harborview Inn", "need": "room",
         "contacts": [person_ids(store)["Harborview Inn"]], "address": "1200 Harbor Rd",
         "pledge": "8", "unit_value": "89"},
    )  # fmt: skip
    assert response.status_code == 302
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "partner"))[-1]
    assert entry.action == "update" and entry.old is not None and entry.new is not None
    assert (entry.old["pledge"], entry.new["pledge"]) == (4, 8)


def test_deleting_a_partner_asks_first(coordinator: Visitor, store: Store) -> None:
    load_coalition(store.database, DEMO)
    inn = partner_named(store, "Harborview Inn")
    asked = coordinator.post(f"/admin/partners/{inn.id}/delete", {})
    assert asked.status_code == 200 and "Delete Harborview Inn?" in asked.get_data(as_text=True)
    assert len(store.all(select(Partner))) == 4
    done = coordinator.post(f"/admin/partners/{inn.id}/delete", {"confirm": "yes"})
    assert done.status_code == 302
    assert len(store.all(select(Partner))) == 3
    assert store.one(select(Person).where(Person.name == "Harborview Inn")).active
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "partner"))[-1]
    assert entry.action == "delete"


def test_the_thank_you_summary_is_confirmed_then_texted(coordinator: Visitor, store: Store) -> None:
    load_coalition(store.database, DEMO)
    inn = partner_named(store, "Harborview Inn")
    with store.scope() as session:
        for month, used, accepted in ((date(2026, 1, 1), 3, 2), (date(2026, 3, 1), 2, 1)):
            session.add(
                PartnerMonth(partner_id=inn.id, month=month, pledged=4, used=used,
                             accepted=accepted, declined=0, unanswered=0, alerted=0)
            )  # fmt: skip
    url = f"/admin/partners/{inn.id}/thanks"
    asked = coordinator.post(url, {"quarter": "2026-Q1"})
    text = asked.get_data(as_text=True)
    assert "Thank Harborview Inn for 2026-Q1?" in text and "3 answered, 5 units given" in text
    assert store.all(select(OutboxMessage)) == []
    sent = coordinator.post(url, {"quarter": "2026-Q1", "confirm": "yes"})
    assert sent.status_code == 302
    queued = store.all(select(OutboxMessage.template))
    assert queued == ["partner_thanks"]
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "partner_thanks"))[-1]
    assert entry.action == "send"
    assert entry.new == {"partner": "Harborview Inn", "period": "2026-Q1", "texted": 1}


def test_a_bad_quarter_sends_nothing(coordinator: Visitor, store: Store) -> None:
    load_coalition(store.database, DEMO)
    inn = partner_named(store, "Harborview Inn")
    response = coordinator.post(f"/admin/partners/{inn.id}/thanks", {"quarter": "spring"})
    assert response.status_code == 302
    assert store.all(select(OutboxMessage)) == []


def test_the_ledger_page_and_csv_give_the_in_kind_value(coordinator: Visitor, store: Store) -> None:
    load_coalition(store.database, DEMO)
    inn = partner_named(store, "Harborview Inn")
    with store.scope() as session:
        session.add(
            PartnerMonth(partner_id=inn.id, month=date(2026, 2, 1), pledged=4, used=4,
                         accepted=3, declined=1, unanswered=2, alerted=100)
        )  # fmt: skip
    page = coordinator.text("/admin/ledger?year=2026")
    assert "$356" in page and "used up" in page
    response = coordinator.get("/admin/ledger.csv?year=2026")
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == (
        "partner,need,month,pledged,used,accepted,declined,unanswered,unit_value,in_kind_value"
    )
    assert "Harborview Inn,room,2026-02,4,4,3,1,2,89,356" in lines
    assert "Harborview Inn,room,2026-03,4,0,0,0,0,89,0" in lines
    assert len(lines) == 1 + 4 * 12
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "ledger"))[-1]
    assert entry.action == "export" and entry.new == {"year": 2026, "rows": 48}


def test_viewers_cannot_open_the_partners_or_the_ledger(viewer: Visitor) -> None:
    assert viewer.get("/admin/partners").status_code == 403
    assert viewer.get("/admin/ledger").status_code == 403
    assert viewer.get("/admin/ledger.csv").status_code == 403


def test_a_partner_gives_one_of_the_configured_needs(coordinator: Visitor, store: Store) -> None:
    load_coalition(store.database, SANE + DEMO + SANE_ROSTER)
    assert '<option value="sane">sane</option>' in coordinator.text("/admin/partners")
    people = person_ids(store)
    refused = coordinator.post(
        "/admin/partners",
        {"name": "Boats", "need": "boat", "contacts": [people["Hal Price"]], "pledge": "0"},
    )
    assert refused.status_code == 200 and not store.all(
        select(Partner).where(Partner.name == "Boats")
    )
    response = coordinator.post(
        "/admin/partners",
        {"name": "St. Luke's SANE", "need": "sane", "contacts": [people["Hal Price"]],
         "pledge": "0"},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    assert partner_named(store, "St. Luke's SANE").need == "sane"
