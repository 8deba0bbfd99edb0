"""An officer's call -> the <Dial> TwiML, and an advocate's screen key "1" -> the bridge.

The app runs as a real server (engine in process, SQLite, the built-in simulator for the
texts an accept sends); every webhook is signed as Twilio signs it. CALLS officers call
one after another; each call is answered with a <Dial> to the advocate on call, whose
screen is fetched and then answered with "1". Both answers are timed at the client, from
the request to the whole TwiML. Prints figures only (single client, no concurrency).
"""

from __future__ import annotations

import argparse
import time
import uuid
import xml.etree.ElementTree as ElementTree

from common import PUBLIC, bench_settings, fresh_database, percentiles, small_roster, start_app
from fake_twilio import ACCOUNT_SID, HOTLINE, signed_post

TOKEN = "bench-token"
CALLS = 200
TARGET_MS = 100  # issue 10: both answers, p99
ROSTER = small_roster("5m", CALLS)  # no step is due while the calls last


def main() -> None:
    """Place the calls and print p50/p95/p99 of both answers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=CALLS, help=f"2 to {CALLS}")
    calls = max(2, min(parser.parse_args().calls, CALLS))  # a p99 needs two figures
    url, folder = fresh_database(ROSTER)
    settings = bench_settings(url, folder, sms_backend="simulator", twilio_auth_token=TOKEN)
    base, stop = start_app(settings)
    try:
        dial, bridge = run(base, calls)
    finally:
        stop()
    report("call webhook -> <Dial> TwiML", dial)
    report('screen key "1" -> bridge TwiML', bridge)
    print(f"target: p99 under {TARGET_MS} ms for both")


def run(base: str, calls: int) -> tuple[list[float], list[float]]:
    """Each officer calls once; their advocate takes the call. Seconds per answer."""
    dial, bridge = [], []
    for n in range(calls):
        call = {"CallSid": "CA" + uuid.uuid4().hex, "AccountSid": ACCOUNT_SID}
        call |= {"From": f"+1262555{2000 + n:04d}", "To": HOTLINE, "Direction": "inbound"}
        started = time.perf_counter()
        answer = post(base, PUBLIC + "/voice/inbound", {**call, "CallStatus": "ringing"})
        dial.append(time.perf_counter() - started)
        number = ElementTree.fromstring(answer).find("Dial/Number")
        assert number is not None, answer
        leg = {**call, "CallSid": "CA" + uuid.uuid4().hex, "CallStatus": "in-progress"}
        screen = ElementTree.fromstring(post(base, number.get("url", ""), leg)).find("Gather")
        assert screen is not None
        started = time.perf_counter()
        answer = post(base, screen.get("action", ""), {**leg, "Digits": "1"})
        bridge.append(time.perf_counter() - started)
        assert len(ElementTree.fromstring(answer)) == 0, answer  # put through
    return dial, bridge


def post(base: str, url: str, params: dict[str, str]) -> str:
    """A signed webhook; its TwiML."""
    response = signed_post(base, url, params, TOKEN)
    assert response.status_code == 200, response.status_code
    return response.text


def report(title: str, seconds: list[float]) -> None:
    """One line of figures in milliseconds: p50, p95, p99."""
    cuts = percentiles(seconds)
    figures = ", ".join(f"{name} {value * 1000:.1f} ms" for name, value in cuts.items())
    print(f"{title}: {figures} (n={len(seconds)})")


if __name__ == "__main__":
    main()
