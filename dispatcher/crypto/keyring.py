"""The keyring: one data key per hour, found by id, erased when its lifetime is over.

A key seals during its hour (its epoch, in UTC) and is kept ``keep`` longer so that what it
sealed can be opened until it expires; then its file is erased and every copy of what it
sealed, wherever it lies (free pages, WAL, dead tuples, backups), is noise. Keys are cached
in memory per process and dropped from the cache at their not-after instant.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dispatcher.crypto.keyfiles import (
    DataKey,
    KeyDirectory,
    new_data_key,
    not_after_of,
    secret_tag,
    unwrap,
    wrap,
    wrapping_key,
)

EPOCH = timedelta(hours=1)
log = logging.getLogger("dispatcher.keys")


class KeyringError(RuntimeError):
    """The key for sealing now exists under this secret key's name but cannot be opened."""


def epoch_of(now: datetime) -> datetime:
    """The start of the UTC hour holding ``now`` (aware)."""
    return now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class Keyring:
    """Data keys in a shared directory, wrapped under the current and previous secret keys."""

    def __init__(self, directory: str | Path, secrets: Sequence[str], keep: timedelta) -> None:
        """``secrets[0]`` wraps new keys; all of them are tried on existing files."""
        if not secrets or not all(secrets):
            raise ValueError("a secret key is required")
        self.directory = KeyDirectory(directory)
        self.keep = keep
        self._keks = [wrapping_key(s) for s in secrets]
        self._tag = secret_tag(secrets[0])
        self._keys: dict[bytes, DataKey] = {}
        self._sealing: tuple[datetime, DataKey] | None = None
        self._tried: set[str] = set()
        self._lock = threading.Lock()

    def current(self, now: datetime) -> DataKey:
        """The key that seals at ``now``: this hour's, created by the first who needs it."""
        epoch = epoch_of(now)
        with self._lock:
            if self._sealing is not None and self._sealing[0] == epoch:
                return self._sealing[1]
            key = self._load_or_create(epoch)
            self._sealing = (epoch, key)
            self._keys[key.key_id] = key
            return key

    def find(self, key_id: bytes, now: datetime) -> DataKey | None:
        """The live key with ``key_id``; None when it was erased, expired or is not ours."""
        with self._lock:
            self._forget_expired(now)
            if key_id not in self._keys:
                self._scan(now)
            return self._keys.get(key_id)

    def erase_expired(self, now: datetime) -> int:
        """Erase every key file whose not-after has come; return how many were erased."""
        erased = 0
        for name in self.directory.names():
            blob = self.directory.read(name)
            not_after = not_after_of(blob) if blob is not None else None
            if not_after is not None and not_after <= now and self.directory.shred(name):
                erased += 1
        self.directory.shred_stale_temporaries(time.time())
        with self._lock:
            self._forget_expired(now)
        if erased:
            log.info("keys.erased count=%s", erased)
        return erased

    def _file_name(self, epoch: datetime) -> str:
        """The key file of an hour under this secret key."""
        return f"{epoch:%Y%m%dT%H}-{self._tag}.key"

    def _load_or_create(self, epoch: datetime) -> DataKey:
        """Read this hour's key file, creating it first if nobody has."""
        name = self._file_name(epoch)
        blob = self.directory.read(name)
        if blob is None:
            fresh = new_data_key(epoch + EPOCH + self.keep)
            blob = self.directory.create(name, wrap(self._keks[0], fresh))
            log.info("keys.created epoch=%s", f"{epoch:%Y-%m-%dT%H}")
        key = unwrap(self._keks[:1], blob)
        if key is None:
            raise KeyringError(f"key file {name} is damaged")
        return key

    def _scan(self, now: datetime) -> None:
        """Load key files not seen yet (another process may have created them)."""
        names = self.directory.names()
        self._tried &= set(names)
        for name in names:
            if name in self._tried:
                continue
            blob = self.directory.read(name)
            if blob is None:
                continue
            self._tried.add(name)
            key = unwrap(self._keks, blob)
            if key is None:
                log.warning("keys.unopenable file=%s", name)
            elif now < key.not_after:
                self._keys[key.key_id] = key

    def _forget_expired(self, now: datetime) -> None:
        """Drop cached keys whose not-after has come (the lock is held)."""
        for key_id in [k for k, key in self._keys.items() if key.not_after <= now]:
            del self._keys[key_id]
        if self._sealing is not None and self._sealing[1].not_after <= now:
            self._sealing = None
