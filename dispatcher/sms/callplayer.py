"""The simulator's calls: it plays Twilio's part for the simulated phones.

When the service places a call (a spoken page) or an officer's call is put through
(``<Dial>``), the target phone rings; when a simulated officer calls the hotline, the
call comes in. Each answer is fetched from the service's own voice routes by a signed
POST, exactly as Twilio would make it (``Poster``), and played: ``<Say>`` is shown as
what the phone hears, ``<Gather>`` waits for a key (or for "no key", which goes on with
the verbs after it, as Twilio does), ``<Redirect>`` and the actions are followed,
``<Dial>`` rings the number with its screening URL (whose answer, once played out,
puts the two through), ``<Hangup>`` or the end of the answer ends the call. A placed
call's end goes to its status callback, a ``<Dial>``'s to its action.

Nothing is recorded; everything lives in memory, in the simulator's process only.
"""

from __future__ import annotations

import itertools
import logging
import threading
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

log = logging.getLogger("dispatcher.sms.simulator")

# A signed POST of form ``params`` to one of the service's public URLs; its answer's body.
Poster = Callable[[str, dict[str, str]], str]
ACCOUNT = "AC" + "0" * 32  # the account the simulated requests name
HEARD = 40  # lines of a call shown on its phone


class CallState(StrEnum):
    """Where a simulated phone's call stands."""

    RINGING = "ringing"
    IN_CALL = "in-call"
    ENDED = "ended"


class CallKind(StrEnum):
    """Who placed a call: the phone (to the hotline), the service (a page), or a ``<Dial>``."""

    INBOUND = "inbound"
    PAGE = "outbound-api"
    LEG = "outbound-dial"


@dataclass
class Dialing:
    """A ``<Dial>`` in progress on a call: its action, the leg it rings, the verbs after it."""

    action: str
    leg: str
    rest: list[ElementTree.Element]


@dataclass
class PhoneCall:
    """One call on one simulated phone, as the phone sees it."""

    sid: str
    number: str
    kind: CallKind
    state: CallState
    answer_url: str = ""  # where its TwiML comes from once answered (a leg's screen)
    twiml: str = ""  # or the TwiML it plays once answered (a page)
    status_url: str = ""  # a placed call's status callback
    parent: str = ""  # a leg's caller
    heard: list[str] = field(default_factory=list)
    gather: str | None = None  # the action of the <Gather> waiting for a key
    rest: list[ElementTree.Element] = field(default_factory=list)  # after that <Gather>
    dialing: Dialing | None = None
    bridged: bool = False
    seq: int = 0

    def hear(self, words: str) -> None:
        """Add what the phone hears (the latest ``HEARD`` lines are kept)."""
        self.heard = [*self.heard, words][-HEARD:]


