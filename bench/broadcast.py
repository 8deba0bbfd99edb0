"""A 40-person `all` step: officer text -> every page accepted by the Twilio API.

The app runs as a real server (SQLite) with the engine in-process, sending through the
real twilio client to a fake Twilio that takes 150 ms to answer each message creation
(a slow API round trip). The roster's first step pages all 40 people at once. For each of
ROUNDS requests we time from the officer's webhook to the moment the 40th page was
accepted (its request reached the fake plus the 150 ms the fake holds the answer).
Prints figures only.
"""

from __future__ import annotations

import re
import time

from common import (
    bench_settings,
    fresh_database,
    officers_toml,
    percentiles,
    roster_toml,
    start_app,
)
from fake_twilio import FakeTwilio, inbound_params, signed_post

PEOPLE = 40
ROUNDS = 10
ROUND_TRIP = 0.150  # seconds the fake API takes to answer each creation
ADVOCATES = {f"Advocate {n}": f"+1262555{3000 + n:04d}" for n in range(PEOPLE)}
ROSTER = (
    roster_toml("advocates", "advocate", "weekly", ADVOCATES)
    + '\n[rosters.escalation]\nsteps = [{ notify = "all", wait = "10m" }]\nrepeat = 0\n'
    + officers_toml(ROUNDS)
)


def main() -> None:
    """Run the rounds and print the time until all 40 pages were accepted."""
    url, folder = fresh_database(ROSTER)
    with FakeTwilio(auth_token="bench-token") as fake:
        settings = bench_settings(
            url,
            folder,
            sms_backend="twilio",
            twilio_account_sid="AC" + "2" * 32,
            twilio_auth_token="bench-token",
            twilio_api_base_url=fake.base_url,
        )
        base, stop = start_app(settings)
        took = [one_round(fake, base, n) for n in range(ROUNDS)]
        stop()
    figures = percentiles([t * 1000 for t in took])
    shown = "  ".join(f"{k}={v:.0f} ms" for k, v in figures.items())
    print(
        f"{PEOPLE}-person broadcast, {ROUND_TRIP * 1000:.0f} ms API round trip, "
        f"send_concurrency={settings.send_concurrency} (n={len(took)}): "
        f"{shown}  max={max(took) * 1000:.0f} ms"
    )


def one_round(fake: FakeTwilio, base: str, n: int) -> float:
    """One officer text; seconds until the fake accepted all 40 of its pages."""
    fake.delay_next(ROUND_TRIP, n=PEOPLE)
    began = time.monotonic()
    params = inbound_params(f"+1262555{2000 + n:04d}", "need an advocate")
    reply = signed_post(base, "https://bench.test/sms/inbound", params, "bench-token").text
    found = re.search(r"Ref ([A-Z0-9]{4})", reply)
    assert found, reply
    arrivals = wait_for_pages(fake, found.group(1), timeout=30)
    return max(arrivals) + ROUND_TRIP - began


def wait_for_pages(fake: FakeTwilio, code: str, timeout: float) -> list[float]:
    """Arrival times at the fake of the pages for ``code`` (all of them, or at the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        arrivals = [
            r.received_at
            for r in fake.requests
            if r.method == "POST" and code in " ".join(r.form.get("Body", []))
        ]
        if len(arrivals) >= PEOPLE or time.monotonic() > deadline:
            time.sleep(ROUND_TRIP)  # let the last answers go back before the next round
            return arrivals
        time.sleep(0.02)


if __name__ == "__main__":
    main()
