"""A disk image plus the secret key and the key directory opens nothing old.

Identifiers (names in Latin and Cyrillic letters, a date of birth, a phone number, an
address, an e-mail; random per run) go through the officer's texts before and after
acceptance. Images of the database are taken during the night (SQLite: the file, its WAL
and shared memory; PostgreSQL: every row) and at its end and after the keys' lifetime
(PostgreSQL also: this database's relation files and the WAL segments, read from the data
directory). Every byte string shaped like a token is tried with a new Sealer holding the
secret key and whatever remains in the key directory: during the night this finds every
identifier (so the sweep would catch a leak); after the keys' lifetime it finds none.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta
from pathlib import Path

from dispatcher.app import sealer_for
from dispatcher.clock import ManualClock
from dispatcher.crypto import key_lifetime
from dispatcher.crypto.keyring import EPOCH
from tests.night import ANA, OFFICER, STRANGER
from tests.scenarios.disk import (
    Image,
    opened_texts,
    postgres_files,
    readable,
    rows,
    sqlite_files,
)
from tests.scenarios.live import LiveNight
from tests.support.databases import START


def planted() -> dict[str, str]:
    """Identifiers unique to this run (other runs may share the PostgreSQL server's WAL)."""
    tag = secrets.token_hex(3).upper()
    digits = f"{secrets.randbelow(10_000):04d}"
    return {
        "name": f"Maria Esperanza Q{tag}",
        "cyrillic": f"Мария Лопес Ж{tag}",
        "birth": f"03/{10 + secrets.randbelow(18)}/2009",
        "phone": f"414-555-{digits}",
        "address": f"{digits} West Greenfield Q{tag} Avenue",
        "email": f"m.q{tag.lower()}@example.com",
    }


def image_of(night: LiveNight, wal_since: float | None = None) -> list[Image]:
    """The database as an attacker could copy it now (PostgreSQL files with ``wal_since``)."""
    if night.database.sqlite:
        return sqlite_files(night.database)
    found = rows(night.database)
    if wal_since is not None:
        found += postgres_files(night.database, wal_since)
    return found


def found_in(night: LiveNight, images: list[Image], words: dict[str, str]) -> set[str]:
    """The planted identifiers a new Sealer (secret key + key directory) reads in images.

    Its clock stands at the start of the night: an attacker ignores the keys' not-after,
    so only keys that are really gone stay closed.
    """
    sealer = sealer_for(night.settings, ManualClock(START))
    texts = [readable(text) for _, text in opened_texts(sealer, images)]
    return {name for name, word in words.items() if any(word in t for t in texts)}


def test_after_the_keys_lifetime_nothing_sealed_can_be_opened(night: LiveNight) -> None:
    started = time.time() - 1
    words = planted()
    images: list[Image] = []
    night.text(OFFICER, f"Juvenile {words['name']} DOB {words['birth']}, needs a room")
    images += image_of(night)
    night.text(OFFICER, f"Её зовут {words['cyrillic']}, {words['phone']}, {words['address']}")
    images += image_of(night)
    night.text(STRANGER, f"this is {words['name']}, call me at {words['phone']}")
    night.tick()
    night.deliver_all()
    night.text(ANA, "1")
    images += image_of(night)
    night.tick()
    night.text(OFFICER, f"Her e-mail is {words['email']}")
    images += image_of(night)
    night.tick()
    night.deliver_all()
    night.text(OFFICER, "DONE")
    night.tick()
    night.deliver_all()
    images += image_of(night, wal_since=started)
    keys_dir = Path(night.settings.keys_dir)
    old_keys = set(keys_dir.glob("*.key"))

    # The sweep finds every identifier while the keys live: it would catch a leak.
    assert found_in(night, images, words) == set(words)
    if not night.database.sqlite:
        files = [i for i in images if i.source.startswith(("pg file", "pg_wal"))]
        assert files, "PostgreSQL's data directory could not be read"
        assert found_in(night, files, words), "no token found in PostgreSQL's own files"

    lifetime = key_lifetime(night.settings.note_max_age, night.settings.key_grace)
    night.advance(minutes=(EPOCH + lifetime + timedelta(minutes=1)) / timedelta(minutes=1))
    images += image_of(night, wal_since=started)

    assert old_keys and not any(path.exists() for path in old_keys)
    assert found_in(night, images, words) == set()
    for image in images:
        for word in words.values():
            assert word.encode() not in image.data, (word, image.source)
