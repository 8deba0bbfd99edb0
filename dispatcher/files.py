"""Files only their owner may read: the instance folder, the SQLite database, the local key.

Created with their narrow modes from the start (never created open and narrowed after).
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path


def private_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents) if needed; a folder created here is 0700."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        folder.chmod(0o700)  # mkdir's mode is narrowed by the umask only, never widened


def create_private(path: Path) -> int | None:
    """Create ``path`` readable and writable by its owner only (0600), its folder private if
    new, and return an open descriptor for writing; None when the file already exists."""
    private_folder(path.parent)
    with suppress(FileExistsError):
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return None
