"""The duress word on a person's page: set or removed, never shown, audited without it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.crypto.duress import contains_word
from dispatcher.rosters.models import Person
from tests.support.admin import Store, Visitor


@pytest.fixture
def ana(store: Store) -> int:
    """Ana, with no duress word."""
    with store.scope() as session:
        person = Person(name="Ana Ruiz", phone="+12625550101", languages=[], skills=[])
        session.add(person)
        session.flush()
        return person.id


def test_a_coordinator_sets_and_removes_the_word_which_is_never_shown(
    coordinator: Visitor, store: Store, ana: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert "No duress word is set." in coordinator.text(f"/admin/people/{ana}")
    answer = coordinator.post(f"/admin/people/{ana}/duress", {"word": "Kestrel77"})
    assert answer.status_code == 302
    page = coordinator.text(f"/admin/people/{ana}")
    assert "A duress word is <strong>set</strong>." in page and "Remove duress word" in page
    stored = store.get(Person, ana).duress_hash
    assert stored and contains_word(stored, "ok kestrel77")
    entries = store.all(select(AuditEntry).order_by(AuditEntry.id))
    assert (entries[-1].old, entries[-1].new) == (
        {"duress_word": "not set"},
        {"duress_word": "set"},
    )
    assert "kestrel" not in page.lower() and "kestrel" not in caplog.text.lower()
    assert all("estrel" not in str((e.old, e.new)) for e in entries)
    coordinator.post(f"/admin/people/{ana}/duress", {"remove": "1"})
    assert store.get(Person, ana).duress_hash is None


@pytest.mark.parametrize("word", ["ab", "two words", "done", ""])
def test_a_bad_word_is_refused_and_nothing_changes(
    coordinator: Visitor, store: Store, ana: int, word: str
) -> None:
    coordinator.post(f"/admin/people/{ana}/duress", {"word": word})
    assert "Not set:" in coordinator.text(f"/admin/people/{ana}")
    assert store.get(Person, ana).duress_hash is None
