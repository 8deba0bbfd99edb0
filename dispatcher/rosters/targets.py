"""Whom an escalation step pages. Pure: shared by the roster models, forms and the policy."""

from __future__ import annotations

from enum import StrEnum


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
