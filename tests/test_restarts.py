"""Restarts that start: real ``dispatcher run`` processes on one SQLite file.

A second process serves at once while its engine waits for the engine lock; when the
first dies (kill -9) the kernel frees the lock and the second takes the engine. SIGTERM
stops cleanly and gives everything up. Every wait is bounded and polls.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from dispatcher.db import Database, upgrade_database
from dispatcher.flows import lease
from dispatcher.flows.models import EngineLease

COMMAND = Path(sys.executable).parent / "dispatcher"
KEY = "restart-test-secret-key-of-32-characters-or-more"
BOUND = 30.0  # seconds any single wait may take before the test fails


class Service:
    """One ``dispatcher run`` process on its own port, its output in a file."""

    def __init__(self, folder: Path, url: str, name: str, command: str = "run") -> None:
        self.port = free_port()
        self.log = folder / f"{name}.log"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(folder),
            "DISPATCHER_INSTANCE_DIR": str(folder / "instance"),
            "DISPATCHER_DATABASE_URL": url,
            "DISPATCHER_SECRET_KEY": KEY,
        }
        with self.log.open("w") as output:
            self.process = subprocess.Popen(
                [str(COMMAND), "run", "--port", str(self.port)]
                if command == "run"
                else [str(COMMAND), command],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    @property
    def url(self) -> str:
        """Where it serves."""
        return f"http://127.0.0.1:{self.port}"

    def serving(self) -> bool:
        """True when it answers /healthz."""
        try:
            return requests.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def output(self) -> str:
        """Everything it printed and logged so far."""
        return self.log.read_text()

    def stop(self) -> None:
        """Make sure it is gone."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=BOUND)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds; fail after BOUND seconds."""
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting until {what}")


def engine_pid(database: Database) -> int | None:
    """The process id of the engine recorded in the lease row."""
    with database.session_scope() as session:
        row = session.get(EngineLease, lease.NAME)
        return None if row is None else int(row.holder.split(":")[1])


@pytest.fixture
def place(tmp_path: Path) -> Iterator[tuple[Path, Database]]:
    """A migrated SQLite file in a fresh folder."""
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    upgrade_database(url)
    database = Database(url)
    yield tmp_path, database
    database.dispose()


def test_a_second_process_serves_at_once_and_takes_the_engine_when_the_first_dies(
    place: tuple[Path, Database],
) -> None:
    folder, database = place
    first = Service(folder, database.url, "first")
    second: Service | None = None
    try:
        wait_until(lambda: engine_pid(database) == first.process.pid, "the first runs the engine")
        second = Service(folder, database.url, "second")
        wait_until(second.serving, "the second serves")
        wait_until(lambda: "engine.waiting_for_lock" in second.output(), "the second waits")
        assert engine_pid(database) == first.process.pid
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=BOUND)
        waiting = second
        wait_until(lambda: engine_pid(database) == waiting.process.pid, "the second takes over")
        assert "engine.lock_taken" in second.output()
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_sigterm_stops_cleanly_and_frees_the_engine_at_once(
    place: tuple[Path, Database],
) -> None:
    folder, database = place
    first = Service(folder, database.url, "first")
    try:
        wait_until(lambda: engine_pid(database) == first.process.pid, "the engine runs")
        wait_until(first.serving, "it serves")
        first.process.send_signal(signal.SIGTERM)
        assert first.process.wait(timeout=BOUND) == 0
        assert "engine.stopped" in first.output()
        lock = lease.EngineLock(database)
        assert lock.try_acquire()
        lock.release()
        again = Service(folder, database.url, "again")
        try:
            wait_until(again.serving, "the restarted process serves")
            wait_until(lambda: engine_pid(database) == again.process.pid, "it runs the engine")
            assert "engine.waiting_for_lock" not in again.output()
        finally:
            again.process.send_signal(signal.SIGINT)
            assert again.process.wait(timeout=BOUND) == 0
    finally:
        first.stop()


def test_a_worker_stops_cleanly_on_sigterm_and_another_takes_over(
    place: tuple[Path, Database],
) -> None:
    folder, database = place
    first = Service(folder, database.url, "worker-1", command="worker")
    second = Service(folder, database.url, "worker-2", command="worker")
    try:
        wait_until(lambda: engine_pid(database) is not None, "one worker runs the engine")
        running, waiting = (first, second)
        if engine_pid(database) == second.process.pid:
            running, waiting = second, first
        wait_until(lambda: "engine.waiting_for_lock" in waiting.output(), "the other waits")
        running.process.send_signal(signal.SIGTERM)
        assert running.process.wait(timeout=BOUND) == 0
        assert "engine.stopped" in running.output()
        wait_until(lambda: engine_pid(database) == waiting.process.pid, "the other takes over")
    finally:
        first.stop()
        second.stop()
