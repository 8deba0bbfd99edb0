"""The check-in interval on the roster page: set, refused out of range, audited."""

from __future__ import annotations

from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.rosters.models import Roster
from tests.admin.test_rosters import people as people
from tests.admin.test_rosters import roster_url as roster_url
from tests.support.admin import Store, Visitor


def test_the_check_in_interval_is_set_refused_and_audited(
    coordinator: Visitor, roster_url: str, store: Store
) -> None:
    page = coordinator.text(roster_url)
    assert 'name="checkin-minutes"' in page and 'value="45"' in page
    refused = coordinator.post(f"{roster_url}/checkin", {"checkin-minutes": "2"})
    assert refused.status_code == 400 and "Check-ins are every 5 to 720 minutes" in (
        refused.get_data(as_text=True)
    )
    assert store.one(select(Roster)).checkin_seconds == 2700
    assert coordinator.post(f"{roster_url}/checkin", {"checkin-minutes": "30"}).status_code == 302
    assert store.one(select(Roster)).checkin_seconds == 1800
    entry = store.all(select(AuditEntry).order_by(AuditEntry.id.desc()))[0]
    assert entry.action == "update" and entry.new is not None
    assert entry.new.get("checkin") == "30m"
    coordinator.post(f"{roster_url}/checkin", {"checkin-minutes": "0"})
    assert store.one(select(Roster)).checkin_seconds == 0