class CallPlayer:
    """Every simulated phone's latest call, and the player that moves them on. Thread-safe:
    one operation at a time (a webhook it posts never waits on the player)."""

    def __init__(self, hotline: str, changed: Callable[[], int]) -> None:
        self.hotline = hotline
        self._changed = changed  # bumps the phones' version, returns the new one
        self._lock = threading.RLock()
        self._calls: dict[str, PhoneCall] = {}
        self._latest: dict[str, str] = {}  # number -> sid of its latest call
        self._ids = itertools.count(1)

    def current(self, number: str) -> PhoneCall | None:
        """A copy of the phone's latest call (ended ones stay until the next), or None."""
        with self._lock:
            sid = self._latest.get(number)
            call = self._calls.get(sid) if sid else None
            if call is None:
                return None
            return PhoneCall(**{**call.__dict__, "heard": list(call.heard), "rest": []})

    def reset(self) -> None:
        """Forget every call."""
        with self._lock:
            self._calls.clear()
            self._latest.clear()

    def busy(self, number: str) -> bool:
        """True while the phone rings or is in a call."""
        with self._lock:
            sid = self._latest.get(number)
            return sid is not None and self._calls[sid].state != CallState.ENDED

    # The service's side.

    def ring_page(self, to: str, twiml: str, status_url: str) -> str:
        """The service places a call to ``to`` that plays ``twiml``; returns its sid.

        A phone already in a call does not ring (busy, as a real line would be without
        call waiting): the call ends at once, unanswered.
        """
        with self._lock:
            call = self._new(to, CallKind.PAGE, CallState.RINGING)
            call.twiml, call.status_url = twiml, status_url
            if self._latest.get(to) != call.sid:
                call.state = CallState.ENDED
            self._touch(call)
            return call.sid

    # The phone's side: each takes the poster that reaches the service.

    def call_hotline(self, number: str, url: str, post: Poster) -> None:
        """The phone calls the hotline, whose calls come in at ``url``: its answer plays."""
        with self._lock:
            if self.busy(number):
                raise PhoneBusy(number)
            call = self._new(number, CallKind.INBOUND, CallState.IN_CALL)
            self._fetch(call, post, url, CallStatus="ringing")

    def answer(self, number: str, post: Poster) -> None:
        """The ringing phone picks up: it plays the call's TwiML (a leg: its screen)."""
        with self._lock:
            call = self._ringing(number)
            call.state = CallState.IN_CALL
            if call.kind == CallKind.LEG:
                self._fetch(call, post, call.answer_url)
            else:
                self._play(call, call.twiml, post)
            self._touch(call)

    def decline(self, number: str, post: Poster) -> None:
        """The ringing phone turns the call down (busy)."""
        with self._lock:
            self._finish(self._ringing(number), post, "busy")

    def press(self, number: str, digits: str, post: Poster) -> None:
        """A key on the phone's keypad while its call waits for one."""
        with self._lock:
            call = self._waiting(number)
            action, call.gather, call.rest = call.gather or "", None, []
            call.hear(f"[{digits}]")
            self._fetch(call, post, action, Digits=digits)

    def no_key(self, number: str, post: Poster) -> None:
        """No key is pressed: the verbs after the ``<Gather>`` go on."""
        with self._lock:
            call = self._waiting(number)
            rest, call.gather, call.rest = call.rest, None, []
            self._run(call, rest, post)
            self._touch(call)

    def hang_up(self, number: str, post: Poster) -> None:
        """The phone hangs up (a ringing call: it stops ringing, unanswered)."""
        with self._lock:
            call = self._active(number)
            self._finish(
                call, post, "no-answer" if call.state == CallState.RINGING else "completed"
            )

    # Playing TwiML.

    def _fetch(self, call: PhoneCall, post: Poster, url: str, **extra: str) -> None:
        """POST the call's fields (and ``extra``) to ``url``; play the answer."""
        self._play(call, post(url, self._params(call, **extra)), post)
        self._touch(call)

    def _play(self, call: PhoneCall, twiml: str, post: Poster) -> None:
        """Play a TwiML answer from its first verb."""
        try:
            verbs = list(ElementTree.fromstring(twiml))  # noqa: S314 (our own routes' answers)
        except ElementTree.ParseError:
            call.hear("(the service's answer was not TwiML)")
            verbs = [ElementTree.Element("Hangup")]
        self._run(call, verbs, post)

    def _run(self, call: PhoneCall, verbs: list[ElementTree.Element], post: Poster) -> None:
        """Play ``verbs`` in order until one waits (a key, a ``<Dial>``) or the call ends.

        A leg whose screen plays out without hanging up is put through to its caller.
        """
        hung_up = False
        while verbs and call.state != CallState.ENDED:
            verb = verbs.pop(0)
            if verb.tag == "Say":
                call.hear((verb.text or "").strip())
            elif verb.tag == "Gather":
                for say in verb.iter("Say"):
                    call.hear((say.text or "").strip())
                call.gather, call.rest = verb.get("action", ""), verbs
                return
            elif verb.tag == "Dial":
                self._dial(call, verb, verbs, post)
                return
            elif verb.tag == "Redirect":
                self._fetch(call, post, (verb.text or "").strip())
                return
            elif verb.tag == "Hangup":
                hung_up = True
                break
        if call.state == CallState.ENDED:
            return
        if call.kind == CallKind.LEG and not hung_up:
            self._bridge(call)
        else:
            self._finish(call, post, "completed")

    def _dial(
        self,
        call: PhoneCall,
        verb: ElementTree.Element,
        rest: list[ElementTree.Element],
        post: Poster,
    ) -> None:
        """Ring the ``<Dial>``'s number with its screening URL; the caller hears ringing."""
        number = verb.find("Number")
        target = (number.text or "").strip() if number is not None else ""
        leg = self._new(target, CallKind.LEG, CallState.RINGING)
        leg.answer_url = number.get("url", "") if number is not None else ""
        leg.parent = call.sid
        call.dialing = Dialing(verb.get("action", ""), leg.sid, rest)
        self._touch(leg)
        if not target or self._latest.get(target) != leg.sid:
            self._finish(leg, post, "busy")  # a phone already in a call

    def _bridge(self, leg: PhoneCall) -> None:
        """The screen played out: the leg and its caller are put through."""
        leg.bridged = True
        caller = self._calls.get(leg.parent)
        if caller is not None:
            caller.bridged = True
            caller.hear("(put through)")
            self._touch(caller)
        leg.hear("(put through)")

    def _finish(self, call: PhoneCall, post: Poster, status: str) -> None:
        """End ``call`` with ``status``; report it where Twilio would, and end what hangs on it."""
        was_ringing = call.state == CallState.RINGING
        call.state, call.gather, call.rest = CallState.ENDED, None, []
        self._touch(call)
        if call.dialing is not None:  # the caller went while a leg rang or was put through
            leg = self._calls.get(call.dialing.leg)
            leg_status = "completed"
            if leg is not None and leg.state != CallState.ENDED:
                leg_status = "canceled" if leg.state == CallState.RINGING else "completed"
                leg.state = CallState.ENDED
                self._touch(leg)
            self._dial_ended(call, post, leg, leg_status)
        elif call.kind == CallKind.LEG:
            caller = self._calls.get(call.parent)
            if caller is not None and caller.dialing is not None:
                self._dial_ended(caller, post, call, status)
        elif call.kind == CallKind.PAGE and call.status_url:
            reported = "no-answer" if was_ringing and status == "completed" else status
            post(call.status_url, self._params(call, CallStatus=reported))

    def _dial_ended(
        self, caller: PhoneCall, post: Poster, leg: PhoneCall | None, status: str
    ) -> None:
        """A ``<Dial>`` is over: Twilio asks its action what the caller hears next."""
        dialing = caller.dialing
        if dialing is None:
            return
        caller.dialing = None
        bridged = leg is not None and leg.bridged
        extra = {"DialCallStatus": status, "DialBridged": "true" if bridged else "false"}
        if leg is not None:
            extra["DialCallSid"] = leg.sid
        gone = caller.state == CallState.ENDED
        caller.bridged = False
        if not dialing.action:
            if not gone:
                self._run(caller, dialing.rest, post)
            return
        answer = post(dialing.action, self._params(caller, **extra))
        if not gone:
            self._play(caller, answer, post)
        self._touch(caller)

    # Bookkeeping.

    def _new(self, number: str, kind: CallKind, state: CallState) -> PhoneCall:
        """A new call on ``number``'s phone, now its latest."""
        call = PhoneCall("CA" + uuid.uuid4().hex, number, kind, state)
        self._calls[call.sid] = call
        if not self.busy(number):
            self._latest[number] = call.sid
        self._forget_ended()
        return call

    def _forget_ended(self) -> None:
        """Keep only the calls a phone still shows or a call still refers to."""
        shown = set(self._latest.values())
        live = {c.parent for c in self._calls.values() if c.state != CallState.ENDED}
        live |= {c.dialing.leg for c in self._calls.values() if c.dialing is not None}
        for sid in [s for s in self._calls if s not in shown | live]:
            if self._calls[sid].state == CallState.ENDED:
                del self._calls[sid]

    def _touch(self, call: PhoneCall) -> None:
        """The call changed: the page's phones show it at their next update."""
        call.seq = self._changed()

    def _params(self, call: PhoneCall, **extra: str) -> dict[str, str]:
        """The fields Twilio posts about a call."""
        inbound = call.kind == CallKind.INBOUND
        status = "in-progress" if call.state == CallState.IN_CALL else str(call.state)
        if call.state == CallState.ENDED:
            status = "completed"
        params = {
            "CallSid": call.sid,
            "AccountSid": ACCOUNT,
            "From": call.number if inbound else self.hotline,
            "To": self.hotline if inbound else call.number,
            "CallStatus": status,
            "Direction": str(call.kind),
        }
        if call.parent:
            params["ParentCallSid"] = call.parent
        return {**params, **extra}

    def _ringing(self, number: str) -> PhoneCall:
        """The phone's call, which must be ringing."""
        call = self._active(number)
        if call.state != CallState.RINGING:
            raise NoSuchCall(number)
        return call

    def _waiting(self, number: str) -> PhoneCall:
        """The phone's call, which must be waiting for a key."""
        call = self._active(number)
        if call.state != CallState.IN_CALL or call.gather is None:
            raise NoSuchCall(number)
        return call

    def _active(self, number: str) -> PhoneCall:
        """The phone's call that has not ended."""
        sid = self._latest.get(number)
        call = self._calls.get(sid) if sid else None
        if call is None or call.state == CallState.ENDED:
            raise NoSuchCall(number)
        return call


class NoSuchCall(LookupError):
    """The phone has no call in the state the action needs (it ended, or never rang)."""


class PhoneBusy(RuntimeError):
    """The phone is already ringing or in a call."""
