"""Mutual-aid steps in the pure policy: whom they page, and how they are stored."""

from __future__ import annotations

import pytest

from dispatcher.flows.policy import Policy, Pool, Step, is_mutual_aid, plan_next, targets

AID = Step("mutual-aid", 600, region_id=2)
POOL = Pool(on_call=(1,), everyone=(1, 3), coordinators=(9,), aid={2: (20, 21), 5: (50,)})


@pytest.mark.parametrize(
    ("step", "exclude", "expected"),
    [
        (AID, frozenset(), (20, 21)),  # who is on call on that region's roster
        (AID, frozenset({20}), (21,)),  # a decline there is not asked again
        (Step("mutual-aid", 600, region_id=7), frozenset(), ()),  # no roster serves it
        (Step("mutual-aid", 600), frozenset(), ()),  # a step without a region pages nobody
    ],
)
def test_a_mutual_aid_step_pages_the_regions_on_call(
    step: Step, exclude: frozenset[int], expected: tuple[int, ...]
) -> None:
    assert targets(step, POOL, (), exclude) == expected


def test_mutual_aid_comes_when_local_steps_are_spent_and_is_skipped_when_empty() -> None:
    policy = Policy((Step("on-call", 300), AID, Step("coordinators", 600)))
    first = plan_next(policy, None, POOL, ())
    assert first is not None and first.targets == (1,)
    second = plan_next(policy, first.position, POOL, (), exclude=frozenset({1}))
    assert second is not None and second.targets == (20, 21)
    nobody_there = Pool(on_call=(1,), coordinators=(9,))
    skipped = plan_next(policy, first.position, nobody_there, ())
    assert skipped is not None and skipped.targets == (9,)


def test_the_region_survives_the_snapshot_and_only_aid_steps_carry_one() -> None:
    policy = Policy((Step("on-call", 300), AID), repeat=1)
    data = policy.to_json()
    assert data["steps"][0] == {"notify": "on-call", "wait": 300, "person": None}
    assert data["steps"][1]["region"] == 2
    again = Policy.from_json(data)
    assert again == policy
    assert again.aid_regions() == frozenset({2})
    assert [is_mutual_aid(again, i) for i in (-1, 0, 1, 2)] == [False, False, True, False]
