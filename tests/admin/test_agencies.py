"""Agencies and officers: enrollment codes, adding and revoking officers; audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.clock import ManualClock
from dispatcher.flows.codes import REFERENCE_ALPHABET
from dispatcher.rosters.file import export_roster_file, load_roster_file
from dispatcher.rosters.models import Agency, Officer
from tests.support.admin import Store, Visitor

CODE = re.compile(rf"[{REFERENCE_ALPHABET}]{{4}}-[{REFERENCE_ALPHABET}]{{4}}")


def add_agency(visitor: Visitor, name: str = "Racine PD") -> Agency:
    response = visitor.post("/admin/agencies", {"name": name, "kind": "Police"})
    assert response.status_code == 302, response.get_data(as_text=True)
    store_url = response.headers["Location"]
    assert store_url.startswith("/admin/agencies/")
    return store_url


def test_a_new_agency_gets_an_unambiguous_code_that_can_be_replaced(
    coordinator: Visitor, store: Store
) -> None:
    url = add_agency(coordinator)
    agency = store.one(select(Agency))
    assert CODE.fullmatch(agency.enrollment_code) and agency.kind == "police"
    assert agency.enrollment_code in coordinator.text(url)
    asked = coordinator.post(f"{url}/code")
    assert asked.status_code == 200  # asks first, naming what changes; nothing changed yet
    assert f"The code {agency.enrollment_code} stops working at once" in asked.get_data(True)
    assert store.one(select(Agency)).enrollment_code == agency.enrollment_code
    made = coordinator.post(f"{url}/code", {"confirm": "yes"})
    assert made.status_code == 302 and made.headers["Location"].endswith("#code-heading")
    renewed = store.one(select(Agency))
    assert CODE.fullmatch(renewed.enrollment_code)
    page = coordinator.text(url)  # the new code is confirmed in its own section
    notice = page.index('id="code-notices"')
    assert page.index('id="code-heading"') < notice < page.index('id="officers-heading"')
    assert f"New enrollment code: {renewed.enrollment_code}." in page[notice:]
    assert renewed.enrollment_code != agency.enrollment_code
    entry = store.all(select(AuditEntry).order_by(AuditEntry.id.desc()))[0]
    assert entry.old == {"enrollment_code": agency.enrollment_code}
    assert entry.new == {"enrollment_code": renewed.enrollment_code}


def test_codes_made_here_load_back_from_the_roster_file(coordinator: Visitor, store: Store) -> None:
    add_agency(coordinator)
    with store.scope() as session:
        text = export_roster_file(session)
    assert load_roster_file(text).errors == ()


def test_officers_are_added_with_a_valid_phone_and_revoked(
    coordinator: Visitor, store: Store, clock: ManualClock
) -> None:
    url = add_agency(coordinator)
    bad = coordinator.post(f"{url}/officers", {"officer-name": "Sgt. Cole", "officer-phone": "99"})
    assert bad.status_code == 400
    assert "Not a valid mobile number." in bad.get_data(as_text=True)
    good = coordinator.post(
        f"{url}/officers", {"officer-name": "Sgt. Cole", "officer-phone": "262 555 0170"}
    )
    assert good.status_code == 302
    officer = store.one(select(Officer))
    assert (officer.phone, officer.enrolled_by) == ("+12625550170", "admin")
    assert "(262) 555-0170" in coordinator.text(url)
    revoked = coordinator.post(f"/admin/officers/{officer.id}/revoke")
    assert revoked.status_code == 302 and revoked.headers["Location"].endswith("#officers-heading")
    assert store.one(select(Officer)).revoked_at == clock.now()
    page = coordinator.text(url)
    assert "revoked" in page
    notice = page.index('id="officers-notices"')  # the confirmation, beside the officers
    assert page.index('id="officers-heading"') < notice < page.index("</table>")
    assert "Sgt. Cole can no longer open requests." in page[notice:]
    actions = [(e.action, e.entity) for e in store.all(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == [("create", "agency"), ("create", "officer"), ("update", "officer")]


def test_agency_names_with_markup_are_escaped(coordinator: Visitor) -> None:
    url = add_agency(coordinator, name='<img src=x onerror="alert(1)">')
    for page in (coordinator.text(url), coordinator.text("/admin/agencies")):
        assert "<img src=x" not in page
        assert "&lt;img src=x" in page


def test_the_hotlines_own_number_is_refused_for_an_officer(
    coordinator: Visitor, store: Store
) -> None:
    url = add_agency(coordinator)
    form = {"officer-name": "Sgt. Cole", "officer-phone": "262 555 0100"}
    refused = coordinator.post(f"{url}/officers", form)
    assert refused.status_code == 400
    assert "This is the hotline&#39;s own number." in refused.get_data(as_text=True)
    assert store.all(select(Officer)) == []


def test_officer_names_must_be_a_rank_and_a_name(coordinator: Visitor, store: Store) -> None:
    url = add_agency(coordinator)
    bad = coordinator.post(
        f"{url}/officers",
        {"officer-name": "Sgt. Cole (girl 16 at Motel 6)", "officer-phone": "262 555 0170"},
    )
    assert bad.status_code == 400
    assert "Must be a rank and a name" in bad.get_data(as_text=True)
    assert store.all(select(Officer)) == []


def test_coordinators_delete_an_officer_and_the_log_keeps_no_free_text(
    coordinator: Visitor, store: Store
) -> None:
    add_agency(coordinator)
    with store.scope() as session:
        agency = session.scalars(select(Agency)).one()
        session.add(Officer(agency_id=agency.id, name="Sgt. X girl is 16", phone="+12625550171"))
    officer = store.one(select(Officer))
    asked = coordinator.post(f"/admin/officers/{officer.id}/delete").get_data(as_text=True)
    assert "Delete Sgt. X girl is 16 for good?" in asked and "revoke them instead" in asked
    assert store.all(select(Officer)) != []
    response = coordinator.post(f"/admin/officers/{officer.id}/delete", {"confirm": "yes"})
    assert response.status_code == 302
    assert store.all(select(Officer)) == []
    entry = store.all(select(AuditEntry).order_by(AuditEntry.id.desc()))[0]
    assert (entry.action, entry.entity, entry.new) == ("delete", "officer", None)
    assert entry.old is not None and "girl" not in str(entry.old)
    assert entry.old["phone"] == "+12625550171"


def test_an_agency_that_approves_shows_pending_officers_with_two_buttons(
    coordinator: Visitor, store: Store
) -> None:
    url = add_agency(coordinator)
    assert coordinator.post(url, {"name": "Racine PD", "kind": "police", "enrollment": "approve"})
    with store.scope() as session:
        agency = session.scalars(select(Agency)).one()
        assert agency.enrollment == "approve"
        for phone, name in (("+12625550172", "Sgt. Ada Byrne"), ("+12625550173", "Cpl. Tom Reyes")):
            session.add(Officer(agency_id=agency.id, name=name, phone=phone, pending=True))
    page = coordinator.text(url)
    assert "waiting for approval" in page and "Approve" in page and "Deny" in page
    ada, tom = store.all(select(Officer).order_by(Officer.phone))
    assert coordinator.post(f"/admin/officers/{ada.id}/approve").status_code == 302
    assert coordinator.post(f"/admin/officers/{tom.id}/deny").status_code == 302
    (kept,) = store.all(select(Officer))
    assert (kept.name, kept.pending) == ("Sgt. Ada Byrne", False)
    entries = store.all(select(AuditEntry).where(AuditEntry.entity == "officer"))
    assert sorted(e.action for e in entries) == ["delete", "update"]
