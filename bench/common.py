"""Shared set-up for the benchmarks: a served app on a fresh SQLite file, a fake Twilio."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from werkzeug.serving import BaseWSGIServer, make_server  # noqa: E402

from dispatcher.db import Database, upgrade_database  # noqa: E402
from dispatcher.rosters.file import apply_roster_file, load_roster_file  # noqa: E402
from dispatcher.settings import Settings, load_settings  # noqa: E402

PUBLIC = "https://bench.test"
POSTGRES_URL = os.environ.get(
    "DISPATCHER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def fresh_database(roster_toml: str) -> tuple[str, Path]:
    """A migrated SQLite file in a temporary folder, loaded with ``roster_toml``."""
    folder = Path(tempfile.mkdtemp(prefix="dispatcher-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade_database(url)
    database = Database(url)
    with database.session_scope() as session:
        apply_roster_file(session, load_roster_file(roster_toml))
    database.dispose()
    return url, folder


def fresh_postgres_database(roster_toml: str) -> tuple[str, Path]:
    """A new, migrated PostgreSQL database beside POSTGRES_URL's, loaded with ``roster_toml``.

    Left in place after the run (its name starts with ``dispatcher_bench_``).
    """
    admin_url = sa.make_url(POSTGRES_URL)
    name = f"dispatcher_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    upgrade_database(url)
    database = Database(url)
    with database.session_scope() as session:
        apply_roster_file(session, load_roster_file(roster_toml))
    database.dispose()
    return url, Path(tempfile.mkdtemp(prefix="dispatcher-bench-"))


def bench_settings(url: str, folder: Path, **overrides: Any) -> Settings:
    """Settings for a benchmark run (no environment read)."""
    values: dict[str, Any] = {
        "instance_dir": str(folder),
        "database_url": url,
        "secret_key": "bench-secret-key-at-least-32-characters-long",
        "public_base_url": PUBLIC,
    }
    values.update(overrides)
    return load_settings(environ={}, overrides=values)


def serve(app: Flask) -> tuple[BaseWSGIServer, str]:
    """Serve ``app`` on 127.0.0.1 in a background thread; return the server and its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95 and p99 of ``values``."""
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": statistics.median(values), "p95": cuts[94], "p99": cuts[98]}


def officers_toml(count: int) -> str:
    """An agency with ``count`` officers (numbers +1262555 2000...)."""
    rows = ",\n  ".join(
        f'{{ name = "Ofc. {_letters(n)}", phone = "+1262555{2000 + n:04d}" }}' for n in range(count)
    )
    return f"""
[[agencies]]
name = "Racine Police Department"
kind = "police"
enrollment_code = "RPD-4821"
officers = [
  {rows}
]
"""


def _letters(n: int) -> str:
    """``n`` spelt in letters (officer names take no digits): 0 is Aa, 27 is Bb, ..."""
    first, second = divmod(n, 26)
    return chr(ord("A") + first % 26) + chr(ord("a") + second)


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) used so far by process ``pid`` and its descendants,
    read from /proc (Linux); 0.0 for processes that are gone."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    tree = {pid}
    grew = True
    while grew:
        children = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return sum(used.get(member, 0.0) for member in tree)
