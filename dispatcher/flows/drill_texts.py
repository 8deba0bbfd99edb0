"""The texts of a readiness drill (``flows.drills``): the page marked as a drill, spoken or
texted, what the person who accepted it is told, and what the others paged are told.

Registered in ``flows.texts.TEXTS`` on import; written by ``sms.drill_texts``. A drill page
is a page (``texts.Page``, ``voicetexts.VoicePage``) so that every rule about pages (a call
after an unanswered text, a failed page moves on) applies to it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.flows.texts import CodeText, Page
from dispatcher.flows.voicetexts import VoicePage


@dataclass(frozen=True)
class DrillPage(Page, template="drill_page"):
    """A page marked DRILL: answered as a real one, and nobody is waiting on it."""


@dataclass(frozen=True)
class DrillVoicePage(VoicePage, template="voice_drill_page"):
    """A spoken page marked as a drill."""


@dataclass(frozen=True)
class DrillAccepted(CodeText, template="drill_accepted"):
    """To whoever accepted a drill page: the time it took (whole minutes); nothing to do."""

    minutes: int


@dataclass(frozen=True)
class DrillOver(CodeText, template="drill_over"):
    """To the others paged: the drill is over (someone accepted, or it was cancelled)."""
