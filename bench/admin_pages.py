"""How long each admin page takes to render on the demo coalition.

The demo rosters, a year of call-log entries (600 requests) and a few open requests are
loaded into a fresh SQLite file; a signed-in coordinator-admin requests every page through
the real app (Flask's test client, so HTTP parsing is left out). Prints the median and the
95th percentile per page; figures only.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from common import ROOT, bench_settings, fresh_database
from flask import Flask

from dispatcher import web
from dispatcher.accounts.service import create_user
from dispatcher.app import create_app
from dispatcher.db import Database
from dispatcher.flows.models import CallLogEntry
from dispatcher.rosters.models import Agency, Officer, Person, Roster, Rotation
from dispatcher.sms import inbound
from dispatcher.sms.ratelimit import ReplyLimiter
from dispatcher.sms.webhooks import flow_context

ROUNDS = 30
PASSWORD = "bench password 1234"


def seed(database: Database, now: datetime) -> None:
    """A year of call-log entries and an admin account."""
    rng = random.Random(7)
    with database.session_scope() as session:
        agencies = [a.id for a in session.query(Agency)]
        members = [p.id for p in session.query(Person)]
        for n in range(600):
            opened = (now - timedelta(hours=rng.randrange(24 * 365))).replace(
                minute=0, second=0, microsecond=0
            )
            accepted = rng.random() < 0.85
            wait = rng.randrange(30, 1800) if accepted else None
            entry = CallLogEntry(
                code=f"B{n:03d}",
                opened_hour=opened,
                closed_hour=opened + timedelta(hours=2),
                accepted_hour=opened if accepted else None,
                seconds_to_first_page=1,
                seconds_to_accept=wait,
                seconds_open=7200,
                agency_id=rng.choice(agencies),
                channel="sms",
                tags=["juvenile"] if rng.random() < 0.3 else [],
                needs=[
                    {
                        "kind": "advocate",
                        "outcome": "accepted" if accepted else "unfilled",
                        "depth": rng.randrange(1, 5),
                        "member_id": rng.choice(members) if accepted else None,
                        "seconds_to_accept": wait,
                    }
                ],
                depth=rng.randrange(1, 5),
                accepted_member_id=rng.choice(members) if accepted else None,
                outcome="accepted" if accepted else "unfilled",
            )
            session.add(entry)
        create_user(session, "bench@example.org", PASSWORD, "admin", now)


def open_requests(app: Flask, count: int) -> None:
    """Officers text the hotline so the Now board has open requests to show."""
    with app.test_request_context():
        session = web.db_session()
        officers = session.query(Officer).all()
        for officer in officers[:count]:
            inbound.handle_text(
                session, flow_context(), ReplyLimiter(10), officer.phone, "need a room and a ride"
            )
        session.commit()


def main() -> None:
    """Time every page."""
    url, folder = fresh_database((ROOT / "config" / "demo.toml").read_text())
    now = datetime.now(UTC)
    database = Database(url)
    seed(database, now)
    app = create_app(bench_settings(url, folder), start_engine=False)
    app.config.update(WTF_CSRF_ENABLED=False)
    open_requests(app, 3)
    client = app.test_client()
    signed_in = client.post(
        "/admin/login", data={"email": "bench@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.status_code
    with database.session_scope() as session:
        ids = {
            "person": session.query(Person.id).first()[0],
            "roster": session.query(Roster.id).first()[0],
            "rotation": session.query(Rotation.id).first()[0],
            "agency": session.query(Agency.id).first()[0],
        }
    month = now.strftime("%Y-%m")
    pages = [
        "/admin/",
        "/admin/now/board",
        "/admin/people",
        f"/admin/people/{ids['person']}",
        "/admin/rosters",
        f"/admin/rosters/{ids['roster']}",
        f"/admin/rotations/{ids['rotation']}",
        "/admin/agencies",
        f"/admin/agencies/{ids['agency']}",
        "/admin/accounts",
        "/admin/audit",
        f"/admin/call-log?month={month}",
        f"/admin/statistics?by=month&month={month}",
        f"/admin/statistics?by=quarter&month={month}",
        "/admin/roster-file",
        "/admin/roster-file/download",
        f"/admin/call-log/export.csv?month={month}",
    ]
    print(f"admin pages on the demo coalition, 600 call-log entries, {ROUNDS} renders each")
    for page in pages:
        times = []
        for _ in range(ROUNDS):
            began = time.perf_counter()
            response = client.get(page)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (page, response.status_code)
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"{page:<48} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms")
    database.dispose()


if __name__ == "__main__":
    main()
