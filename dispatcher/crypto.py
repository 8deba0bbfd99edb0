"""Sealing the officer's words: Fernet with a key derived from the secret key.

Whatever could identify a victim touches the disk only sealed: the note, relayed texts and
the outbox body to the accepter. Blanking a row later does not erase SQLite's free pages or
PostgreSQL's dead tuples, so clear text must never be written in the first place.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"dispatcher sealed fields v1"


class Sealer:
    """Seals and opens short texts with a key derived from the service's secret key."""

    def __init__(self, secret_key: str) -> None:
        if not secret_key:
            raise ValueError("a secret key is required")
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
            secret_key.encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, text: str) -> bytes:
        """Encrypt and authenticate ``text``."""
        return self._fernet.encrypt(text.encode())

    def open(self, token: bytes) -> str:
        """Decrypt a sealed text; raise ValueError when it was not sealed with this key."""
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            raise ValueError("sealed text cannot be opened with this key") from None
