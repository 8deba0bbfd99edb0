"""Whom an escalation step pages, and the trainings that gate it.

Pure: shared by the roster models, forms, the policy and the paging service.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum

# The request tag that asks for a roster's juvenile training as well (flows.vocabulary).
JUVENILE_TAG = "juvenile"


class StepTarget(StrEnum):
    """A step's ``notify``; each value equals the string stored in ``escalation_steps``."""

    ON_CALL = "on-call"
    NEXT = "next"
    ALL = "all"
    COORDINATORS = "coordinators"
    PERSON = "person"
    MUTUAL_AID = "mutual-aid"


# The targets a step names on its own; a mutual-aid step also names a region (roster file).
STEP_TARGETS: tuple[StepTarget, ...] = tuple(t for t in StepTarget if t != StepTarget.MUTUAL_AID)


def required_trainings(
    requires: str | None, juvenile: str | None, tags: Iterable[str]
) -> tuple[str, ...]:
    """The trainings a person must hold to be paged: the roster's ``requires``, and
    ``juvenile`` too when the request is tagged juvenile (each once, in that order)."""
    wanted = [requires]
    if JUVENILE_TAG in tags:
        wanted.append(juvenile)
    return tuple(dict.fromkeys(name for name in wanted if name))


def is_current(completed: date, expires: date | None, today: date) -> bool:
    """True when a training completed on ``completed`` still counts on ``today``: from
    the day it was completed until the day before ``expires`` (None never expires)."""
    return completed <= today and (expires is None or today < expires)


def missing_trainings(
    held: Mapping[str, tuple[date, date | None]], required: Iterable[str], today: date
) -> tuple[str, ...]:
    """Which of ``required`` are not current on ``today`` among ``held`` (name ->
    (completed, expires))."""
    return tuple(
        name for name in required if name not in held or not is_current(*held[name], today)
    )
