"""Escalation decisions: pure table tests and properties."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.policy import (
    Plan,
    Policy,
    Pool,
    Position,
    Step,
    depth_of,
    following,
    passed_over,
    plan_next,
    prefer_matching,
    targets,
    unreached,
)

POLICY = Policy(
    steps=(Step("on-call", 300), Step("next", 300), Step("all", 600), Step("coordinators", 600)),
    repeat=1,
)
POOL = Pool(on_call=(1,), next=((2,),), everyone=(1, 2, 3), coordinators=(9,))


def walk(policy: Policy, pool: Pool, tags: tuple[str, ...] = ()) -> list[Plan]:
    """Every plan from the start until the policy is spent, with nobody answering."""
    plans, position = [], None
    while (plan := plan_next(policy, position, pool, tags)) is not None:
        plans.append(plan)
        position = plan.position
    return plans


def test_the_issue_policy_pages_primary_backup_all_coordinators_then_repeats() -> None:
    plans = walk(POLICY, POOL)
    assert [p.targets for p in plans] == [(1,), (2,), (1, 2, 3), (9,)] * 2
    assert [p.wait for p in plans[:4]] == [timedelta(minutes=m) for m in (5, 5, 10, 10)]
    assert [p.position.round for p in plans] == [0] * 4 + [1] * 4


def test_steps_with_nobody_available_are_skipped_at_once() -> None:
    pool = Pool(on_call=(), next=(), everyone=(3,), coordinators=())
    plans = walk(POLICY, pool)
    assert [(p.position.step_index, p.targets) for p in plans] == [(2, (3,)), (2, (3,))]


# Two rotations on duty: nights (4 on duty; 5, 6, 7 follow) and a weekend one (8; 2 follows).
STEPS_POOL = Pool(
    on_call=(4, 8), next=((5, 6, 7), (2,)), everyone=(2, 4, 5, 6, 7, 8), coordinators=(9,)
)


@pytest.mark.parametrize(
    ("notify", "pool", "exclude", "paged", "expected"),
    [
        ("on-call", STEPS_POOL, set(), set(), (4, 8)),
        ("on-call", STEPS_POOL, {8}, set(), (4,)),
        ("next", STEPS_POOL, set(), set(), (5, 2)),  # the backup of each rotation on duty
        ("next", STEPS_POOL, set(), {4, 8, 5}, (6, 2)),  # already paged: the one after
        ("next", STEPS_POOL, {6}, {5}, (7, 2)),  # declined and paged: passed over
        ("next", STEPS_POOL, set(), {5, 6, 7, 2}, ()),  # everyone after them paged
        ("next", Pool(on_call=(4,), everyone=(4, 5)), set(), set(), ()),  # no rotation on duty
        ("all", STEPS_POOL, set(), {2, 4}, (2, 4, 5, 6, 7, 8)),  # on duty or not, paged or not
        ("all", STEPS_POOL, {5}, set(), (2, 4, 6, 7, 8)),
        ("coordinators", STEPS_POOL, set(), set(), (9,)),
    ],
)
def test_what_each_step_pages(
    notify: str, pool: Pool, exclude: set[int], paged: set[int], expected: tuple[int, ...]
) -> None:
    assert targets(Step(notify, 60), pool, (), frozenset(exclude), frozenset(paged)) == expected


@pytest.mark.parametrize(
    ("step_index", "before", "reached", "expected"),
    [
        (2, {1, 2}, {1, 2, 3}, ()),  # everyone rung: nothing left of the step
        (2, {1, 2}, {1, 2}, (3,)),  # the call stopped before 3 rang
        (2, set(), {1}, (2, 3)),
        (1, {1}, {1}, (2,)),  # the backup the call never reached
        (1, {1}, {1, 2}, ()),  # the backup rang: never the one after them instead
    ],
)
def test_a_call_that_stops_mid_step_leaves_the_unreached_targets_of_that_step(
    step_index: int, before: set[int], reached: set[int], expected: tuple[int, ...]
) -> None:
    pool = Pool(on_call=(1,), next=((2, 3),), everyone=(1, 2, 3), coordinators=(9,))
    found = unreached(
        POLICY, Position(step_index, 0), pool, (), frozenset(before), frozenset(reached)
    )
    assert found == expected


def test_next_in_a_later_round_passes_over_everyone_paged_for_the_need() -> None:
    pool = Pool(on_call=(1,), next=((2, 3),), everyone=(1, 2, 3), coordinators=(9,))
    policy = Policy(steps=(Step("on-call", 300), Step("next", 300)), repeat=1)
    plan = plan_next(policy, Position(1, 0), pool, (), paged=frozenset({1, 2}))
    assert plan is not None and plan.position == Position(0, 1) and plan.targets == (1,)
    plan = plan_next(policy, plan.position, pool, (), paged=frozenset({1, 2}))
    assert plan is not None and plan.position == Position(1, 1) and plan.targets == (3,)


def test_the_steps_that_found_nobody_are_named() -> None:
    pool = Pool(on_call=(1,), next=(), everyone=(1, 2), coordinators=(9,))
    plan = plan_next(POLICY, Position(0, 0), pool, (), exclude_this_round=frozenset({1}))
    assert plan is not None and plan.position == Position(2, 0)
    assert passed_over(POLICY, Position(0, 0), plan.position) == (Position(1, 0),)
    assert passed_over(POLICY, Position(2, 1), None) == (Position(3, 1),)
    assert passed_over(POLICY, None, Position(0, 0)) == ()


def test_decliners_are_never_paged_again_and_unanswered_only_until_the_next_round() -> None:
    plan = plan_next(
        POLICY, Position(0, 0), POOL, (), exclude=frozenset({2}), exclude_this_round=frozenset({1})
    )
    assert plan is not None and plan.position == Position(2, 0) and plan.targets == (3,)
    plan = plan_next(
        POLICY, Position(3, 0), POOL, (), exclude=frozenset({2}), exclude_this_round=frozenset({1})
    )
    assert plan is not None and plan.position == Position(0, 1) and plan.targets == (1,)


def test_person_step_pages_that_person_only_when_available() -> None:
    policy = Policy(steps=(Step("person", 60, person_id=3), Step("person", 60, person_id=42)))
    assert [p.targets for p in walk(policy, POOL)] == [(3,)]


def test_a_spent_policy_or_an_empty_one_gives_up() -> None:
    assert plan_next(POLICY, Position(3, 1), POOL, ()) is None
    assert plan_next(Policy(steps=()), None, POOL, ()) is None
    assert plan_next(POLICY, None, Pool(), ()) is None


def test_matching_people_come_first_and_a_matching_member_joins_the_on_call_step() -> None:
    traits = {1: frozenset(), 2: frozenset({"lang:es"}), 3: frozenset({"lang:es", "juvenile"})}
    pool = Pool(on_call=(1,), next=((2,),), everyone=(1, 2, 3), coordinators=(9,), traits=traits)
    first = plan_next(POLICY, None, pool, ("lang:es", "juvenile"))
    assert first is not None and first.targets == (3, 1)
    assert prefer_matching((1, 2, 3), traits, ("lang:es",)) == (2, 3, 1)
    assert prefer_matching((1, 2, 3), traits, ()) == (1, 2, 3)


def test_depth_counts_every_round() -> None:
    assert depth_of(POLICY, Position(0, 0)) == 1
    assert depth_of(POLICY, Position(2, 1)) == 7


def test_policy_survives_its_json_snapshot() -> None:
    policy = Policy(steps=(Step("person", 30, person_id=7), Step("all", 60)), repeat=2)
    assert Policy.from_json(policy.to_json()) == policy


steps = st.lists(
    st.builds(
        Step, st.sampled_from(["on-call", "next", "all", "coordinators"]), st.integers(1, 3600)
    ),
    min_size=1,
    max_size=6,
)
ids = st.lists(st.integers(1, 8), max_size=4).map(tuple)
lines = st.lists(ids, max_size=3).map(tuple)


@given(steps, st.integers(0, 3), ids, lines, ids, ids)
def test_walking_a_policy_always_ends_and_never_exceeds_its_steps(
    step_list: list[Step],
    repeat: int,
    on_call: tuple[int, ...],
    nxt: tuple[tuple[int, ...], ...],
    everyone: tuple[int, ...],
    coordinators: tuple[int, ...],
) -> None:
    policy = Policy(tuple(step_list), repeat)
    pool = Pool(on_call, nxt, everyone, coordinators)
    plans = walk(policy, pool)
    assert len(plans) <= len(step_list) * (repeat + 1)
    positions = [p.position for p in plans]
    assert positions == sorted(positions, key=lambda p: (p.round, p.step_index))
    for plan in plans:
        assert plan.targets and len(set(plan.targets)) == len(plan.targets)
    assert following(policy, Position(len(step_list) - 1, repeat)) is None
