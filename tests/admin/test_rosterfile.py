"""The Roster file page: download (audited), upload checked whole, errors listed."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from dispatcher.audit import AuditEntry
from dispatcher.rosters.models import Agency, Person, Roster
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


def count(store: Store, model: type) -> int:
    with store.scope() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_uploading_the_demo_file_applies_it_and_audits_each_change(
    coordinator: Visitor, store: Store
) -> None:
    response = upload(coordinator, DEMO, "demo.toml")
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
    upload(coordinator, DEMO, "demo.toml")
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
    before = len(store.all(select(AuditEntry)))
    assert upload(coordinator, text.encode(), "again.toml").status_code == 302
    assert len(store.all(select(AuditEntry))) == before  # nothing changed, nothing recorded


def test_a_file_nested_500_deep_is_refused_clearly(coordinator: Visitor, store: Store) -> None:
    response = upload(coordinator, b"x = " + b"[" * 500 + b"]" * 500, "deep.toml")
    assert response.status_code == 400
    assert "deep.toml: tables or arrays are nested too deeply" in response.get_data(as_text=True)
