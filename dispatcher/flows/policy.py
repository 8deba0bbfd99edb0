"""Escalation decisions as pure functions of the policy, the position and who is available.

The engine applies these decisions; nothing here reads the database or the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from dispatcher.rosters.channels import Channel
from dispatcher.rosters.targets import StepTarget


@dataclass(frozen=True)
class Step:
    """Whom to page and how long to wait after.

    ``person_id`` names the person of a ``person`` step, ``region_id`` the region of a
    ``mutual-aid`` step.
    """

    notify: str
    wait_seconds: int
    person_id: int | None = None
    region_id: int | None = None


@dataclass(frozen=True)
class Policy:
    """A roster's escalation policy, snapshotted into each need when paging starts.

    ``repeat`` is how many times the whole list runs again after the first pass.
    ``voice_after`` (seconds, None for never) is how long a page stays open before it goes
    out again by the person's second channel (a call after a text).
    """

    steps: tuple[Step, ...]
    repeat: int = 0
    voice_after: int | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready copy for ``Need.policy``."""
        return {
            "steps": [_step_json(s) for s in self.steps],
            "repeat": self.repeat,
            "voice_after": self.voice_after,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Policy:
        """Read back what ``to_json`` wrote."""
        steps = tuple(
            Step(
                notify=s["notify"],
                wait_seconds=int(s["wait"]),
                person_id=s.get("person"),
                region_id=s.get("region"),
            )
            for s in data.get("steps", [])
        )
        after = data.get("voice_after")
        return cls(
            steps=steps,
            repeat=int(data.get("repeat", 0)),
            voice_after=int(after) if after is not None else None,
        )

    def aid_regions(self) -> frozenset[int]:
        """The regions the policy's mutual-aid steps call on."""
        return frozenset(
            s.region_id
            for s in self.steps
            if s.notify == StepTarget.MUTUAL_AID and s.region_id is not None
        )


def _step_json(step: Step) -> dict[str, Any]:
    """One step as ``Need.policy`` keeps it (``region`` only on a mutual-aid step)."""
    data: dict[str, Any] = {"notify": step.notify, "wait": step.wait_seconds}
    data["person"] = step.person_id
    if step.region_id is not None:
        data["region"] = step.region_id
    return data


# A roster without a policy of its own pages like this.
DEFAULT_POLICY = Policy(
    steps=(
        Step(StepTarget.ON_CALL, 300),
        Step(StepTarget.NEXT, 300),
        Step(StepTarget.ALL, 600),
        Step(StepTarget.COORDINATORS, 600),
    ),
    repeat=1,
)


@dataclass(frozen=True)
class Pool:
    """The people who could be paged now, all available (active, not away, not opted out).

    ``on_call``: on duty now. ``next``: one line per rotation on duty now, the participants
    who follow the one on duty, in rotation order. ``everyone``: every member of the
    roster, on duty or not. ``traits`` maps a person to the tags they match (``juvenile``,
    ``lang:es``, ...). ``aid`` maps a region to who is on call now on the roster of the
    same kind that serves it (what a ``mutual-aid`` step pages).
    """

    on_call: tuple[int, ...] = ()
    next: tuple[tuple[int, ...], ...] = ()
    everyone: tuple[int, ...] = ()
    coordinators: tuple[int, ...] = ()
    traits: Mapping[int, frozenset[str]] = field(default_factory=dict)
    aid: Mapping[int, tuple[int, ...]] = field(default_factory=dict)

    @property
    def available(self) -> frozenset[int]:
        """Everyone in the pool, whatever their role (other regions' rosters aside)."""
        following = tuple(p for line in self.next for p in line)
        return frozenset(self.on_call + following + self.everyone + self.coordinators)


@dataclass(frozen=True)
class Position:
    """Where a need stands in its policy: step index (0-based) and round (0 = first pass)."""

    step_index: int
    round: int


@dataclass(frozen=True)
class Plan:
    """Page ``targets`` now at ``position``, then wait ``wait`` before moving on."""

    position: Position
    targets: tuple[int, ...]
    wait: timedelta


def following(policy: Policy, position: Position | None) -> Position | None:
    """The position after ``position`` (None: the start), or None when the policy is spent."""
    if not policy.steps:
        return None
    if position is None:
        return Position(0, 0)
    if position.step_index + 1 < len(policy.steps):
        return Position(position.step_index + 1, position.round)
    if position.round < policy.repeat:
        return Position(0, position.round + 1)
    return None


def plan_next(
    policy: Policy,
    position: Position | None,
    pool: Pool,
    tags: tuple[str, ...],
    exclude: frozenset[int] = frozenset(),
    exclude_this_round: frozenset[int] = frozenset(),
    paged: frozenset[int] = frozenset(),
) -> Plan | None:
    """The next step that has someone to page, or None when every step and repeat is spent.

    ``exclude`` is never paged again (they declined or cannot be reached);
    ``exclude_this_round`` only until the policy starts its next round (they were paged in
    this round and have not answered: a new round reminds them). ``paged`` is everyone
    paged for this need so far, in any round: a ``next`` step passes over them to the
    participant after. Steps that find nobody are skipped at once (``passed_over``).
    """
    current_round = position.round if position else 0
    position = following(policy, position)
    while position is not None:
        step = policy.steps[position.step_index]
        skip = exclude | exclude_this_round if position.round == current_round else exclude
        chosen = targets(step, pool, tags, skip, paged)
        if chosen:
            return Plan(position, chosen, timedelta(seconds=step.wait_seconds))
        position = following(policy, position)
    return None


def passed_over(
    policy: Policy, position: Position | None, reached: Position | None
) -> tuple[Position, ...]:
    """The steps after ``position`` and before ``reached`` (None: to the end), in order.

    These are the steps ``plan_next`` skipped because they found nobody.
    """
    skipped: list[Position] = []
    current = following(policy, position)
    while current is not None and current != reached:
        skipped.append(current)
        current = following(policy, current)
    return tuple(skipped)


def depth_of(policy: Policy, position: Position) -> int:
    """How many steps deep ``position`` is, counting every round (1 = the first step)."""
    return position.round * len(policy.steps) + position.step_index + 1


def targets(
    step: Step,
    pool: Pool,
    tags: tuple[str, ...],
    exclude: frozenset[int],
    paged: frozenset[int] = frozenset(),
) -> tuple[int, ...]:
    """Whom one step pages, people matching the request's tags first.

    ``on-call``: who is on duty now. ``next``: from each rotation on duty now, the first
    participant after the one on duty who is neither excluded nor in ``paged``; with no
    rotation on duty, nobody. ``all``: every available member. ``coordinators``,
    ``person``: as named. ``mutual-aid``: who is on call on the step's region's roster.
    Raises ValueError on an unknown target.
    """
    if step.notify == StepTarget.ON_CALL:
        chosen = _with_a_match(pool.on_call, pool, tags)
    elif step.notify == StepTarget.NEXT:
        chosen = _first_of_each(pool.next, exclude | paged)
    elif step.notify == StepTarget.ALL:
        chosen = pool.everyone
    elif step.notify == StepTarget.COORDINATORS:
        chosen = pool.coordinators
    elif step.notify == StepTarget.PERSON:
        chosen = (step.person_id,) if step.person_id in pool.available else ()
    elif step.notify == StepTarget.MUTUAL_AID:
        chosen = pool.aid.get(step.region_id, ()) if step.region_id is not None else ()
    else:
        raise ValueError(f"unknown escalation target {step.notify!r}")
    unique = tuple(dict.fromkeys(p for p in chosen if p is not None and p not in exclude))
    return prefer_matching(unique, pool.traits, tags)


def prefer_matching(
    people: tuple[int, ...], traits: Mapping[int, frozenset[str]], tags: tuple[str, ...]
) -> tuple[int, ...]:
    """Order people by how many of the request's tags they match (stable otherwise)."""
    wanted = frozenset(tags)
    if not wanted:
        return people
    return tuple(sorted(people, key=lambda p: -len(wanted & traits.get(p, frozenset()))))


def _first_of_each(lines: tuple[tuple[int, ...], ...], passed: frozenset[int]) -> tuple[int, ...]:
    """The first person of each line who is not in ``passed`` (lines with nobody give none)."""
    firsts = (next((p for p in line if p not in passed), None) for line in lines)
    return tuple(p for p in firsts if p is not None)


def _with_a_match(on_call: tuple[int, ...], pool: Pool, tags: tuple[str, ...]) -> tuple[int, ...]:
    """On-call people, plus the best-matching available member when none of them matches.

    A Spanish-speaking victim should not wait two steps for the one advocate who speaks
    Spanish: they are paged alongside whoever is on call.
    """
    wanted = frozenset(tags)
    if not wanted or any(wanted & pool.traits.get(p, frozenset()) for p in on_call):
        return on_call
    matching = [
        p for p in pool.everyone if p not in on_call and wanted & pool.traits.get(p, frozenset())
    ]
    if not matching:
        return on_call
    best = max(matching, key=lambda p: len(wanted & pool.traits.get(p, frozenset())))
    return (*on_call, best)


def is_mutual_aid(policy: Policy, step_index: int) -> bool:
    """True if the policy's step at ``step_index`` calls on another region."""
    in_range = 0 <= step_index < len(policy.steps)
    return in_range and policy.steps[step_index].notify == StepTarget.MUTUAL_AID


def traits_of(languages: list[str], skills: list[str]) -> frozenset[str]:
    """The tags a person matches, from their languages and skills."""
    return frozenset([f"lang:{code}" for code in languages] + list(skills))


def next_leg(
    policy: Policy,
    position: Position | None,
    pool: Pool,
    tags: tuple[str, ...],
    exclude: frozenset[int],
    this_round: frozenset[int],
    paged: frozenset[int],
) -> tuple[Position, int] | None:
    """Whom a live call rings next, one person at a time: the next target of the current
    step not yet rung in this round, else the first target of the next step that has one.

    Arguments as for ``plan_next``. None when the policy is spent.
    """
    if position is not None:
        step = policy.steps[position.step_index]
        left = targets(step, pool, tags, exclude | this_round, paged)
        if left:
            return position, left[0]
    plan = plan_next(policy, position, pool, tags, exclude, this_round, paged)
    return (plan.position, plan.targets[0]) if plan else None


def unreached(
    policy: Policy,
    position: Position,
    pool: Pool,
    tags: tuple[str, ...],
    before: frozenset[int],
    reached: frozenset[int],
) -> tuple[int, ...]:
    """The targets of the step at ``position`` that a live call did not reach.

    The step's targets are whom it pages when it starts by text: ``before`` is everyone
    paged at earlier positions (a ``next`` step passes over them). ``reached`` is left
    out: rung in this round (a new round reminds them) or never to be paged again.
    """
    step = policy.steps[position.step_index]
    return tuple(p for p in targets(step, pool, tags, frozenset(), before) if p not in reached)


@dataclass(frozen=True)
class ContactPlan:
    """How one page goes out: by ``first`` at once, then by ``then`` after ``after``
    seconds if it is still open (None: no second channel)."""

    first: Channel
    then: Channel | None = None
    after: int | None = None


def plan_contact(
    channels: tuple[Channel, ...], opted_out: bool, voice_after: int | None
) -> ContactPlan:
    """The channels a page uses for a person with ``channels``.

    A person who texted STOP can only be called. The second channel is used only when the
    policy has a ``voice_after``; without one a person is reached by their first channel.
    """
    if opted_out:
        return ContactPlan(Channel.VOICE)
    first = channels[0] if channels else Channel.SMS
    if len(channels) > 1 and voice_after is not None:
        return ContactPlan(first, channels[1], voice_after)
    return ContactPlan(first)
