"""The simulator's phone cards: one per listed phone, then one per unknown number that texted.

The order is stable (officers, then people, each by name, then unknown numbers in order),
so a card never jumps while a trainer reads or types in it. Messages run oldest first, as
on a phone. The one card template is ``sms/_phone.html``; its macros render a whole card
and the parts the page's script replaces in place (status line, messages and call).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import get_template_attribute
from sqlalchemy.orm import Session

from dispatcher.phones import format_phone
from dispatcher.sms.callplayer import PhoneCall
from dispatcher.sms.phonebook import Contact, contacts
from dispatcher.sms.simulated import CARRIER, PhoneMessage, SimulatorPhones

TEMPLATE = "sms/_phone.html"


@dataclass(frozen=True)
class Shown:
    """One message as a card shows it: local time, who sent it, the text."""

    at: str
    direction: str  # "out" (the phone sent it), "in" (the hotline), "carrier"
    text: str


@dataclass(frozen=True)
class Card:
    """A phone on the page. ``version`` changes whenever its conversation does."""

    key: str
    number: str
    shown_number: str
    contact: Contact | None
    messages: tuple[Shown, ...]
    version: int
    call: PhoneCall | None = None

    @property
    def listed(self) -> bool:
        """True for a listed officer or person (they appear in "Send as")."""
        return self.contact is not None

    @property
    def officer(self) -> bool:
        """True for a listed officer's phone (it can call the hotline)."""
        return self.contact is not None and "officer" in self.contact.roles

    @property
    def label(self) -> str:
        """The holder's name and the number, for pickers."""
        name = self.contact.name if self.contact else self.shown_number
        return f"{name} · {self.shown_number}"


def card_key(number: str) -> str:
    """The HTML id of a phone's card: ``phone-`` and the number's digits."""
    return "phone-" + "".join(ch for ch in number if ch.isdigit())


def phone_cards(
    session: Session, phones: SimulatorPhones, at: datetime, zone: ZoneInfo, region: str
) -> list[Card]:
    """Every listed phone's card, then the unknown numbers' cards, with their messages."""
    listed = contacts(session, at)
    known = {c.number for c in listed}
    others = [n for n in phones.numbers() if n not in known]
    holders: list[tuple[str, Contact | None]] = [(c.number, c) for c in listed]
    holders += [(number, None) for number in others]
    return [_card(number, contact, phones, zone, region) for number, contact in holders]


def _card(
    number: str, contact: Contact | None, phones: SimulatorPhones, zone: ZoneInfo, region: str
) -> Card:
    """One phone's card."""
    inbox = phones.inbox(number)
    shown = tuple(_shown(number, m, zone) for m in inbox)
    call = phones.calls.current(number)
    version = max(inbox[-1].seq if inbox else 0, call.seq if call else 0)
    key, shown_number = card_key(number), format_phone(number, region)
    return Card(key, number, shown_number, contact, shown, version, call)


def _shown(number: str, message: PhoneMessage, zone: ZoneInfo) -> Shown:
    """A message in the card's words."""
    if message.sender == CARRIER:
        direction = "carrier"
    else:
        direction = "out" if message.sender == number else "in"
    return Shown(message.at.astimezone(zone).strftime("%H:%M:%S"), direction, message.body)


def card_parts(card: Card) -> dict[str, object]:
    """The JSON the page's script reads: the card's key, version and rendered parts."""
    return {
        "key": card.key,
        "version": card.version,
        "card": get_template_attribute(TEMPLATE, "card")(card),
        "status": get_template_attribute(TEMPLATE, "status")(card),
        "messages": get_template_attribute(TEMPLATE, "messages")(card),
        "call": get_template_attribute(TEMPLATE, "call")(card),
    }
