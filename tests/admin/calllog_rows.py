"""Closed requests for the call log and statistics tests, written straight to the models.

The clock of the tests stands at Tue 10 Mar 2026 12:00 UTC (07:00 CDT in Chicago, the
display zone), so March 2026 is "this month". Times below are UTC, with Chicago's in the
comments; Chicago changes to summer time on Sun 8 Mar 2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from dispatcher.flows.calllog import bucket_of_seconds
from dispatcher.flows.models import NEED_KINDS, CallLogEntry
from dispatcher.rosters.models import Agency
from tests.support.admin import Store

MARCH = ("M1AN", "M2KS", "M3CL", "M4NA", "M5EX")


@dataclass(frozen=True)
class Seeded:
    """Ids of the seeded agencies."""

    racine: int
    kenosha: int


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def need(kind: str, outcome: str, member: int | None = None, seconds: int | None = None):
    return {
        "kind": kind,
        "outcome": outcome,
        "depth": 1,
        "member_id": member,
        "time_to_accept": None if seconds is None else bucket_of_seconds(seconds),
    }


def logged(
    code: str,
    opened: datetime,
    agency_id: int | None,
    needs: list[dict[str, Any]],
    outcome: str,
    seconds_to_accept: int | None = None,
    tags: list[str] | None = None,
    depth: int = 0,
) -> CallLogEntry:
    """A call-log entry as the engine writes it when a request closes (2 hours open)."""
    outcomes = {n["kind"]: n["outcome"] for n in needs}
    return CallLogEntry(
        code=code,
        opened_hour=opened,
        time_to_first_page="0-5",
        time_to_accept=None if seconds_to_accept is None else bucket_of_seconds(seconds_to_accept),
        time_open="60+",
        **{kind: outcomes.get(kind) for kind in NEED_KINDS},
        agency_id=agency_id,
        channel="sms",
        needs=needs,
        tags=tags or [],
        depth=depth,
        accepted_member_id=next(
            (n["member_id"] for n in needs if n["kind"] == "advocate" and n["member_id"]), None
        ),
        outcome=outcome,
    )


def seed_call_log(store: Store) -> Seeded:
    """Two agencies and closed requests in January, February, March and April 2026."""
    with store.scope() as session:
        racine = Agency(name="Racine PD", kind="police", enrollment_code="RPD-1")
        kenosha = Agency(name="Kenosha Sheriff", kind="sheriff", enrollment_code="KSO-1")
        session.add_all([racine, kenosha])
        session.flush()
        r, k = racine.id, kenosha.id
        session.add_all(
            [
                # Sun 1 Mar 22:00 CST: a night call with a room, juvenile, in Spanish.
                logged(
                    "M1AN",
                    utc(2026, 3, 2, 4),
                    r,
                    [need("advocate", "accepted", 11, 240), need("room", "accepted", 31, 900)],
                    "accepted",
                    240,
                    ["juvenile", "lang:es"],
                    depth=1,
                ),
                # Thu 5 Mar 09:00 CST: no one answered.
                logged(
                    "M2KS",
                    utc(2026, 3, 5, 15),
                    k,
                    [need("advocate", "unfilled")],
                    "unfilled",
                    depth=4,
                ),
                # Fri 6 Mar 12:00 CST: the officer closed it before anyone accepted.
                logged(
                    "M3CL",
                    utc(2026, 3, 6, 18),
                    r,
                    [need("advocate", "cancelled"), need("ride", "cancelled")],
                    "closed_by_officer",
                ),
                # Mon 9 Mar 15:00 CDT: an officer without an agency; 25 minutes to accept.
                logged(
                    "M4NA",
                    utc(2026, 3, 9, 20),
                    None,
                    [need("advocate", "accepted", 12, 1500)],
                    "accepted",
                    1500,
                    depth=2,
                ),
                # Tue 10 Mar 04:00 CDT: closed after a while without activity.
                logged("M5EX", utc(2026, 3, 10, 9), r, [need("advocate", "cancelled")], "expired"),
                # Sat 28 Feb 23:00 CST: February by local time, March by UTC.
                logged(
                    "FEB9",
                    utc(2026, 3, 1, 5),
                    k,
                    [need("advocate", "accepted", 11, 60)],
                    "accepted",
                    60,
                ),
                logged("FEB1", utc(2026, 2, 10, 16), r, [need("advocate", "unfilled")], "unfilled"),
                logged(
                    "JAN1",
                    utc(2026, 1, 20, 16),
                    r,
                    [need("advocate", "accepted", 13, 120)],
                    "accepted",
                    120,
                ),
                # Wed 1 Apr 00:00 CDT: April by local time.
                logged(
                    "APR1",
                    utc(2026, 4, 1, 5),
                    r,
                    [need("advocate", "accepted", 12, 30)],
                    "accepted",
                    30,
                ),
            ]
        )
    return Seeded(racine=r, kenosha=k)


def alike(
    prefix: str,
    count: int,
    opened: datetime,
    agency_id: int | None,
    kinds: tuple[str, ...] = ("advocate",),
    tags: list[str] | None = None,
    outcome: str = "accepted",
) -> list[CallLogEntry]:
    """``count`` requests alike in month, agency, needs and tags, an hour apart."""
    filled = outcome == "accepted"
    return [
        logged(
            f"{prefix}{n}",
            opened + timedelta(hours=n),
            agency_id,
            [need(k, "accepted", 11, 600) if filled else need(k, "unfilled") for k in kinds],
            outcome,
            600 if filled else None,
            list(tags or []),
        )
        for n in range(count)
    ]
