"""The regions page: add a region, choose its agencies and rosters, every change audited."""

from __future__ import annotations

from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.flows.models import CallLogEntry
from dispatcher.rosters.file import export_roster_file
from dispatcher.rosters.models import Agency, Region, Roster
from dispatcher.settings import CONFIG_DIR
from tests.admin.calllog_rows import seed_call_log
from tests.night import load_coalition
from tests.support.admin import Store, Visitor


def ids(store: Store) -> dict[str, int]:
    """Agency and roster ids by name."""
    agencies = {a.name: a.id for a in store.all(select(Agency))}
    return agencies | {r.name: r.id for r in store.all(select(Roster))}


def test_a_coordinator_adds_a_region_and_the_roster_file_says_so(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database, (CONFIG_DIR / "demo.toml").read_text())
    known = ids(store)
    response = coordinator.post(
        "/admin/regions",
        {"name": " Walworth County ", "agencies": [known["Racine Police Department"]],
         "rosters": [known["rides"]]},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    page = coordinator.text("/admin/regions")
    assert "Walworth County" in page and "Serving every region: hotels." in page
    agencies = coordinator.text("/admin/agencies")
    assert '">Walworth County</a></td>' in agencies
    with store.scope() as session:
        racine = session.scalars(select(Agency).where(Agency.name.startswith("Racine"))).one()
        assert racine.region is not None and racine.region.name == "Walworth County"
        exported = export_roster_file(session)
    assert 'name = "Walworth County"\nagencies = ["Racine Police Department"]' in exported
    assert 'name = "Racine County"\nagencies = []\nrosters = ["advocates"]' in exported
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "region"))[-1]
    assert entry.action == "create" and entry.old is None
    assert entry.new == {
        "name": "Walworth County",
        "agencies": ["Racine Police Department"],
        "rosters": ["rides"],
    }


def test_editing_a_region_is_audited_with_before_and_after(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database, (CONFIG_DIR / "demo.toml").read_text())
    kenosha = store.one(select(Region).where(Region.name == "Kenosha County"))
    url = f"/admin/regions/{kenosha.id}"
    assert "Kenosha County Sheriff" in coordinator.text(url)
    response = coordinator.post(url, {"name": "Kenosha", "rosters": [ids(store)["hotels"]]})
    assert response.status_code == 302
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "region"))[-1]
    assert entry.action == "update"
    assert entry.old["rosters"] == ["kenosha advocates"]
    assert entry.new == {"name": "Kenosha", "agencies": [], "rosters": ["hotels"]}


def test_a_taken_name_is_refused_and_nothing_changes(coordinator: Visitor, store: Store) -> None:
    load_coalition(store.database, (CONFIG_DIR / "demo.toml").read_text())
    before = len(store.all(select(AuditEntry)))
    response = coordinator.post("/admin/regions", {"name": "Racine County"})
    assert response.status_code == 200
    assert "A region has this name already." in response.get_data(as_text=True)
    assert len(store.all(select(Region))) == 2
    assert len(store.all(select(AuditEntry))) == before


def test_the_roster_page_names_a_mutual_aid_steps_region(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database, (CONFIG_DIR / "demo.toml").read_text())
    roster = store.one(select(Roster).where(Roster.name == "kenosha advocates"))
    page = coordinator.text(f"/admin/rosters/{roster.id}")
    assert "mutual aid: Racine County's on call" in page


def test_the_call_log_marks_a_request_helped_from_another_region(
    coordinator: Visitor, store: Store
) -> None:
    seed_call_log(store)
    with store.scope() as session:
        entry = session.scalars(select(CallLogEntry).where(CallLogEntry.code == "M1AN")).one()
        entry.mutual_aid = 1
    page = coordinator.text("/admin/call-log")
    row = page[page.index(">M1AN<") : page.index("</tr>", page.index(">M1AN<"))]
    assert 'data-label="Escalation depth">1 <span class="tag">mutual aid</span><' in row
    other = page[page.index(">M4NA<") : page.index("</tr>", page.index(">M4NA<"))]
    assert "mutual aid" not in other


def test_a_mutual_aid_step_is_added_with_its_region_and_the_file_says_so(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database, (CONFIG_DIR / "demo.toml").read_text())
    racine = store.one(select(Roster).where(Roster.name == "advocates"))
    kenosha = store.one(select(Region).where(Region.name == "Kenosha County"))
    url = f"/admin/rosters/{racine.id}/steps"
    assert "Region (for mutual-aid only)" in coordinator.text(f"/admin/rosters/{racine.id}")
    added = coordinator.post(
        url, {"step-notify": "mutual-aid", "step-region": kenosha.id, "step-wait": "10m"}
    )
    assert added.status_code == 302
    page = coordinator.text(f"/admin/rosters/{racine.id}")
    assert "mutual aid: Kenosha County's on call" in page
    with store.scope() as session:
        exported = export_roster_file(session)
    assert '{ notify = "mutual-aid:Kenosha County", wait = "10m" }' in exported
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "roster"))[-1]
    assert entry.new is not None and "mutual-aid:Kenosha County" in str(entry.new)
    without = coordinator.post(url, {"step-notify": "mutual-aid", "step-wait": "10m"})
    assert without.status_code == 400
    assert "Pick a region for a &#39;mutual-aid&#39; step" in without.get_data(as_text=True)
    racine_region = store.one(select(Region).where(Region.name == "Racine County"))
    own = coordinator.post(
        url, {"step-notify": "mutual-aid", "step-region": racine_region.id, "step-wait": "5m"}
    )
    assert own.status_code == 400
    assert "A mutual-aid step calls on a region the roster does not serve." in own.get_data(
        as_text=True
    )


def test_a_region_in_use_is_not_deleted_and_the_page_says_what_uses_it(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database, (CONFIG_DIR / "demo.toml").read_text())
    racine = store.one(select(Region).where(Region.name == "Racine County"))
    response = coordinator.post(f"/admin/regions/{racine.id}/delete", {"confirm": "yes"})
    assert response.status_code == 302
    page = coordinator.text(f"/admin/regions/{racine.id}")
    assert "Racine County cannot be deleted while in use" in page
    assert "agencies in it: Racine Police Department" in page
    assert "mutual-aid steps of: kenosha advocates" in page
    assert len(store.all(select(Region))) == 2


def test_an_unused_region_is_deleted_after_a_confirmation(
    coordinator: Visitor, store: Store
) -> None:
    load_coalition(store.database, (CONFIG_DIR / "demo.toml").read_text())
    coordinator.post("/admin/regions", {"name": "Walworth County"})
    walworth = store.one(select(Region).where(Region.name == "Walworth County"))
    asked = coordinator.post(f"/admin/regions/{walworth.id}/delete", {})
    assert asked.status_code == 200
    assert "Delete Walworth County?" in asked.get_data(as_text=True)
    assert len(store.all(select(Region))) == 3
    done = coordinator.post(f"/admin/regions/{walworth.id}/delete", {"confirm": "yes"})
    assert done.status_code == 302
    assert len(store.all(select(Region))) == 2
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "region"))[-1]
    assert entry.action == "delete" and entry.old is not None
    assert entry.old["name"] == "Walworth County"
