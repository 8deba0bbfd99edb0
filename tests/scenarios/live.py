"""The real app served over HTTP, Twilio-signed webhooks, a fake Twilio REST server that
the real ``twilio`` client talks to, and an engine on a clock the test moves.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from dispatcher.app import create_app
from dispatcher.clock import ManualClock
from dispatcher.db import Database
from dispatcher.flows.engine import Engine
from dispatcher.web import runtime_of
from tests.fakes import FakeTwilio, Posted, inbound_params, signed_post
from tests.night import Night
from tests.support.databases import make_settings

PUBLIC = "https://dispatch.test"
ACCOUNT = "AC" + "1" * 32


class LiveNight(Night):
    """One running service: web server thread, engine (ticked by the test), fake Twilio."""

    def __init__(
        self,
        database: Database,
        tmp_path: Path,
        clock: ManualClock,
        fake: FakeTwilio,
        **settings: Any,
    ) -> None:
        self.database, self.tmp_path, self.clock, self.fake = database, tmp_path, clock, fake
        self.settings = make_settings(
            tmp_path,
            database.url,
            sms_backend="twilio",
            twilio_account_sid=ACCOUNT,
            twilio_auth_token=fake.auth_token,
            twilio_api_base_url=fake.base_url,
            public_base_url=PUBLIC,
            **settings,
        )
        self.app: Flask = create_app(self.settings, clock=clock)
        self.engine: Engine = runtime_of(self.app).engine
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        fake.callback_target = self.base_url

    def stop(self) -> None:
        """Stop serving (as a process would die: nothing is flushed on purpose)."""
        self.server.shutdown()
        self.server.server_close()
        self.app.extensions["dispatcher"].database.dispose()

    def post(self, path: str, params: dict[str, str], token: str | None = None) -> Posted:
        """POST a form to the app, signed as Twilio would sign it for the public URL."""
        return signed_post(self.base_url, PUBLIC + path, params, token or self.fake.auth_token)

    def text(self, number: str, body: str, **extra: str) -> str | None:
        """``number`` texts the hotline; return the TwiML reply's text (None: no reply)."""
        response = self.post("/sms/inbound", inbound_params(number, body, **extra))
        assert response.status_code == 200, response.status_code
        return reply_text(response.text)

    def deliver_all(self, status: str = "delivered") -> None:
        """The fake reports every queued message as ``status`` through signed callbacks."""
        for message in self.fake.messages:
            if message.status == "queued":
                answer = self.fake.deliver(message.sid, status)
                assert answer.status_code in (200, 204), answer.status_code

    def inbox(self, number: str) -> list[str]:
        """Bodies the fake Twilio was asked to send to ``number``."""
        return self.fake.messages_to(number)


def reply_text(twiml: str) -> str | None:
    """The text of a TwiML ``<Message>`` (None for an empty ``<Response/>``)."""
    message = ET.fromstring(twiml).find("Message")
    return None if message is None else (message.text or "")
