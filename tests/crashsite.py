"""A live site for crash tests: real ``dispatcher run`` processes on one database, the fake
Twilio they send through, signed webhooks, and a roster with escalation steps of seconds.

Each process is started with the same environment and killed with SIGKILL (no clean stop);
every wait polls with a deadline.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import requests
import sqlalchemy as sa

from dispatcher.db import Database
from dispatcher.flows import lease
from dispatcher.flows.models import EngineLease
from tests.fakes import FakeTwilio, inbound_params, signed_post
from tests.scenarios.live import ACCOUNT, PUBLIC, reply_text
from tests.test_package import free_port

BIN = Path(sys.executable).parent
KEY = "crash-test-secret-key-of-32-characters-or-more"
ZONE = "America/Chicago"
ANA, BEN, CRUZ = "+12625550101", "+12625550102", "+12625550103"
KIM, LEE = "+12625550109", "+12625550110"  # coordinators
OFFICERS = ("+12625550151", "+12625550152", "+12625550153", "+12625550154")
# Whom each step of the roster below pages while Ana is on call.
STEPS = {0: {ANA}, 1: {BEN}, 2: {CRUZ}, 3: {KIM, LEE}}
T = TypeVar("T")

# The roster of the benchmarks (bench/roster.toml, read by path: tests import nothing from
# bench/), with the rotation starting an hour ago so that Ana is on call for 23 hours,
# escalation steps of seconds (the last waits long past the end of the test) and the
# officers the tests text from.
ROSTER_FILE = Path(__file__).resolve().parent.parent / "bench" / "roster.toml"
BENCH_START = 'start = "2020-01-06T08:00"'
ESCALATION = """
[rosters.escalation]
steps = [
  { notify = "on-call", wait = "3s" },
  { notify = "next", wait = "3s" },
  { notify = "all", wait = "3s" },
  { notify = "coordinators", wait = "10m" },
]
repeat = 0

[[agencies]]
name = "Racine Police Department"
kind = "police"
enrollment_code = "RPD-4821"
officers = [
  { name = "Inv. A. One", phone = "+12625550151" },
  { name = "Inv. B. Two", phone = "+12625550152" },
  { name = "Inv. C. Three", phone = "+12625550153" },
  { name = "Inv. D. Four", phone = "+12625550154" },
]
"""


def roster(start: datetime) -> str:
    """The crash tests' roster file, its rotation starting at ``start`` (local wall time)."""
    text = ROSTER_FILE.read_text()
    assert text.count(BENCH_START) == 1, "bench/roster.toml no longer starts its rotation there"
    return text.replace(BENCH_START, f'start = "{start:%Y-%m-%dT%H:%M}"') + ESCALATION


