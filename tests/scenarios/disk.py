"""What an attacker can take: database files, rows, PostgreSQL's relation files and WAL,
and the sealed tokens inside them, found by their structure alone.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from dispatcher.crypto import Sealer
from dispatcher.crypto.tokens import HEADER_SIZE, VERSION, token_sizes
from dispatcher.db import Base, Database

WAL_SEGMENT = re.compile(r"^[0-9A-F]{24}$")


@dataclass(frozen=True)
class Image:
    """Bytes taken from one place (``source`` says which)."""

    source: str
    data: bytes


def sqlite_files(database: Database) -> list[Image]:
    """The SQLite database file, its write-ahead log and its shared-memory index."""
    path = Path(database.url.removeprefix("sqlite:///"))
    files = (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
    return [Image(f"sqlite {p.name}", p.read_bytes()) for p in files if p.exists()]


def rows(database: Database) -> list[Image]:
    """Every value of every row, binary values as they are."""
    images = []
    with database.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                values = [v if isinstance(v, bytes) else repr(v).encode() for v in row]
                images.append(Image(f"row {table.name}", b"\x00".join(values)))
    return images


def postgres_files(database: Database, wal_since: float) -> list[Image]:
    """This database's relation files and the WAL segments written since ``wal_since``
    (Unix time), read straight from the server's data directory after a CHECKPOINT.
    Empty when the data directory cannot be read from here."""
    with database.engine.connect() as conn:
        conn.execute(sa.text("CHECKPOINT"))
        data_dir = Path(conn.execute(sa.text("SHOW data_directory")).scalar_one())
        relations = conn.execute(
            sa.text(
                "SELECT pg_relation_filepath(c.oid) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
                " AND pg_relation_filepath(c.oid) IS NOT NULL"
            )
        ).scalars()
        paths = [data_dir / r for r in relations]
    if not os.access(data_dir, os.R_OK | os.X_OK):
        return []
    images = []
    for path in paths:
        for segment in sorted(path.parent.glob(f"{path.name}*")):
            images.append(Image(f"pg file {segment.name}", segment.read_bytes()))
    for segment in sorted((data_dir / "pg_wal").iterdir()):
        if WAL_SEGMENT.match(segment.name) and segment.stat().st_mtime >= wal_since:
            images.append(Image(f"pg_wal {segment.name}", segment.read_bytes()))
    return images


def token_starts(data: bytes) -> Iterator[int]:
    """Every offset in ``data`` holding the sealed-token version byte."""
    start = data.find(VERSION)
    while start != -1:
        yield start
        start = data.find(VERSION, start + 1)


def opened_texts(sealer: Sealer, images: list[Image]) -> list[tuple[str, str]]:
    """(source, text) of every byte string shaped like a sealed token (version byte, key
    id, nonce, whole buckets of ciphertext, tag) that ``sealer`` opens. An offset whose key
    id names no key the sealer can find (in memory or in its key directory) is passed over
    without decryption attempts, which keeps the sweep fast."""
    found = []
    now = sealer.clock.now()
    for image in images:
        data = image.data
        for start in token_starts(data):
            if sealer.keyring.find(data[start + 1 : start + HEADER_SIZE], now) is None:
                continue
            for size in token_sizes():
                try:
                    found.append((image.source, sealer.open(data[start : start + size])))
                except ValueError:
                    continue
    return found


def readable(text: str) -> str:
    """An opened text, with JSON escapes (non-ASCII letters) undone as well."""
    try:
        return text + json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text
