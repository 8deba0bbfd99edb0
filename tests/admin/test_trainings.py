"""Trainings on the admin pages: add, renew, remove on a person; a roster's requirements;
who is not paged; every change audited; refusals say why and change nothing."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.db import Database
from dispatcher.rosters.models import Person, Roster, Training
from tests.support.admin import Store, Visitor
from tests.support.coalition import COALITION, apply_text


def ids(store: Store) -> tuple[int, int]:
    ana = store.one(select(Person).where(Person.name == "Ana Ruiz"))
    return ana.id, store.one(select(Roster)).id


def test_a_coordinator_adds_renews_and_removes_a_training(
    app: Flask, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    ana_id, _ = ids(store)
    page = f"/admin/people/{ana_id}"
    assert "No trainings recorded." in coordinator.text(page)
    form = {"name": "advocate-40h", "completed": "2024-03-01", "expires": "2026-03-10"}
    response = coordinator.post(f"{page}/trainings", form)
    assert response.status_code == 302 and response.headers["Location"].endswith("#trainings")
    shown = coordinator.text(page)
    assert "advocate-40h" in shown and "lapsed" in shown  # START is 2026-03-10
    coordinator.post(f"{page}/trainings", {**form, "expires": "2026-04-01"})
    assert "expires soon" in coordinator.text(page)
    (training,) = store.all(select(Training))
    assert training.expires == date(2026, 4, 1)
    coordinator.post(f"{page}/trainings/remove", {"name": "advocate-40h"})
    assert store.all(select(Training)) == []
    entries = store.all(select(AuditEntry).where(AuditEntry.entity == "person"))
    assert [e.actor for e in entries] == ["coord@coalition.test"] * 3
    assert entries[0].new == {
        "trainings": [{"name": "advocate-40h", "completed": "2024-03-01", "expires": "2026-03-10"}]
    }
    assert entries[-1].new == {"trainings": []}


def test_bad_training_forms_are_refused_and_change_nothing(
    app: Flask, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    ana_id, _ = ids(store)
    page = f"/admin/people/{ana_id}"
    for form, message in [
        ({"name": "x", "completed": "2026-13-01"}, "Completed must be a date"),
        ({"name": "x", "completed": ""}, "Give the date the training was completed"),
        ({"name": " ", "completed": "2026-01-01"}, "A training needs a name"),
        ({"name": "x", "completed": "2026-01-01", "expires": "2025-01-01"}, "must expire after"),
    ]:
        response = coordinator.post(f"{page}/trainings", form, follow_redirects=True)
        assert message in response.get_data(as_text=True), form
    assert store.all(select(Training)) == []
    assert store.all(select(AuditEntry).where(AuditEntry.entity == "person")) == []
    response = coordinator.post(f"{page}/trainings/remove", {"name": "nope"}, follow_redirects=True)
    assert "has no training called nope" in response.get_data(as_text=True)


def test_the_roster_page_sets_requirements_and_names_who_is_not_paged(
    app: Flask, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    ana_id, roster_id = ids(store)
    page = f"/admin/rosters/{roster_id}"
    assert "No training is required to be paged." in coordinator.text(page)
    coordinator.post(
        f"/admin/people/{ana_id}/trainings", {"name": "advocate-40h", "completed": "2025-01-01"}
    )
    response = coordinator.post(
        f"{page}/trainings", {"requires_training": "advocate-40h", "juvenile_training": "juvenile"}
    )
    assert response.status_code == 302
    roster = store.get(Roster, roster_id)
    assert (roster.requires_training, roster.juvenile_training) == ("advocate-40h", "juvenile")
    shown = coordinator.text(page)
    assert "Not paged today:" in shown
    not_paged = shown.split("Not paged today:")[1].split("</p>")[0]
    assert "Ben Okafor" in not_paged and "Cruz Lee" in not_paged and "Ana Ruiz" not in not_paged
    (entry,) = store.all(
        select(AuditEntry).where(AuditEntry.entity == "roster", AuditEntry.action == "update")
    )
    assert entry.new == {"requires_training": "advocate-40h", "juvenile_training": "juvenile"}
    coordinator.post(f"{page}/trainings", {"requires_training": "", "juvenile_training": " "})
    roster = store.get(Roster, roster_id)
    assert (roster.requires_training, roster.juvenile_training) == (None, None)


def test_a_viewer_cannot_change_trainings(
    app: Flask, viewer: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    ana_id, roster_id = ids(store)
    form = {"name": "x", "completed": "2026-01-01"}
    assert viewer.post(f"/admin/people/{ana_id}/trainings", form).status_code == 403
    assert viewer.post(f"/admin/rosters/{roster_id}/trainings", {}).status_code == 403
    assert store.all(select(Training)) == []
