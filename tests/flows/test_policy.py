"""Escalation decisions: pure table tests and properties."""

from __future__ import annotations

from datetime import timedelta

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
    plan_next,
    prefer_matching,
)

POLICY = Policy(
    steps=(Step("on-call", 300), Step("next", 300), Step("all", 600), Step("coordinators", 600)),
    repeat=1,
)
POOL = Pool(on_call=(1,), next=(2,), everyone=(1, 2, 3), coordinators=(9,))


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
    pool = Pool(on_call=(1,), next=(2,), everyone=(1, 2, 3), coordinators=(9,), traits=traits)
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


@given(steps, st.integers(0, 3), ids, ids, ids, ids)
def test_walking_a_policy_always_ends_and_never_exceeds_its_steps(
    step_list: list[Step],
    repeat: int,
    on_call: tuple[int, ...],
    nxt: tuple[int, ...],
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
