"""Random identifiers to plant (one set per way text enters), and the places to look for them.

Every set is unique to its run and its path (other runs may share PostgreSQL's server), so
a find names the path that leaked. A set holds a Latin and a Cyrillic name, a date of birth,
a phone number, a street address and an e-mail address.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from dispatcher.flows.codes import REFERENCE_ALPHABET
from tests.scenarios.disk import Image

CODE_DIGITS = frozenset(c for c in REFERENCE_ALPHABET if c.isdigit())


@dataclass(frozen=True)
class Canary:
    """The identifiers planted through one path (``path`` names it in failures)."""

    path: str
    latin: str
    cyrillic: str
    birth: str
    phone: str
    address: str
    email: str

    @property
    def words(self) -> str:
        """All of them in one sentence, as someone might text them."""
        return (
            f"{self.latin} ({self.cyrillic}) DOB {self.birth}, cell {self.phone}, "
            f"lives at {self.address}, {self.email}"
        )

    @property
    def needles(self) -> tuple[str, ...]:
        """Every string that must not be found (the phone also as bare digits)."""
        digits = "".join(c for c in self.phone if c.isdigit())
        return (self.latin, self.cyrillic, self.birth, self.phone, digits, self.address, self.email)


class Planter:
    """Makes canaries that share no identifier with each other."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def fresh(self) -> str:
        """A 6-letter upper-case hex tag not given out before in this run."""
        while True:
            tag = secrets.token_hex(3).upper()
            if tag not in self.used:
                self.used.add(tag)
                return tag

    def digits(self) -> str:
        """Four digits not given out before in this run, never shaped like a reference
        code (whose digits are among 3, 4, 6, 7 and 9)."""
        while True:
            found = f"{secrets.randbelow(10_000):04d}"
            if found not in self.used and not set(found) <= CODE_DIGITS:
                self.used.add(found)
                return found

    def canary(self, path: str) -> Canary:
        """A new set of identifiers for ``path``."""
        tag, digits = self.fresh(), self.digits()
        return Canary(
            path=path,
            latin=f"Maria Esperanza Q{tag}",
            cyrillic=f"Мария Лопес Ж{tag}",
            birth=f"0{digits[0]}/1{digits[1]}/20{digits[2:]}",
            phone=f"414-555-{digits}",
            address=f"{digits} West Greenfield Q{tag} Avenue",
            email=f"m.q{tag.lower()}@example.com",
        )

    def number(self) -> str:
        """A fresh E.164 number for an unknown sender or caller."""
        return f"+1608555{self.digits()}"


def number_needles(number: str) -> tuple[str, ...]:
    """An E.164 number as it could be written down: with and without ``+1``."""
    return (number, number.removeprefix("+1"))


def found_in_text(needles: Iterable[str], text: str) -> list[str]:
    """The needles that occur in ``text``."""
    return [needle for needle in needles if needle in text]


def found_in_images(needles: Iterable[str], images: list[Image]) -> list[tuple[str, str]]:
    """(needle, source) for every needle whose UTF-8 bytes occur in an image."""
    encoded = [(needle, needle.encode()) for needle in needles]
    return [(n, i.source) for i in images for n, b in encoded if b in i.data]
