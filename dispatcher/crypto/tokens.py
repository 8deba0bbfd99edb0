"""The sealed-token format: AES-GCM under a data key, with lengths padded to a bucket.

A token is ``version(1) | key_id(16) | nonce(12) | ciphertext+tag``. The key id is random
(it says nothing about time) and the plaintext is a 4-byte length, the UTF-8 text and
zeros up to the next multiple of ``BUCKET`` bytes, so a token's length tells only the
bucket. Nothing in a token is in clear except the version and the key id.
"""

from __future__ import annotations

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 0xA1
KEY_ID_SIZE = 16
NONCE_SIZE = 12
TAG_SIZE = 16
HEADER_SIZE = 1 + KEY_ID_SIZE
BUCKET = 256
_LENGTH = struct.Struct(">I")


class Unreadable(ValueError):
    """A sealed text that cannot be opened: its key was erased, the secret key is not the
    one that wrapped it, or the token is damaged. Never carries the token or the text."""


def padded(text: str) -> bytes:
    """``text`` as length-prefixed UTF-8, zero-padded to a multiple of ``BUCKET`` bytes."""
    data = text.encode()
    size = _LENGTH.size + len(data)
    return _LENGTH.pack(len(data)) + data + bytes(-size % BUCKET)


def unpadded(plain: bytes) -> str:
    """The text inside a padded plaintext; raises Unreadable if it is not well formed."""
    if len(plain) < _LENGTH.size:
        raise Unreadable("sealed text is damaged")
    (length,) = _LENGTH.unpack_from(plain)
    data = plain[_LENGTH.size : _LENGTH.size + length]
    if len(data) != length or any(plain[_LENGTH.size + length :]):
        raise Unreadable("sealed text is damaged")
    try:
        return data.decode()
    except UnicodeDecodeError:
        raise Unreadable("sealed text is damaged") from None


def key_id_of(token: bytes) -> bytes:
    """The key id a token names; raises Unreadable if the token has not the right shape."""
    minimum = HEADER_SIZE + NONCE_SIZE + TAG_SIZE + BUCKET
    if len(token) < minimum or token[0] != VERSION or (len(token) - minimum) % BUCKET:
        raise Unreadable("not a sealed text of this version")
    return bytes(token[1:HEADER_SIZE])


def seal_with(key: bytes, key_id: bytes, text: str) -> bytes:
    """Seal ``text`` under the 32-byte data ``key`` named ``key_id`` (fresh random nonce)."""
    header = bytes([VERSION]) + key_id
    nonce = os.urandom(NONCE_SIZE)
    return header + nonce + AESGCM(key).encrypt(nonce, padded(text), header)


def open_with(key: bytes, token: bytes) -> str:
    """Open a token sealed under ``key``; raises Unreadable when it does not authenticate."""
    key_id_of(token)
    header, nonce = token[:HEADER_SIZE], token[HEADER_SIZE : HEADER_SIZE + NONCE_SIZE]
    try:
        plain = AESGCM(key).decrypt(nonce, token[HEADER_SIZE + NONCE_SIZE :], header)
    except InvalidTag:
        raise Unreadable("sealed text cannot be opened with this key") from None
    return unpadded(plain)


def token_sizes(limit: int = 8) -> list[int]:
    """The possible token lengths for texts of up to ``limit`` buckets (for audits)."""
    base = HEADER_SIZE + NONCE_SIZE + TAG_SIZE
    return [base + BUCKET * n for n in range(1, limit + 1)]
