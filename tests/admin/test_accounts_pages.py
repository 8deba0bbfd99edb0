"""The Accounts and Audit log pages (admins only)."""

from __future__ import annotations

from sqlalchemy import select

from dispatcher.accounts.models import User
from dispatcher.audit import AuditEntry
from tests.support.admin import EMAILS, PASSWORD, Store, Visitor


def test_an_admin_creates_an_account_that_can_sign_in(
    admin: Visitor, visitor: Visitor, store: Store
) -> None:
    response = admin.post(
        "/admin/accounts",
        {
            "email": "new@coalition.test",
            "role": "viewer",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert visitor.sign_in("new@coalition.test").status_code == 302
    entry = store.all(select(AuditEntry))[-1]
    assert entry.action == "create" and entry.actor == EMAILS["admin"]
    assert entry.new == {"email": "new@coalition.test", "role": "viewer", "active": True}
    assert PASSWORD not in str(entry.new)


def test_mismatched_or_short_passwords_are_refused(admin: Visitor, store: Store) -> None:
    for password, confirm in ((PASSWORD, PASSWORD + "x"), ("short", "short")):
        response = admin.post(
            "/admin/accounts",
            {
                "email": "n@coalition.test",
                "role": "viewer",
                "password": password,
                "confirm": confirm,
            },
        )
        assert response.status_code == 200
    assert len(store.all(select(User))) == 3


def test_changing_a_role_takes_effect_at_once(
    admin: Visitor, coordinator: Visitor, accounts: dict[str, int], store: Store
) -> None:
    assert coordinator.get("/admin/people").status_code == 200
    admin.post(f"/admin/accounts/{accounts['coordinator']}/role", {"role": "viewer"})
    assert coordinator.get("/admin/people").status_code == 403
    entry = store.all(select(AuditEntry))[-1]
    assert (entry.old, entry.new) == ({"role": "coordinator"}, {"role": "viewer"})


def test_the_last_admin_cannot_lock_everyone_out(
    admin: Visitor, accounts: dict[str, int], store: Store
) -> None:
    response = admin.post(f"/admin/accounts/{accounts['admin']}/active", {"active": "0"})
    assert response.status_code == 302
    assert "only active admin" in admin.text("/admin/accounts")
    assert store.get(User, accounts["admin"]).active


def test_deactivating_an_account_ends_its_session(
    admin: Visitor, coordinator: Visitor, accounts: dict[str, int]
) -> None:
    admin.post(f"/admin/accounts/{accounts['coordinator']}/active", {"active": "0"})
    assert coordinator.get("/admin/people").headers["Location"].startswith("/admin/login")


def test_the_audit_log_lists_changes_newest_first(admin: Visitor) -> None:
    admin.post("/admin/people/new", {"name": "Ana", "phone": "2625550101"})
    admin.post("/admin/agencies", {"name": "Racine PD", "kind": "police"})
    page = admin.text("/admin/audit")
    assert page.index("create agency") < page.index("create person")
    assert "+12625550101" in page and EMAILS["admin"] in page
