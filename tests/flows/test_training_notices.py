"""A month before a training expires, its holder and the coordinators are told, once.

The harness's coalition with trainings (``test_trainings.TRAINED``): at START
(2026-03-10) Ben's 40-hour training runs to 2027-06-01, Cruz's juvenile one to
2026-07-01, Ana's 40-hour one lapsed on 2026-03-10.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows import notify
from dispatcher.settings import Settings
from tests.flows.test_trainings import TRAINED
from tests.night import ANA, BEN, CRUZ, KIM, LEE, World, load_coalition

# Ben's 40-hour training expires on 2026-04-01 instead: within the month ahead of START.
SOON = TRAINED.replace(
    '{ name = "advocate-40h", completed = "2025-06-01", expires = "2027-06-01" }',
    '{ name = "advocate-40h", completed = "2025-06-01", expires = "2026-04-01" }',
)
assert SOON != TRAINED


@pytest.fixture
def trained(database: Database, settings: Settings, clock: ManualClock) -> World:
    load_coalition(database, TRAINED)
    return World(database, settings, clock)


@pytest.fixture
def soon(database: Database, settings: Settings, clock: ManualClock) -> World:
    load_coalition(database, SOON)
    return World(database, settings, clock)


def notices(world: World, number: str) -> list[str]:
    return [text for text in world.inbox(number) if "training expires" in text]


def test_the_holder_and_the_coordinators_are_told_once(soon: World) -> None:
    report = soon.engine.housekeeping()
    assert report.training_notices == 1
    assert notices(soon, BEN) == [
        "Your advocate-40h training expires on Wed 01 Apr 2026. "
        "Renew it before then to keep being paged."
    ]
    for coordinator in (KIM, LEE):
        assert notices(soon, coordinator) == [
            "Ben Okafor's advocate-40h training expires on Wed 01 Apr 2026; after that they "
            "are not paged where it is required."
        ]
    assert notices(soon, ANA) == [] and notices(soon, CRUZ) == []  # lapsed; not due
    soon.engine.housekeeping()
    soon.clock.advance(86400 * 3)
    soon.new_engine().housekeeping()  # a restart sends nothing twice
    assert len(notices(soon, BEN)) == 1 and len(notices(soon, KIM)) == 1


def test_a_notice_waits_for_the_month_before_expiry(trained: World) -> None:
    assert trained.engine.housekeeping().training_notices == 0
    trained.clock.set(datetime(2026, 6, 1, 4, tzinfo=UTC))  # 05-31 in Chicago: 31 days
    trained.engine.housekeeping()
    assert notices(trained, CRUZ) == []
    trained.clock.set(datetime(2026, 6, 1, 6, tzinfo=UTC))  # 06-01: 30 days ahead
    trained.engine.housekeeping()
    assert len(notices(trained, CRUZ)) == 1


def test_a_renewed_training_gets_a_notice_of_its_own(soon: World, database: Database) -> None:
    soon.engine.housekeeping()
    renewed = SOON.replace('expires = "2026-04-01"', 'expires = "2026-04-05"')
    load_coalition(database, renewed)
    soon.engine.housekeeping()
    assert len(notices(soon, BEN)) == 2
    assert "Sun 05 Apr 2026" in notices(soon, BEN)[1]


def test_the_notice_is_in_the_holders_language(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    spanish = SOON.replace('name = "Ben Okafor"\n', 'name = "Ben Okafor"\nlanguage = "es"\n')
    load_coalition(database, spanish)
    world = World(database, settings, clock)
    world.engine.housekeeping()
    assert [t for t in world.inbox(BEN) if "vence" in t] == [
        "Su capacitación advocate-40h vence el mié 01 abr 2026. "
        "Renuévela antes para seguir recibiendo avisos."
    ]


def test_one_failing_notice_does_not_stop_the_others(
    database: Database, settings: Settings, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    both = SOON.replace(
        '{ name = "juvenile", completed = "2025-07-01", expires = "2026-07-01" }',
        '{ name = "juvenile", completed = "2025-07-01", expires = "2026-03-20" }',
    )
    load_coalition(database, both)
    world = World(database, settings, clock)
    real = notify.to_person

    def broken(session, ctx, person, text, page_id=None):  # type: ignore[no-untyped-def]
        if person.name == "Cruz Lee":
            raise RuntimeError("boom")
        real(session, ctx, person, text, page_id)

    monkeypatch.setattr(notify, "to_person", broken)
    assert world.engine.housekeeping().training_notices == 1
    assert len(notices(world, BEN)) == 1 and notices(world, CRUZ) == []
    # Cruz's notice was rolled back whole (no coordinator text either) and comes next time.
    assert len(notices(world, KIM)) == 1
    monkeypatch.setattr(notify, "to_person", real)
    assert world.engine.housekeeping().training_notices == 1
    assert len(notices(world, CRUZ)) == 1 and len(notices(world, KIM)) == 2
