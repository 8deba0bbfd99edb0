"""The texts about partners: where a partner's resource is, a pledge running low, a need's
requirements, and the thank-you summary a coordinator sends.

Registered in ``flows.texts.TEXTS`` on import; written by ``sms.partner_texts``.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.flows.texts import Text


@dataclass(frozen=True)
class PartnerAddress(Text, template="partner_address"):
    """To the officer and the accepting advocate: ``partner`` took ``need`` on ``code``;
    its ``address``; ``nights`` for a room (0 otherwise)."""

    code: str
    need: str
    partner: str
    address: str
    nights: int = 0


@dataclass(frozen=True)
class CoordinatorPledge(Text, template="coordinator_pledge"):
    """Coordinators: ``partner`` has used ``used`` of its ``pledged`` units (``need``'s
    unit) this month; ``level`` is 80 or 100 (per cent)."""

    partner: str
    need: str
    used: int
    pledged: int
    level: int


@dataclass(frozen=True)
class NeedRequires(Text, template="need_requires"):
    """The need of ``code`` pages only partners offering ``requires`` from now on."""

    code: str
    need: str
    requires: tuple[str, ...]


@dataclass(frozen=True)
class PartnerThanks(Text, template="partner_thanks"):
    """A partner's contacts: in ``period`` (``2026-Q1`` or ``2026-03``), its ``need`` was
    used ``accepted`` times, ``units`` units (nights for rooms)."""

    partner: str
    need: str
    period: str
    accepted: int
    units: int
