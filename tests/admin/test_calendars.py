"""Calendar feeds end to end: the links on the person and roster pages, the feed itself.

The feed is fetched with no sign-in, parsed with ``icalendar`` and compared with what the
``dispatcher shifts`` command prints for the same range.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.cli import main
from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.rosters.models import CalendarFeed, Person, Roster
from tests.support.admin import Store, Visitor
from tests.support.coalition import COALITION, apply_text

FEED = re.compile(r'value="https://dispatch\.test(/calendars/[A-Za-z0-9_.-]+\.ics)"')
# Dee replaces Ana on a night Ana is on (2026-03-09), so the override shows.
COVERED = COALITION.replace(
    'from = "2026-03-10T20:00"\nto = "2026-03-11T08:00"',
    'from = "2026-03-09T20:00"\nto = "2026-03-10T08:00"',
)
assert COVERED != COALITION


def ids(store: Store) -> tuple[int, int]:
    """The ids of Ana and of the advocates roster."""
    ana = store.one(select(Person).where(Person.name == "Ana Ruiz"))
    roster = store.one(select(Roster))
    return ana.id, roster.id


def make_link(visitor: Visitor, page: str) -> str:
    """Press the page's button for a new calendar address; the feed's path."""
    response = visitor.post(f"{page}/calendar", {"do": "regenerate"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#calendar-feed")
    found = FEED.search(visitor.text(page))
    assert found, "the page shows the calendar address"
    return found.group(1)


def events(app: Flask, path: str) -> list[tuple[datetime, datetime, str]]:
    """The feed at ``path`` fetched anonymously: (start UTC, end UTC, summary) per event."""
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    calendar = icalendar.Calendar.from_ical(response.get_data())
    return [
        (e.start.astimezone(UTC), e.end.astimezone(UTC), str(e["SUMMARY"]))
        for e in calendar.walk("VEVENT")
    ]


def printed_shifts(database: Database, tmp_path: Path, start: datetime, end: datetime) -> list:
    """What ``dispatcher shifts advocates --from START --to END`` prints, parsed."""
    env = {
        "DISPATCHER_DATABASE_URL": database.url,
        "DISPATCHER_INSTANCE_DIR": str(tmp_path / "cli"),
        "DISPATCHER_SECRET_KEY": "test-secret-key-at-least-32-characters-long",
        "DISPATCHER_CONFIG": "",
    }
    args = ["shifts", "advocates", "--from", start.isoformat(), "--to", end.isoformat()]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    found = []
    for line in result.output.splitlines():
        a, b, name = line.split(" ", 2)
        found.append((datetime.fromisoformat(a), datetime.fromisoformat(b), name))
    return found


def test_the_roster_feed_is_the_shifts_command_in_a_calendar(
    app: Flask, coordinator: Visitor, store: Store, database: Database, tmp_path: Path
) -> None:
    apply_text(database, COVERED)
    _, roster_id = ids(store)
    path = make_link(coordinator, f"/admin/rosters/{roster_id}")
    now = app.extensions["dispatcher"].clock.now()
    expected = printed_shifts(
        database, tmp_path, now - timedelta(weeks=2), now + timedelta(weeks=8)
    )
    assert len(expected) == 60
    got = events(app, path)
    assert [(a, b) for a, b, _ in got] == [(a, b) for a, b, _ in expected]
    assert [s for _, _, s in got] == [f"{n} on call: advocates" for _, _, n in expected]
    assert "Dee Park on call: advocates" in {s for _, _, s in got}


def test_a_person_feed_shows_their_shifts_across_the_dst_change(
    app: Flask, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    ana_id, _ = ids(store)
    path = make_link(coordinator, f"/admin/people/{ana_id}")
    body = app.test_client().get(path).get_data(as_text=True)
    # Ana's first night, 2026-03-06 20:00 CST to 03-07 08:00 CST.
    assert "DTSTART;TZID=America/Chicago:20260306T200000" in body
    assert "BEGIN:VTIMEZONE" in body and "TZID:America/Chicago" in body
    got = events(app, path)
    assert {s for _, _, s in got} == {"On call: advocates"}
    assert (datetime(2026, 3, 7, 2, tzinfo=UTC), datetime(2026, 3, 7, 14, tzinfo=UTC)) in {
        (a, b) for a, b, _ in got
    }
    # Ana's next night is after the spring change: 20:00 CDT is 01:00 UTC.
    assert (datetime(2026, 3, 10, 1, tzinfo=UTC), datetime(2026, 3, 10, 13, tzinfo=UTC)) in {
        (a, b) for a, b, _ in got
    }
    assert "Racine" not in body and "555" not in body  # no agencies, no numbers


def test_uids_stay_the_same_from_one_fetch_to_the_next(
    app: Flask, coordinator: Visitor, store: Store, database: Database, clock: ManualClock
) -> None:
    apply_text(database, COALITION)
    _, roster_id = ids(store)
    path = make_link(coordinator, f"/admin/rosters/{roster_id}")

    def uids() -> dict[str, str]:
        calendar = icalendar.Calendar.from_ical(app.test_client().get(path).get_data())
        return {str(e["UID"]): str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}

    first = uids()
    assert uids() == first
    clock.advance(timedelta(weeks=3))
    second = uids()
    shared = first.keys() & second.keys()
    # The nights of 03-06 to 03-15 fell out at the back (the range now starts 03-17 07:00
    # local) and three weeks of nights came in at the front.
    assert len(shared) == len(first) - 10 == len(second) - 21
    assert all(first[uid] == second[uid] for uid in shared)
    assert all(uid.endswith("@dispatch.test") for uid in shared)


def test_revoked_unknown_and_damaged_addresses_answer_404(
    app: Flask, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    ana_id, _ = ids(store)
    page = f"/admin/people/{ana_id}"
    old = make_link(coordinator, page)
    new = make_link(coordinator, page)
    client = app.test_client()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get(new.replace(".ics", "x.ics")).status_code == 404
    assert client.get("/calendars/nothing.ics").status_code == 404
    coordinator.post(f"{page}/calendar", {"do": "revoke"})
    assert client.get(new).status_code == 404
    assert "Make a calendar address" in coordinator.text(page)
    assert FEED.search(coordinator.text(page)) is None
    assert coordinator.post(f"{page}/calendar", {"do": "other"}).status_code == 400


def test_feed_changes_are_audited_by_the_coordinator(
    app: Flask, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    ana_id, roster_id = ids(store)
    path = make_link(coordinator, f"/admin/people/{ana_id}")
    coordinator.post(f"/admin/rosters/{roster_id}/calendar", {"do": "regenerate"})
    coordinator.post(f"/admin/people/{ana_id}/calendar", {"do": "revoke"})
    entries = store.all(select(AuditEntry).where(AuditEntry.entity == "calendar_feed"))
    assert [(e.actor, e.action) for e in entries] == [
        ("coord@coalition.test", "create"),
        ("coord@coalition.test", "create"),
        ("coord@coalition.test", "revoke"),
    ]
    token = path.removeprefix("/calendars/").removesuffix(".ics")
    assert all(part not in repr((e.old, e.new)) for e in entries for part in token.split("."))
    assert len(store.all(select(CalendarFeed))) == 2


def test_a_viewer_sees_no_calendar_buttons_and_cannot_press_them(
    app: Flask, coordinator: Visitor, viewer: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    ana_id, _ = ids(store)
    response = viewer.post(f"/admin/people/{ana_id}/calendar", {"do": "regenerate"})
    assert response.status_code == 403
    assert store.all(select(CalendarFeed)) == []


def test_a_signed_in_cookie_does_not_open_a_feed(
    app: Flask, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    _, roster_id = ids(store)
    make_link(coordinator, f"/admin/rosters/{roster_id}")
    assert coordinator.get("/calendars/x.y.ics").status_code == 404


def test_a_person_feed_is_written_in_their_language(
    app: Flask, coordinator: Visitor, store: Store, database: Database
) -> None:
    apply_text(database, COALITION)
    ana_id, roster_id = ids(store)
    with store.scope() as session:
        session.get_one(Person, ana_id).language = "es"
    path = make_link(coordinator, f"/admin/people/{ana_id}")
    calendar = icalendar.Calendar.from_ical(app.test_client().get(path).get_data())
    [first, *_] = calendar.walk("VEVENT")
    assert str(first["SUMMARY"]) == "De guardia: advocates"
    lines = str(first["DESCRIPTION"]).splitlines()
    assert lines[0] == "Lista: advocates" and lines[1] == "De guardia: Ana Ruiz"
    assert lines[2].startswith("Recibe de: ") and lines[3].startswith("Entrega a: ")
    # A roster's feed has no one reader: English.
    roster_path = make_link(coordinator, f"/admin/rosters/{roster_id}")
    assert {s for _, _, s in events(app, roster_path)} >= {"Ana Ruiz on call: advocates"}


def test_each_feed_is_rate_limited_on_its_own(
    app: Flask, coordinator: Visitor, store: Store, database: Database, clock: ManualClock
) -> None:
    apply_text(database, COALITION)
    ana_id, roster_id = ids(store)
    mine, theirs = (
        make_link(coordinator, f"/admin/people/{ana_id}"),
        make_link(coordinator, f"/admin/rosters/{roster_id}"),
    )
    client = app.test_client()
    limit = app.extensions["dispatcher"].settings.feed_per_minute
    assert [client.get(mine).status_code for _ in range(limit)] == [200] * limit
    refused = client.get(mine)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == 60
    assert client.get(theirs).status_code == 200
    clock.advance(60)
    assert client.get(mine).status_code == 200
