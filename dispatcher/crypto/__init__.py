"""Sealing the officer's words with data keys that are erased on time.

Whatever could identify a victim touches the disk only sealed: the note, relayed texts and
the outbox body to the accepter. Blanking a row later does not erase SQLite's free pages and
WAL or PostgreSQL's dead tuples and WAL, so clear text is never written in the first place,
and the keys that sealed it are erased once it may no longer be kept: after that, every copy
left anywhere (including backups) is noise, even to someone holding the secret key.

Each UTC hour has its own random data key, kept outside the database in the key directory
(see ``keyring``). Tokens are AES-GCM with a random key id and padded lengths (``tokens``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from dispatcher.clock import Clock
from dispatcher.crypto.keyring import Keyring
from dispatcher.crypto.tokens import Unreadable, key_id_of, open_with, seal_with

__all__ = ["Sealer", "Unreadable", "key_lifetime"]

HOLD_CAP = timedelta(hours=24)
DEFAULT_GRACE = timedelta(hours=2)


def key_lifetime(note_max_age: timedelta, grace: timedelta) -> timedelta:
    """How long a key lives after its hour ends: the note's age (at most 24 h) plus grace."""
    return min(note_max_age, HOLD_CAP) + grace


DEFAULT_KEEP = key_lifetime(HOLD_CAP, DEFAULT_GRACE)


class Sealer:
    """Seals and opens short texts with the current hour's data key."""

    def __init__(
        self,
        secret_key: str,
        clock: Clock,
        keys_dir: str | Path,
        *,
        previous_secret_keys: Sequence[str] = (),
        keep: timedelta = DEFAULT_KEEP,
    ) -> None:
        """``keep``: how long past its hour a key stays (see ``key_lifetime``).

        ``previous_secret_keys`` are tried, after ``secret_key``, to open key files that
        were wrapped before the secret key was rotated. Raises ValueError without a key.
        """
        if not secret_key:
            raise ValueError("a secret key is required")
        self.clock = clock
        self.keyring = Keyring(keys_dir, [secret_key, *previous_secret_keys], keep)

    def seal(self, text: str) -> bytes:
        """Encrypt and authenticate ``text`` under this hour's key."""
        key = self.keyring.current(self.clock.now())
        return seal_with(key.key, key.key_id, text)

    def open(self, token: bytes) -> str:
        """Decrypt a sealed text.

        Raises Unreadable (a ValueError) when its key was erased or expired, when no known
        secret key opens its key file, or when the token is damaged.
        """
        key = self.keyring.find(key_id_of(bytes(token)), self.clock.now())
        if key is None:
            raise Unreadable("the key of this sealed text is gone")
        return open_with(key.key, bytes(token))

    def erase_expired(self, now: datetime | None = None) -> int:
        """Erase every key whose lifetime is over (at ``now``, the clock's by default)."""
        return self.keyring.erase_expired(now or self.clock.now())
