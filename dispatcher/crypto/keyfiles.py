"""Key files: each data key wrapped under the secret key, one file per key, erased for good.

A key file is ``MAGIC | key_id(16) | not_after(8, Unix seconds) | nonce(12) | wrapped key``;
the wrapping is AES-GCM under a key-encryption key derived (HKDF) from the secret key, with
everything before the nonce as associated data. The directory is 0700 and files are 0600.
Files are created complete (written to a private temporary name, then hard-linked to their
final name, which fails if the name exists), so processes sharing the directory agree on
one key per name. Erasing overwrites the bytes with zeros, syncs, then unlinks.
"""

from __future__ import annotations

import os
import secrets
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dispatcher.crypto.tokens import KEY_ID_SIZE, NONCE_SIZE

MAGIC = b"DKEY1"
SUFFIX = ".key"
_NOT_AFTER = struct.Struct(">q")
_AAD_SIZE = len(MAGIC) + KEY_ID_SIZE + _NOT_AFTER.size
FILE_SIZE = _AAD_SIZE + NONCE_SIZE + 32 + 16
STALE_TEMPORARY_SECONDS = 60


@dataclass(frozen=True)
class DataKey:
    """A 32-byte data key, its random id and the instant it must be gone."""

    key_id: bytes
    key: bytes
    not_after: datetime


def new_data_key(not_after: datetime) -> DataKey:
    """A fresh random data key with a fresh random id."""
    return DataKey(secrets.token_bytes(KEY_ID_SIZE), secrets.token_bytes(32), not_after)


def _derive(secret: str, info: bytes, length: int) -> bytes:
    """HKDF-SHA256 of the secret key for one purpose."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(
        secret.encode()
    )


def wrapping_key(secret: str) -> bytes:
    """The key-encryption key derived from a secret key."""
    return _derive(secret, b"dispatcher key wrap v1", 32)


def secret_tag(secret: str) -> str:
    """A short name part telling apart files wrapped under different secret keys."""
    return _derive(secret, b"dispatcher key file name v1", 4).hex()


def wrap(kek: bytes, data_key: DataKey) -> bytes:
    """The file content holding ``data_key`` wrapped under ``kek``."""
    stamp = int(data_key.not_after.timestamp())
    aad = MAGIC + data_key.key_id + _NOT_AFTER.pack(stamp)
    nonce = secrets.token_bytes(NONCE_SIZE)
    return aad + nonce + AESGCM(kek).encrypt(nonce, data_key.key, aad)


def not_after_of(blob: bytes) -> datetime | None:
    """When the key in a file must be gone (readable without any secret); None if damaged."""
    if len(blob) != FILE_SIZE or not blob.startswith(MAGIC):
        return None
    (stamp,) = _NOT_AFTER.unpack_from(blob, len(MAGIC) + KEY_ID_SIZE)
    return datetime.fromtimestamp(stamp, UTC)


def unwrap(keks: list[bytes], blob: bytes) -> DataKey | None:
    """The data key in a file, under the first of ``keks`` that opens it; None if none does."""
    not_after = not_after_of(blob)
    if not_after is None:
        return None
    aad, nonce = blob[:_AAD_SIZE], blob[_AAD_SIZE : _AAD_SIZE + NONCE_SIZE]
    for kek in keks:
        try:
            key = AESGCM(kek).decrypt(nonce, blob[_AAD_SIZE + NONCE_SIZE :], aad)
        except InvalidTag:
            continue
        return DataKey(aad[len(MAGIC) : len(MAGIC) + KEY_ID_SIZE], key, not_after)
    return None


class KeyDirectory:
    """The directory of key files, shared by every process of one installation."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def ensure(self) -> None:
        """Create the directory (0700) if needed, and close it to others if it is open."""
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.path.stat().st_mode & 0o077:
            self.path.chmod(0o700)

    def names(self) -> list[str]:
        """The key files present, by name (none when the directory does not exist yet)."""
        try:
            return sorted(n for n in os.listdir(self.path) if n.endswith(SUFFIX))
        except FileNotFoundError:
            return []

    def read(self, name: str) -> bytes | None:
        """A key file's bytes; None when it is gone."""
        try:
            return (self.path / name).read_bytes()
        except FileNotFoundError:
            return None

    def create(self, name: str, blob: bytes) -> bytes:
        """Create key file ``name`` holding ``blob`` unless it exists; return what it holds.

        Of several processes creating the same name at once exactly one wins; the others
        read and return the winner's content (and erase their own attempt).
        """
        self.ensure()
        temporary = self.path / f".{name}.{secrets.token_hex(8)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(temporary, flags, 0o600)
        try:
            os.write(descriptor, blob)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            os.link(temporary, self.path / name)
        except FileExistsError:
            self._shred(temporary)
            winner = self.read(name)
            if winner is None:
                raise RuntimeError(f"key file {name} vanished while being created") from None
            return winner
        os.unlink(temporary)
        self._sync()
        return blob

    def shred(self, name: str) -> bool:
        """Overwrite key file ``name`` with zeros, sync it and unlink it; False if it was gone."""
        return self._shred(self.path / name)

    def shred_stale_temporaries(self, wall_now: float) -> None:
        """Remove temporary files a crashed creator left behind (older than a minute)."""
        try:
            entries = [e for e in os.scandir(self.path) if e.name.endswith(".tmp")]
        except FileNotFoundError:
            return
        for entry in entries:
            stat = entry.stat(follow_symlinks=False)
            if wall_now - stat.st_mtime < STALE_TEMPORARY_SECONDS:
                continue
            if stat.st_nlink > 1:  # also linked under its final name: that one is live
                os.unlink(entry.path)
            else:
                self._shred(Path(entry.path))

    def _shred(self, path: Path) -> bool:
        """Zero, sync and unlink one file; False if it was already gone."""
        try:
            descriptor = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return False
        try:
            os.write(descriptor, bytes(os.fstat(descriptor).st_size))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            os.unlink(path)
        except FileNotFoundError:
            return False
        self._sync()
        return True

    def _sync(self) -> None:
        """Make a creation or removal in the directory durable."""
        descriptor = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
