"""The Roster file page: download (audited), upload checked whole, errors listed, the
change list shown first and applied on confirmation, a stale file flagged, undo."""

from __future__ import annotations

import html
import io
import re

from sqlalchemy import func, select

from dispatcher.audit import AuditEntry
from dispatcher.rosters.models import Agency, Override, Person, Roster
from dispatcher.settings import CONFIG_DIR
from tests.support.admin import EMAILS, Store, Visitor

DEMO = (CONFIG_DIR / "demo.toml").read_bytes()
BROKEN = b"""
[[people]]
name = "Ana"
phone = "12"

[[rosters]]
name = "Advocates"
kind = "boats"
timezone = "America/Chicago"
"""


def upload(visitor: Visitor, content: bytes, name: str = "roster.toml"):
    return visitor.post(
        "/admin/roster-file",
        {"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def confirm(visitor: Visitor, preview):
    """Post back the preview page's confirmation form, as its button does."""
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page
    text = html.unescape(re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', page, re.S)[1])
    version = re.search(r'name="version" value="(\d+)"', page)[1]
    source = html.unescape(re.search(r'name="source" value="([^"]*)"', page)[1])
    return visitor.post(
        "/admin/roster-file/apply", {"text": text, "version": version, "source": source}
    )


def upload_and_apply(visitor: Visitor, content: bytes, name: str = "roster.toml"):
    """Upload, then confirm the change list."""
    return confirm(visitor, upload(visitor, content, name))


def count(store: Store, model: type) -> int:
    with store.scope() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_uploading_the_demo_file_applies_it_and_audits_each_change(
    coordinator: Visitor, store: Store
) -> None:
    preview = upload(coordinator, DEMO, "demo.toml")
    assert "adds person" in preview.get_data(as_text=True)
    assert count(store, Person) == 0  # nothing applied before the confirmation
    response = confirm(coordinator, preview)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Applied demo.toml: people:" in coordinator.text("/admin/roster-file")
    assert count(store, Person) > 3 and count(store, Roster) >= 1 and count(store, Agency) >= 1
    entries = store.all(select(AuditEntry))
    assert {e.actor for e in entries} == {EMAILS["coordinator"]}
    assert len(entries) >= count(store, Person) + count(store, Roster)


def test_a_bad_file_lists_every_problem_and_writes_nothing(
    coordinator: Visitor, store: Store
) -> None:
    response = upload(coordinator, BROKEN, "broken.toml")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "broken.toml: 2 problems, nothing was changed" in page
    # The CLI's messages: file and line, entry, field, why.
    assert "broken.toml:4: people[0] &#34;Ana&#34;: phone: &#39;12&#39; is not a valid" in page
    assert "broken.toml:8: rosters[0] &#34;Advocates&#34;: kind: &#39;boats&#39;" in page
    assert count(store, Person) == 0 and count(store, Roster) == 0
    assert store.all(select(AuditEntry)) == []


def test_a_file_that_is_not_text_is_refused(coordinator: Visitor, store: Store) -> None:
    response = upload(coordinator, b"\xff\xfe\x00garbage", "photo.jpg")
    assert response.status_code == 400
    assert "not a UTF-8 text file" in response.get_data(as_text=True)


def test_downloading_gives_back_what_was_uploaded_and_is_audited(
    coordinator: Visitor, store: Store
) -> None:
    upload_and_apply(coordinator, DEMO, "demo.toml")
    response = coordinator.get("/admin/roster-file/download")
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="roster-2026-03-10.toml"'
    )
    text = response.get_data(as_text=True)
    assert "[[people]]" in text and "+12625550101" in text
    entry = store.all(select(AuditEntry).order_by(AuditEntry.id.desc()))[0]
    assert (entry.action, entry.entity, entry.new) == (
        "export",
        "roster_file",
        {"to": "roster-2026-03-10.toml"},
    )
    assert re.search(r"^version = \d+$", text, re.M)
    before = [e for e in store.all(select(AuditEntry)) if e.entity != "roster_file"]
    preview = upload(coordinator, text.encode(), "again.toml")
    assert "No changes" in preview.get_data(as_text=True)
    assert confirm(coordinator, preview).status_code == 302
    after = [e for e in store.all(select(AuditEntry)) if e.entity != "roster_file"]
    assert len(after) == len(before)  # nothing changed, nothing recorded


def test_a_file_nested_500_deep_is_refused_clearly(coordinator: Visitor, store: Store) -> None:
    response = upload(coordinator, b"x = " + b"[" * 500 + b"]" * 500, "deep.toml")
    assert response.status_code == 400
    assert "deep.toml: tables or arrays are nested too deeply" in response.get_data(as_text=True)


MARIA = b"""
[[people]]
name = "Maria Gonzalez"
phone = "262-555-0177"
"""


def test_an_older_file_warns_by_name_what_it_would_lose(coordinator: Visitor, store: Store) -> None:
    upload_and_apply(coordinator, DEMO, "demo.toml")  # Eli Hart is in the demo
    old = coordinator.get("/admin/roster-file/download").get_data(as_text=True)
    with store.scope() as session:
        roster_id = session.scalars(select(Roster.id).order_by(Roster.name)).first()
        eli = session.scalars(select(Person.id).where(Person.name == "Eli Hart")).one()
    added = coordinator.post(
        f"/admin/rosters/{roster_id}/overrides",
        {
            "override-action": "add",
            "override-person": eli,
            "override-starts": "2026-12-06T06:00",
            "override-ends": "2026-12-06T18:00",
        },
    )
    assert added.status_code == 302
    preview = upload(coordinator, old.encode(), "old.toml")
    page = html.unescape(preview.get_data(as_text=True))
    assert "This file is older than the roster data" in page
    assert "removes 1 override from" in page and "Eli Hart, Sun 06 Dec" in page
    assert "Apply it anyway" in page
    confirm(coordinator, preview)
    with store.scope() as session:
        assert not session.scalars(select(Override).where(Override.person_id == eli)).all()


def test_the_last_upload_is_undone_from_the_page(coordinator: Visitor, store: Store) -> None:
    upload_and_apply(coordinator, DEMO, "demo.toml")
    people = count(store, Person)
    preview = upload(coordinator, MARIA, "maria.toml")
    assert "adds person Maria Gonzalez" in preview.get_data(as_text=True)
    confirm(coordinator, preview)
    assert count(store, Person) == people + 1
    page = coordinator.text("/admin/roster-file")
    assert "Undo the upload of maria.toml" in page
    response = coordinator.post("/admin/roster-file/undo")
    assert response.status_code == 302
    assert "Undid the upload of maria.toml" in coordinator.text("/admin/roster-file")
    assert count(store, Person) == people
    undo = store.all(select(AuditEntry).order_by(AuditEntry.id.desc()))[0]
    assert (undo.action, undo.entity, undo.actor) == ("undo", "roster_file", EMAILS["coordinator"])
    again = coordinator.post("/admin/roster-file/undo")
    assert again.status_code == 302
    assert "Nothing was undone: there is no upload to undo." in coordinator.text(
        "/admin/roster-file"
    )


def test_a_confirmation_after_another_change_shows_the_changes_again(
    coordinator: Visitor, store: Store
) -> None:
    upload_and_apply(coordinator, DEMO, "demo.toml")
    preview = upload(coordinator, MARIA, "maria.toml")
    gus = MARIA.replace(b"Maria Gonzalez", b"Gus Young").replace(b"0177", b"0178")
    upload_and_apply(coordinator, gus, "gus.toml")
    again = confirm(coordinator, preview)
    assert again.status_code == 200
    assert "The roster data changed since this preview" in again.get_data(as_text=True)
    with store.scope() as session:
        assert not session.scalars(select(Person).where(Person.name == "Maria Gonzalez")).all()
