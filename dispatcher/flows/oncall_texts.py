"""The text that tells someone a coordinator's change moved their time on call (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.flows.texts import Text


@dataclass(frozen=True)
class Span:
    """A period on call, [start, end) as ISO 8601 instants."""

    start: str
    end: str


@dataclass(frozen=True)
class OnCallChanged(Text, template="on_call_changed"):
    """The periods a change puts the reader on call (``on``) or takes them off (``off``),
    said in the roster's ``zone`` relative to ``at``, the change's instant (ISO 8601)."""

    roster: str
    zone: str
    at: str
    on: tuple[Span, ...] = ()
    off: tuple[Span, ...] = ()
