"""How long each admin page takes to render on the demo coalition, or at statewide size.

The demo rosters, a year of call-log entries (600 requests by default), a year of the
partners' ledger and a few open requests are loaded into a fresh SQLite file; a signed-in
admin requests every page through the real app (Flask's test client, so HTTP parsing is
left out), its start-up settled as a serving process settles it (``settle_heap``). Prints
the median and the 95th percentile per page; figures only.

    python bench/admin_pages.py                           # the demo coalition
    python bench/admin_pages.py --calls 60000 --people 500  # statewide: a year of 60,000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from common import bench_settings, fresh_database
from flask import Flask
from sqlalchemy import insert
from sqlalchemy.orm import Session

from dispatcher import web
from dispatcher.accounts.service import create_user
from dispatcher.app import create_app
from dispatcher.db import Database
from dispatcher.flows.calllog import BUCKET_KEYS
from dispatcher.flows.models import NEED_KINDS, CallLogEntry
from dispatcher.rosters.models import (
    Agency,
    Officer,
    Partner,
    PartnerMonth,
    Person,
    Region,
    Roster,
    Rotation,
)
from dispatcher.runtime import settle_heap
from dispatcher.settings import CONFIG_DIR
from dispatcher.sms import inbound
from dispatcher.sms.ratelimit import ReplyLimiter
from dispatcher.sms.webhooks import flow_context

ROUNDS = 30
PASSWORD = "bench password 1234"


LANGUAGES = ["lang:es"] * 8 + ["lang:hmn", "lang:so", "lang:vi", "lang:ar"]


def seed(database: Database, now: datetime, calls: int, people: int) -> None:
    """A year of ``calls`` call-log entries, at least ``people`` people, an admin account."""
    rng = random.Random(7)
    with database.session_scope() as session:
        agencies = [a.id for a in session.query(Agency)]
        members = [p.id for p in session.query(Person)]
        for n in range(len(members), people):
            person = Person(name=f"Bench person {n}", phone=f"+1414{n:07d}")
            session.add(person)
            session.flush()
            members.append(person.id)
        rows = [call(rng, n, now, agencies, members) for n in range(calls)]
        for start in range(0, len(rows), 5000):
            session.execute(insert(CallLogEntry), rows[start : start + 5000])
        seed_ledger(session, rng, now)
        create_user(session, "bench@example.org", PASSWORD, "admin", now)


def seed_ledger(session: Session, rng: random.Random, now: datetime) -> None:
    """Twelve months of every partner's ledger, up to this month."""
    month = date(now.year, now.month, 1)
    for partner in session.query(Partner):
        for back in range(12):
            year, index = divmod(month.year * 12 + month.month - 1 - back, 12)
            used = rng.randrange(partner.pledge + 1) if partner.pledge else rng.randrange(6)
            session.add(
                PartnerMonth(
                    partner_id=partner.id, month=date(year, index + 1, 1),
                    pledged=partner.pledge, used=used, accepted=used, alerted=0,
                    declined=rng.randrange(3), unanswered=rng.randrange(3),
                )
            )  # fmt: skip


def call(
    rng: random.Random, n: int, now: datetime, agencies: list[int], members: list[int]
) -> dict[str, Any]:
    """One closed request of the last year, as the call log keeps it."""
    opened = (now - timedelta(hours=rng.randrange(24 * 365))).replace(
        minute=0, second=0, microsecond=0
    )
    kinds = ["advocate", *(k for k in NEED_KINDS[1:] if rng.random() < 0.25)]
    outcomes = {k: "accepted" if rng.random() < 0.85 else "unfilled" for k in kinds}
    accepted = outcomes["advocate"] == "accepted"
    bucket = rng.choice(BUCKET_KEYS[:4]) if accepted else None
    member = rng.choice(members) if accepted else None
    tags = (["juvenile"] if rng.random() < 0.3 else []) + (
        [rng.choice(LANGUAGES)] if rng.random() < 0.15 else []
    )
    return {
        "code": f"B{n:05d}",
        "opened_hour": opened,
        "time_to_first_page": "0-5",
        "time_to_accept": bucket,
        "time_open": "60+",
        "agency_id": rng.choice(agencies),
        "channel": "sms",
        "tags": tags,
        "needs": [
            {"kind": k, "outcome": o, "depth": 1, "member_id": member, "time_to_accept": bucket}
            for k, o in outcomes.items()
        ],
        **{kind: outcomes.get(kind) for kind in NEED_KINDS},
        "depth": rng.randrange(1, 5),
        "accepted_member_id": member,
        "outcome": "accepted" if accepted else "unfilled",
    }


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=600, help="call-log entries in a year")
    parser.add_argument("--people", type=int, default=0, help="people (demo's if fewer)")
    args = parser.parse_args()
    url, folder = fresh_database((CONFIG_DIR / "demo.toml").read_text())
    now = datetime.now(UTC)
    database = Database(url)
    seed(database, now, args.calls, args.people)
    app = create_app(bench_settings(url, folder), start_engine=False)
    app.config.update(WTF_CSRF_ENABLED=False)
    open_requests(app, 3)
    settle_heap()  # as wsgi.py, gunicorn.conf.py, `dispatcher run` and `worker` do
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
            "region": session.query(Region.id).first()[0],
            "partner": session.query(Partner.id).first()[0],
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
        "/admin/regions",
        f"/admin/regions/{ids['region']}",
        "/admin/partners",
        f"/admin/partners/{ids['partner']}",
        f"/admin/ledger?year={now.year}",
        f"/admin/ledger.csv?year={now.year}",
        "/admin/accounts",
        "/admin/audit",
        f"/admin/call-log?month={month}",
        f"/admin/call-log?month={month}&page=3",
        f"/admin/statistics?by=month&month={month}",
        f"/admin/statistics?by=quarter&month={month}",
        "/admin/roster-file",
        "/admin/roster-file/download",
        "/admin/settings",
        f"/admin/call-log/export.csv?month={month}",
    ]
    with database.session_scope() as session:
        people = session.query(Person).count()
    print(
        f"admin pages on the demo coalition, {args.calls} call-log entries, {people} people,"
        f" {ROUNDS} renders each"
    )
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