def eventually(found: Callable[[], T], what: str, bound: float = 30.0) -> T:
    """Poll ``found`` until it returns something truthy; fail after ``bound`` seconds."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {bound} s waiting for {what}")


class Site:
    """One database, the fake Twilio, and the service's processes on it.

    ``workers=False``: one ``dispatcher run`` (web and engine). ``workers=True``: a web-only
    ``dispatcher run`` and two ``dispatcher worker`` processes running the engine.
    """

    def __init__(
        self, database: Database, fake: FakeTwilio, folder: Path, workers: bool = False
    ) -> None:
        self.database, self.fake, self.folder = database, fake, folder
        site = folder / "site.toml"
        site.write_text('[sms]\nsend_timeout = "5s"\n')
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(folder),
            "DISPATCHER_CONFIG": str(site),
            "DISPATCHER_INSTANCE_DIR": str(folder / "instance"),
            "DISPATCHER_DATABASE_URL": database.url,
            "DISPATCHER_SECRET_KEY": KEY,
            "DISPATCHER_PUBLIC_BASE_URL": PUBLIC,
            "DISPATCHER_SMS_BACKEND": "twilio",
            "DISPATCHER_TWILIO_API_BASE_URL": fake.base_url,
            "DISPATCHER_ENGINE_IN_PROCESS": str(not workers).lower(),
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": fake.auth_token,
        }
        self.web = "web" if workers else "run"
        self.engines = ["worker-1", "worker-2"] if workers else ["run"]
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.url = ""
        self.starts = 0

    def import_roster(self) -> None:
        """Load the roster with ``dispatcher roster import``; Ana is on call for 23 hours."""
        start = datetime.now(ZoneInfo(ZONE)) - timedelta(hours=1)
        path = self.folder / "roster.toml"
        path.write_text(roster(start))
        command = [str(BIN / "dispatcher"), "roster", "import", str(path)]
        subprocess.run(command, env=self.env, check=True, capture_output=True)

    def start(self, names: list[str] | None = None) -> None:
        """Start these processes (default: all); return once the web serves and an engine
        that was started runs."""
        names = names or list(dict.fromkeys([self.web, *self.engines]))
        for name in names:
            self._spawn(name)
        if self.web in names:
            eventually(self._serving, "the service to serve")
        started = {str(self.processes[n].pid) for n in names if n in self.engines}
        if started:
            eventually(lambda: self._engine_pid() in started, "a restarted engine to run")

    def _spawn(self, name: str) -> None:
        """Start one process, its output in a log file of its own."""
        self.starts += 1
        command = [str(BIN / "dispatcher"), "worker"]
        if name == self.web:
            port = free_port()
            command = [str(BIN / "dispatcher"), "run", "--port", str(port)]
            self.url = f"http://127.0.0.1:{port}"
        with (self.folder / f"{self.starts}-{name}.log").open("w") as log:
            self.processes[name] = subprocess.Popen(
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def kill(self, names: list[str]) -> None:
        """kill -9 these processes and reap them."""
        for name in names:
            self.processes[name].send_signal(signal.SIGKILL)
            self.processes[name].wait(timeout=30)

    def crash(self, names: list[str]) -> None:
        """kill -9 these processes, then start them again."""
        self.kill(names)
        self.start(names)

    def _serving(self) -> bool:
        """True when /healthz answers."""
        try:
            return requests.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def _engine_pid(self) -> str | None:
        """The process id the lease row names as the engine that ticked last."""
        with self.database.session_scope() as session:
            row = session.get(EngineLease, lease.NAME)
            return None if row is None else row.holder.split(":")[1]

    def post(self, params: dict[str, str]) -> str | None:
        """POST a signed inbound SMS; the TwiML reply's text (None: no reply)."""
        answer = signed_post(self.url, PUBLIC + "/sms/inbound", params, self.fake.auth_token)
        assert answer.status_code == 200, answer.status_code
        return reply_text(answer.text)

    def text(self, number: str, body: str) -> str | None:
        """``number`` texts the hotline (a fresh MessageSid)."""
        return self.post(inbound_params(number, body, account_sid=ACCOUNT))

    def open_request(self, officer: str) -> str:
        """An officer asks for an advocate; the request's reference code from the reply."""
        reply = self.text(officer, "Possible victim at the bus station, need an advocate")
        found = re.search(r"Ref ([A-Z0-9]{4})\b", reply or "")
        assert found, reply
        return found.group(1)

    def posts_to(self, number: str, code: str) -> list[dict[str, list[str]]]:
        """Message creations the fake received for ``number`` mentioning ``code``."""
        return [
            r.form
            for r in self.fake.requests
            if r.method == "POST" and r.form.get("To") == [number] and code in r.form["Body"][0]
        ]

    def scalar(self, query: sa.Select[tuple[T]]) -> T | None:
        """One value read from the database."""
        with self.database.session_scope() as session:
            return session.scalar(query)

    def stop(self) -> None:
        """Make sure no process is left running."""
        self.kill([name for name, p in self.processes.items() if p.poll() is None])
