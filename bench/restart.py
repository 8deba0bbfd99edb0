"""Restart to serving: how long after a crash or a stop `dispatcher run` answers again.

Run: .venv/bin/python bench/restart.py [rounds]. On one SQLite file, a `dispatcher run`
process runs the engine; it is stopped (kill -9, or SIGTERM and waited for), and a new one
is started at once. Printed per way of stopping (the target is under 2 s): from the stop
to the new process answering /healthz (serving webhooks), and to its engine holding the
lock and recording itself (the engine ticking); and the CPU time the new process used to
get to serving, which does not depend on how busy the machine is (start-up is CPU-bound:
on a loaded machine the wall-clock figures grow with the load).
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from dispatcher.db import Database, upgrade_database
from dispatcher.flows import lease
from dispatcher.flows.models import EngineLease

COMMAND = Path(sys.executable).parent / "dispatcher"
KEY = "bench-secret-key-at-least-32-characters-long"


def start(folder: Path, url: str) -> subprocess.Popen[bytes]:
    """A `dispatcher run` on a free port (its port is kept on the process as ``port``)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "DISPATCHER_INSTANCE_DIR": str(folder / "instance"),
        "DISPATCHER_DATABASE_URL": url,
        "DISPATCHER_SECRET_KEY": KEY,
    }
    process = subprocess.Popen(
        [str(COMMAND), "run", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    process.port = port  # type: ignore[attr-defined]
    return process


def serving(process: subprocess.Popen[bytes]) -> bool:
    """True when the process answers /healthz."""
    try:
        url = f"http://127.0.0.1:{process.port}/healthz"  # type: ignore[attr-defined]
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def engine_of(database: Database, process: subprocess.Popen[bytes]) -> bool:
    """True when the lease row names ``process`` as the engine."""
    with database.session_scope() as session:
        row = session.get(EngineLease, lease.NAME)
        return row is not None and row.holder.split(":")[1] == str(process.pid)


def until(condition: object, limit: float = 30.0) -> float:
    """Poll ``condition()`` every 5 ms; the monotonic time it first held."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return time.monotonic()
        time.sleep(0.005)
    raise SystemExit("the service did not come back within 30 s")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_round(folder: Path, database: Database, how: str) -> dict[str, float]:
    """Stop a running engine ``how`` and start another at once; the phases in seconds."""
    old = start(folder, database.url)
    until(lambda: serving(old) and engine_of(database, old))
    stopped = time.monotonic()
    if how == "kill -9":
        old.send_signal(signal.SIGKILL)
    else:
        old.send_signal(signal.SIGTERM)
        old.wait(timeout=30)
    started = time.monotonic()
    new = start(folder, database.url)
    served = until(lambda: serving(new))
    cpu = cpu_seconds(new.pid)
    engine = until(lambda: engine_of(database, new))
    old.wait(timeout=30)
    new.send_signal(signal.SIGTERM)
    new.wait(timeout=30)
    return {
        "old process gone": started - stopped,
        "start -> serving": served - started,
        "CPU to serving": cpu,
        "stop -> serving": served - stopped,
        "stop -> engine": engine - stopped,
    }


def main() -> None:
    """Measure both ways of stopping and print the figures."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    folder = Path(tempfile.mkdtemp(prefix="dispatcher-restart-"))
    url = f"sqlite:///{folder / 'restart.db'}"
    upgrade_database(url)
    database = Database(url)
    for how in ("kill -9", "SIGTERM"):
        runs = [one_round(folder, database, how) for _ in range(rounds)]
        for phase in runs[0]:
            values = [run[phase] for run in runs]
            print(
                f"{how:8} {phase:17}: median {statistics.median(values):.2f} s, "
                f"max {max(values):.2f} s over {rounds} restarts"
            )
    database.dispose()


if __name__ == "__main__":
    main()
