"""Scenarios: shift reminders, gap reports and covers through the whole service, signed
webhooks in, the real twilio client out, on a clock the test moves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dispatcher.clock import ManualClock
from dispatcher.db import Database
from tests.fakes import FakeTwilio
from tests.night import ANA, BEN, COALITION, CRUZ, KIM, REMINDERS_OFF, load_coalition
from tests.scenarios.live import LiveNight


@pytest.fixture
def lively(
    database: Database, tmp_path: Path, clock: ManualClock, fake: FakeTwilio
) -> Iterator[LiveNight]:
    """The service on the test coalition with reminders on and the morning report at 07:00."""
    load_coalition(database, COALITION.replace(REMINDERS_OFF, ""))
    live = LiveNight(database, tmp_path, clock, fake, send_timeout="1s", gap_report_at="07:00")
    yield live
    live.stop()
    assert fake.violations == [], "requests Twilio's API description rejects"


def test_a_week_on_the_roster(lively: LiveNight) -> None:
    lively.tick()  # Tue 07:00: Ben's reminder for 08:00; no gaps to report
    assert lively.last(BEN).startswith("You are on call for advocates today 08:00")
    assert lively.inbox(KIM) == []
    reply = lively.text(CRUZ, "cover sat")
    assert reply is not None
    code = re.search(r"\((S[A-Z0-9]{3})\)", reply)
    assert code is not None
    lively.tick()
    assert f"Reply 1 {code.group(1)} to take it." in lively.last(ANA)
    assert lively.text(ANA, f"1 {code.group(1)}") is not None
    lively.tick()
    assert lively.last(CRUZ) == (
        "Ana Ruiz will cover your shift: advocates Sat 14 Mar 08:00-Sun 15 Mar 08:00."
    )
    assert lively.text(BEN, "AWAY 2d") is not None  # his Tue shift now has nobody
    lively.tick()
    assert lively.last(KIM).startswith("Ben Okafor is away, which leaves gaps:")
    lively.advance(minutes=60 * 24)  # Wed 07:00: the morning report names the same gap
    assert lively.last(KIM).startswith("advocates: ") and "uncovered" in lively.last(KIM)
