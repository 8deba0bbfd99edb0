"""The debrief's services: what an accepter can say they provided, and how a reply names
them. Pure: no database.

The list is configuration (``care.services``: keys, in the order they are numbered, at
most 9); the labels of the known keys are in the catalogs, so each reader gets them in
their language (an unknown key is shown with its underscores as spaces). A reply is
numbers as words of their own (``1 3``, ``1,3``, ``13``: one digit per service); ``0`` is
"none"; whatever follows the numbers is discarded, never stored or relayed (``3rd floor``
is no answer).
"""

from __future__ import annotations

import re

from dispatcher.languages import N_

MAX_SERVICES = 9
SERVICE_LABELS = {
    "crisis_support": N_("crisis support"),
    "hospital_accompaniment": N_("hospital accompaniment"),
    "shelter_placed": N_("shelter placed"),
    "transport": N_("transport"),
    "legal_referral": N_("referral to legal"),
    "medical_referral": N_("referral to medical"),
    "interpreter": N_("interpreter"),
}
_SEPARATORS = re.compile(r"[\s,;.+&/]+")


def label_of(key: str) -> str:
    """The English label of a service key (to translate where it is shown)."""
    return SERVICE_LABELS.get(key, key.replace("_", " "))


def read_services(text: str, services: tuple[str, ...]) -> tuple[str, ...] | None:
    """The service keys a debrief reply names, sorted as configured; ``()`` for 0 (none);
    None when the text does not start with a number or names one not on the list."""
    tokens = [t for t in _SEPARATORS.split(text.strip()) if t]
    leading = []
    for token in tokens:
        if not (token.isascii() and token.isdigit()):
            break
        leading.append(token)
    if not leading:
        return None
    numbers = {int(d) for token in leading for d in token}
    if any(n > len(services) for n in numbers):
        return None
    return tuple(key for n, key in enumerate(services, start=1) if n in numbers)
