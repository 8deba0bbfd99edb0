"""Plays Twilio's part in an officer's routed call: the inbound call, each ``<Dial>`` leg,
the callee's screen and key, and the leg's end, each as a signed webhook.

Every TwiML answer is checked (``tests.support.twiml.check_voice``).
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

from tests.fakes import Posted
from tests.scenarios.live import ACCOUNT, PUBLIC, LiveNight
from tests.support.twiml import check_voice, spoken

HOTLINE = "+12625550100"


@dataclass
class OfficerCall:
    """One call from ``number`` to the hotline, driven step by step."""

    night: LiveNight
    number: str
    sid: str = field(default_factory=lambda: "CA" + uuid.uuid4().hex)
    twiml: str = ""  # the latest answer to the caller's leg
    screen_twiml: str = ""  # the latest answer to the callee's leg
    leg_sid: str = ""

    def params(self, **extra: str) -> dict[str, str]:
        """The fields Twilio posts about the caller's leg."""
        return {
            "CallSid": self.sid,
            "AccountSid": ACCOUNT,
            "From": self.number,
            "To": HOTLINE,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            **extra,
        }

    def post(self, url: str, params: dict[str, str]) -> str:
        """POST signed to ``url`` (a public URL); the checked TwiML answer."""
        answer: Posted = self.night.post(url.removeprefix(PUBLIC), params)
        assert answer.status_code == 200, (url, answer.status_code)
        check_voice(answer.text)
        return answer.text

    def dial(self) -> None:
        """The call comes in."""
        self.twiml = self.post(PUBLIC + "/voice/inbound", self.params(CallStatus="ringing"))

    @property
    def heard(self) -> str:
        """What the caller heard in the latest answer."""
        return spoken(self.twiml)

    @property
    def ringing(self) -> str | None:
        """The number the latest answer dials (None: it dials nobody)."""
        number = ElementTree.fromstring(self.twiml).find("Dial/Number")
        return None if number is None else (number.text or "")

    def keypad(self, digits: str) -> None:
        """The officer presses ``digits`` during the greeting."""
        gather = ElementTree.fromstring(self.twiml).find("Gather")
        assert gather is not None, self.twiml
        self.twiml = self.post(gather.get("action", ""), self.params(Digits=digits))

    def answer_leg(self) -> str:
        """The rung phone picks up: Twilio fetches the screen; what the callee hears."""
        number = ElementTree.fromstring(self.twiml).find("Dial/Number")
        assert number is not None, self.twiml
        self.leg_sid = "CA" + uuid.uuid4().hex
        leg = {**self.params(), "CallSid": self.leg_sid, "ParentCallSid": self.sid}
        leg.update(From=HOTLINE, To=number.text or "", Direction="outbound-dial")
        self.screen_twiml = self.post(number.get("url", ""), leg)
        return spoken(self.screen_twiml)

    def press(self, digits: str) -> str:
        """The callee presses ``digits`` on the screen; the answer to their leg."""
        gather = ElementTree.fromstring(self.screen_twiml).find("Gather")
        assert gather is not None, self.screen_twiml
        leg = {**self.params(), "CallSid": self.leg_sid, "Digits": digits}
        leg.update(From=HOTLINE, Direction="outbound-dial")
        self.screen_twiml = self.post(gather.get("action", ""), leg)
        return self.screen_twiml

    @property
    def bridged(self) -> bool:
        """True when the callee's key answer puts them through once it ends: it neither
        hangs up nor waits for another key (at most it speaks first)."""
        verbs = {child.tag for child in ElementTree.fromstring(self.screen_twiml)}
        return verbs <= {"Say"}

    def leg_ends(
        self, status: str = "no-answer", bridged: bool = False, says_bridged: bool = True
    ) -> None:
        """The ``<Dial>`` ends: Twilio asks its action what the caller hears next
        (``says_bridged`` False: without a ``DialBridged`` field)."""
        dial = ElementTree.fromstring(self.twiml).find("Dial")
        assert dial is not None, self.twiml
        fields = {"DialCallStatus": status}
        if says_bridged:
            fields["DialBridged"] = "true" if bridged else "false"
        if self.leg_sid:
            fields["DialCallSid"] = self.leg_sid
        self.leg_sid = ""
        self.twiml = self.post(dial.get("action", ""), self.params(**fields))

    def hang_up(self) -> None:
        """The officer hangs up while a leg rings: Twilio still requests the action."""
        dial = ElementTree.fromstring(self.twiml).find("Dial")
        assert dial is not None, self.twiml
        fields = {"DialCallStatus": "canceled", "DialBridged": "false"}
        self.twiml = self.post(
            dial.get("action", ""), self.params(CallStatus="completed", **fields)
        )
