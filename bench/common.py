"""Shared set-up for the benchmarks: a served app on a fresh SQLite file, a fake Twilio."""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from werkzeug.serving import BaseWSGIServer, make_server  # noqa: E402

from dispatcher.db import Database, upgrade_database  # noqa: E402
from dispatcher.rosters.rosterapply import apply_roster_file  # noqa: E402
from dispatcher.rosters.rosterfile import load_roster_file  # noqa: E402
from dispatcher.settings import Settings, load_settings  # noqa: E402

PUBLIC = "https://bench.test"
NO_SPEC = Path("/nonexistent")  # the fake's OpenAPI check is for tests, not for timing


def fresh_database(roster_toml: str) -> tuple[str, Path]:
    """A migrated SQLite file in a temporary folder, loaded with ``roster_toml``."""
    folder = Path(tempfile.mkdtemp(prefix="dispatcher-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade_database(url)
    database = Database(url)
    with database.session_scope() as session:
        apply_roster_file(session, load_roster_file(roster_toml), actor="bench")
    database.dispose()
    return url, folder


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
        f'{{ name = "Officer {n}", phone = "+1262555{2000 + n:04d}" }}' for n in range(count)
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
