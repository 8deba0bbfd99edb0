"""The texts about trainings: a month before one expires, to its holder and coordinators.

Registered in ``flows.texts.TEXTS`` on import; written by ``sms.training_texts``.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.flows.texts import Text


@dataclass(frozen=True)
class TrainingExpiring(Text, template="training_expiring"):
    """To the holder: ``training`` expires on ``expires`` (an ISO date)."""

    training: str
    expires: str


@dataclass(frozen=True)
class CoordinatorTrainingExpiring(Text, template="coordinator_training_expiring"):
    """To the coordinators: ``name``'s ``training`` expires on ``expires`` (an ISO date)."""

    name: str
    training: str
    expires: str
