"""What the flow services need from the running service, and what they answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from dispatcher.crypto import Sealer
from dispatcher.flows.texts import Text
from dispatcher.settings import Settings


def _no_kick() -> None:
    """Default kick: the engine's next periodic tick picks the work up."""


@dataclass(frozen=True)
class FlowContext:
    """Settings, the sealer for officers' words, the current instant and the engine kick."""

    settings: Settings
    sealer: Sealer
    now: datetime
    kick: Callable[[], None] = field(default=_no_kick)


@dataclass(frozen=True)
class Reply:
    """An immediate answer to an inbound text (or call): the text, and the language to write
    it in (the sender's)."""

    text: Text
    language: str = "en"

    @property
    def template(self) -> str:
        """The text's template name (what logs and rate limits go by)."""
        return self.text.template
