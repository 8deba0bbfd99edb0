"""Nothing that could identify a victim survives a call, except in the texts delivered to
the one advocate who accepted it.

Names, dates of birth, phone numbers and street addresses are planted in an officer's texts
(before and after acceptance); the call runs to the end; then the whole database (SQLite:
the file, its write-ahead log and free pages; PostgreSQL: every row), the outbox, the logs
and the fake Twilio's retained bodies are searched.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa

from dispatcher.db import Base
from tests.night import ANA, BEN, OFFICER, STRANGER
from tests.scenarios.live import LiveNight

PLANTED = (
    "Maria Esperanza Lopez",
    "03/14/2009",
    "414-555-0199",
    "4145550199",
    "1234 West Greenfield Avenue",
    "Quinonez",
)
UNKNOWN_NUMBER_DIGITS = STRANGER.removeprefix("+1")


def database_text(night: LiveNight) -> bytes:
    """Everything the database holds: raw files for SQLite, every row for PostgreSQL."""
    url = night.database.url
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    rows = []
    with night.database.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows += [repr(tuple(r)) for r in conn.execute(sa.select(table))]
    return "\n".join(rows).encode()


def test_planted_identifiers_are_nowhere_after_the_call(
    night: LiveNight, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    night.text(OFFICER, f"Juvenile {PLANTED[0]} DOB {PLANTED[1]}, needs a room")
    night.text(OFFICER, f"Her phone {PLANTED[2]}, staying at {PLANTED[4]}")
    night.text(STRANGER, f"this is {PLANTED[5]}, call me at {PLANTED[3]}")
    night.tick()
    night.deliver_all()
    night.text(ANA, "1")
    night.tick()
    night.text(OFFICER, f"Aunt is {PLANTED[5]}, {PLANTED[3]}")
    night.tick()
    night.deliver_all()
    night.text(OFFICER, "DONE")
    night.tick()
    night.deliver_all()
    night.advance(minutes=5)

    to_ana = " ".join(night.inbox(ANA))
    assert PLANTED[0] in to_ana and PLANTED[5] in to_ana  # need-to-know delivery happened
    for number in {m.to for m in night.fake.messages} - {ANA}:
        for text in night.inbox(number):
            assert not any(p in text for p in PLANTED), number
    assert not any(p in body for body in night.fake.retained_bodies() for p in PLANTED)
    stored = database_text(night)
    logged = caplog.text
    for secret in (*PLANTED, UNKNOWN_NUMBER_DIGITS):
        assert secret.encode() not in stored, secret
        assert secret not in logged, secret
    for number in (ANA, BEN, OFFICER, STRANGER):
        assert number not in logged
