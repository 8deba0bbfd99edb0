"""The production topology without containers: gunicorn -w 2 serving the web, two
``dispatcher worker`` processes running the engine, PostgreSQL, and the fake Twilio.

The workers tick only every 60 s here, so the night call below can finish within the
waits only when each webhook's NOTIFY wakes a worker at once (LISTEN/NOTIFY).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dispatcher.db import Database
from dispatcher.flows.models import Request
from tests.fakes import FakeTwilio, inbound_params, signed_post
from tests.night import ANA, BEN, CRUZ, OFFICER, load_coalition
from tests.scenarios.live import ACCOUNT, PUBLIC, reply_text
from tests.support.databases import empty_tables
from tests.test_package import REPO, free_port, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
BIN = Path(sys.executable).parent
# Far longer than any wait below: only a NOTIFY can make a worker tick in time.
TICK = "60s"
WAIT = 20.0


class Topology:
    """The web under gunicorn and two workers, as separate processes on one database."""

    def __init__(self, database_url: str, fake: FakeTwilio, tmp_path: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.fake = fake
        self.env = {
            **os.environ,
            "DISPATCHER_DATABASE_URL": database_url,
            "DISPATCHER_SMS_BACKEND": "twilio",
            "DISPATCHER_PUBLIC_BASE_URL": PUBLIC,
            "DISPATCHER_SECRET_KEY": "topology-secret-key-at-least-32-characters",
            "DISPATCHER_INSTANCE_DIR": str(tmp_path / "instance"),
            "DISPATCHER_TWILIO_API_BASE_URL": fake.base_url,
            "DISPATCHER_ENGINE_IN_PROCESS": "false",
            "DISPATCHER_TICK_INTERVAL": TICK,
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": fake.auth_token,
        }
        self.env.pop("DISPATCHER_CONFIG", None)
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        """gunicorn with the repository's config and two workers; returns once serving."""
        web = [BIN / "gunicorn", "-c", REPO / "gunicorn.conf.py"]
        self._spawn([*web, "--bind", f"127.0.0.1:{self.port}", "--workers", "2"])
        for _ in range(2):
            self._spawn([BIN / "dispatcher", "worker"])
        assert wait_for(self.base_url + "/healthz") == 200
        time.sleep(1.0)  # the workers' listeners connect (a NOTIFY before that would be lost)

    def _spawn(self, command: list[Any]) -> None:
        """Start one process of the topology."""
        self.processes.append(subprocess.Popen(command, env=self.env, cwd=REPO))

    def stop(self) -> None:
        """SIGTERM everything and wait for it."""
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)

    def text(self, number: str, body: str) -> str | None:
        """``number`` texts the hotline through gunicorn; the TwiML reply's text."""
        params = inbound_params(number, body)
        response = signed_post(self.base_url, PUBLIC + "/sms/inbound", params, self.fake.auth_token)
        assert response.status_code == 200, response.status_code
        return reply_text(response.text)


def eventually(found: Callable[[], Any], what: str) -> Any:
    """Poll ``found`` until it returns something truthy, for at most WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"{what} did not happen within {WAIT} s")


@pytest.fixture
def topology(postgres_url: str, tmp_path: Path) -> Iterator[Topology]:
    """The coalition loaded into PostgreSQL and the whole topology running on it."""
    database = Database(postgres_url)
    empty_tables(database)
    load_coalition(database)
    database.dispose()
    with FakeTwilio(auth_token="topology-token") as fake:
        fake.callback_target = None
        running = Topology(postgres_url, fake, tmp_path)
        try:
            running.start()
            yield running
        finally:
            running.stop()


def test_a_night_call_runs_through_gunicorn_and_two_workers(
    topology: Topology, postgres_url: str
) -> None:
    reply = topology.text(OFFICER, "Possible victim at the Lakeshore motel, needs an advocate")
    database = Database(postgres_url)
    with database.session_scope() as session:
        code = session.scalars(sa.select(Request.code)).one()
    database.dispose()
    assert reply is not None and code in reply

    def paged() -> str | None:
        return next((n for n in (ANA, BEN, CRUZ) if topology.fake.messages_to(n)), None)

    advocate = eventually(paged, "the first page")
    assert code in topology.fake.messages_to(advocate)[-1]
    assert topology.text(advocate, f"1 {code}") is None
    told = eventually(
        lambda: [t for t in topology.fake.messages_to(OFFICER) if "accepted" in t],
        "the officer being told",
    )
    assert code in told[0]
    # The officer's and the advocate's texts go out on parallel sending threads.
    details = eventually(
        lambda: [t for t in topology.fake.messages_to(advocate) if "Lakeshore" in t],
        "the advocate receiving the officer's words",
    )
    assert code in details[0]
