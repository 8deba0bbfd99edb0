"""The needs page: every configured need and who serves it; adding one is audited."""

from __future__ import annotations

from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.rosters import needstore
from dispatcher.rosters.file import export_roster_file
from dispatcher.rosters.models import NeedKindRow
from tests.night import load_coalition
from tests.support.admin import Store, Visitor

LEGAL = {
    "key": "legal",
    "roster_kind": "legal",
    "role": "lawyer",
    "label_en": "legal aid",
    "label_es": "asesoría legal",
    "words_en": "lawyer, attorney, legal aid",
    "words_es": "abogado, abogada",
    "learns": ["tags"],
}


def test_the_page_lists_the_built_in_needs_and_who_serves_them(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database)
    page = coordinator.text("/admin/needs")
    assert "advocate rosters: advocates" in page
    assert "hotel rosters: hotels" in page
    assert "hotel, hotels, motel" in page


def test_a_coordinator_adds_a_need_audited_and_in_the_roster_file(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database)
    response = coordinator.post("/admin/needs", LEGAL)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = coordinator.text("/admin/needs")
    assert "Added the need legal." in page
    assert "No roster of kind legal: nobody is paged for it." in page
    assert store.one(select(NeedKindRow).where(NeedKindRow.key == "legal")).role == "lawyer"
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "need"))[-1]
    assert (entry.action, entry.actor, entry.old) == ("create", "coord@coalition.test", None)
    assert entry.new is not None and entry.new["intake_words"] == {
        "en": ["lawyer", "attorney", "legal aid"],
        "es": ["abogado", "abogada"],
    }
    with store.scope() as session:
        assert 'key = "legal"' in export_roster_file(session)
        assert needstore.current(session).keys[-1] == "legal"


def test_a_taken_key_or_a_shared_word_is_refused_and_nothing_changes(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database)
    before = len(store.all(select(AuditEntry)))
    taken = coordinator.post("/admin/needs", {**LEGAL, "key": "room"})
    assert taken.status_code == 200
    assert "A need has this key already." in taken.get_data(as_text=True)
    shared = coordinator.post("/admin/needs", {**LEGAL, "words_en": "lawyer, motel"})
    assert shared.status_code == 200
    assert "&#39;motel&#39; already opens room" in shared.get_data(as_text=True)
    assert store.all(select(NeedKindRow)) == []
    assert len(store.all(select(AuditEntry))) == before


def test_a_viewer_cannot_open_the_page(viewer: Visitor) -> None:
    assert viewer.get("/admin/needs").status_code == 403


def test_a_roster_of_the_new_needs_kind_can_be_made_and_then_serves_it(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database)
    roster = {"name": "Legal aid", "kind": "legal", "timezone": "America/Chicago"}
    refused = coordinator.post("/admin/rosters", roster)
    assert refused.status_code == 200  # no need names the kind yet
    assert coordinator.post("/admin/needs", LEGAL).status_code == 302
    assert 'value="legal"' in coordinator.text("/admin/rosters")
    created = coordinator.post("/admin/rosters", roster)
    assert created.status_code == 302, created.get_data(as_text=True)
    assert "legal rosters: Legal aid" in coordinator.text("/admin/needs")
