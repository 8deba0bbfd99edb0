"""Trainings gate paging: someone whose required training has lapsed is passed over.

The harness's coalition, with the advocates roster requiring the 40-hour training (and
the juvenile training for juvenile-tagged requests). At START (2026-03-10 07:00 in
Chicago) Ana is on call and Ben is next.
"""

from __future__ import annotations

import logging

import pytest

from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.settings import Settings
from tests.flows.test_night import open_request
from tests.night import ANA, BEN, COALITION, CRUZ, DEE, KIM, World, load_coalition

ROSTER = 'name = "advocates"\nkind = "advocate"\ntimezone = "America/Chicago"\n'
TRAINED = COALITION.replace(
    ROSTER, ROSTER + 'requires_training = "advocate-40h"\njuvenile_training = "juvenile"\n'
)
for who, trainings in {
    # Lapsed the day before START (local date 2026-03-10).
    "Ana Ruiz": '{ name = "advocate-40h", completed = "2024-03-10", expires = "2026-03-10" }',
    "Ben Okafor": '{ name = "advocate-40h", completed = "2025-06-01", expires = "2027-06-01" }',
    "Cruz Lee": (
        '{ name = "advocate-40h", completed = "2025-06-01" }, '
        '{ name = "juvenile", completed = "2025-07-01", expires = "2026-07-01" }'
    ),
}.items():
    TRAINED = TRAINED.replace(f'name = "{who}"\n', f'name = "{who}"\ntrainings = [{trainings}]\n')
assert TRAINED.count("trainings = ") == 3 and "requires_training" in TRAINED


@pytest.fixture
def trained(database: Database, settings: Settings, clock: ManualClock) -> World:
    """The coalition with trainings required, on each database."""
    load_coalition(database, TRAINED)
    return World(database, settings, clock)


def test_a_lapsed_training_passes_the_on_call_person_over(
    trained: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="dispatcher.paging"):
        code = open_request(trained)
    assert trained.inbox(ANA) == []
    assert code in trained.last(BEN)  # the on-call step found nobody; next is Ben
    skips = [r.getMessage() for r in caplog.records if "person_skipped" in r.getMessage()]
    assert skips and all(s.endswith("reason=training") for s in skips)
    assert all("Ana" not in s and "advocate-40h" not in s for s in skips)


def test_the_all_step_leaves_the_untrained_out_and_coordinators_are_never_gated(
    trained: World,
) -> None:
    code = open_request(trained)
    trained.advance(minutes=5)
    trained.advance(minutes=5)  # the all step
    assert code in trained.last(CRUZ)
    assert trained.inbox(ANA) == [] and trained.inbox(DEE) == []
    trained.advance(minutes=10)
    assert code in trained.last(KIM)


def test_a_juvenile_request_needs_the_juvenile_training_as_well(trained: World) -> None:
    code = open_request(trained, "Juvenile at the station needs an advocate")
    assert trained.inbox(ANA) == [] and trained.inbox(BEN) == []
    assert code in trained.last(CRUZ)


def test_renewing_a_training_makes_the_person_pageable_again(
    database: Database, settings: Settings, clock: ManualClock
) -> None:
    renewed = TRAINED.replace(
        'completed = "2024-03-10", expires = "2026-03-10"', 'completed = "2026-03-09"'
    )
    load_coalition(database, renewed)
    world = World(database, settings, clock)
    code = open_request(world)
    assert code in world.last(ANA)
