"""Officer text -> first page at the Twilio API, and escalation lateness.

The app runs as a real server (SQLite), sending through the real twilio client to a fake
Twilio: first with the engine in the web process (``dispatcher run``), then with the
engine in a separate ``dispatcher worker`` process, which learns of new work by polling
each second. 200 officer texts arrive at a steady rate; for each we time from the
webhook's request to the page's request reaching the fake. With 2-second waits we then
time first page -> second step: lateness is anything past 2 s. Prints figures only.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

from common import (
    NO_SPEC,
    PUBLIC,
    ROOT,
    bench_settings,
    fresh_database,
    officers_toml,
    percentiles,
    serve,
)

from dispatcher.app import create_app
from tests.fakes import FakeTwilio, inbound_params, signed_post

TEXTS = 200
RATE = 20.0  # texts per second
WAIT = 2.0
ROSTER = """
[[people]]
name = "Ana Ruiz"
phone = "+12625550101"

[[people]]
name = "Ben Okafor"
phone = "+12625550102"

[[rosters]]
name = "advocates"
kind = "advocate"
timezone = "America/Chicago"

[[rosters.rotations]]
name = "all week"
type = "weekly"
length = 1
start = "2020-01-06T08:00"
participants = ["Ana Ruiz", "Ben Okafor"]

[rosters.escalation]
steps = [{ notify = "on-call", wait = "2s" }, { notify = "next", wait = "2s" }]
repeat = 0
""" + officers_toml(TEXTS)


def main() -> None:
    """Measure with the engine in the web process, then with a separate worker process."""
    for separate_worker in (False, True):
        first, late = run(separate_worker)
        where = "separate `dispatcher worker`" if separate_worker else "engine in-process"
        report(f"webhook -> first page at the Twilio API ({where})", first)
        report(f"escalation lateness past the 2 s wait ({where})", late)


def run(separate_worker: bool) -> tuple[list[float], list[float]]:
    """Send the texts; return first-page latencies and escalation lateness, in seconds."""
    url, folder = fresh_database(ROSTER)
    with FakeTwilio(auth_token="bench-token", spec_path=NO_SPEC) as fake:
        twilio = {
            "sms_backend": "twilio",
            "twilio_account_sid": "AC" + "2" * 32,
            "twilio_auth_token": "bench-token",
            "twilio_api_base_url": fake.base_url,
        }
        settings = bench_settings(url, folder, **twilio)
        worker = start_worker(url, folder, fake.base_url) if separate_worker else None
        app = create_app(settings, start_engine=not separate_worker)
        server, base = serve(app)
        sent_at = send_texts(base)
        pages = wait_for_pages(fake, set(sent_at), per_code=2, timeout=30)
        server.shutdown()
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)
        else:
            app.extensions["dispatcher"].extras["runner"].stop()
    first = [pages[c][0] - sent_at[c] for c in sent_at if pages.get(c)]
    late = [pages[c][1] - pages[c][0] - WAIT for c in sent_at if len(pages.get(c, [])) > 1]
    return first, late


def send_texts(base: str) -> dict[str, float]:
    """TEXTS officer texts at RATE per second; the instant each was sent, by reference code."""
    sent_at: dict[str, float] = {}
    start = time.monotonic()
    for n in range(TEXTS):
        time.sleep(max(0.0, start + n / RATE - time.monotonic()))
        began = time.monotonic()
        params = inbound_params(f"+1262555{2000 + n:04d}", "need an advocate")
        reply = signed_post(base, "https://bench.test/sms/inbound", params, "bench-token").text
        found = re.search(r"Ref ([A-Z0-9]{4})", reply)
        if found:
            sent_at[found.group(1)] = began
    return sent_at


def start_worker(url: str, folder: Path, api_base_url: str) -> subprocess.Popen[bytes]:
    """``dispatcher worker`` in its own process, configured through the environment."""
    env = {
        **os.environ,
        "DISPATCHER_DATABASE_URL": url,
        "DISPATCHER_INSTANCE_DIR": str(folder),
        "DISPATCHER_SECRET_KEY": "bench-secret-key-at-least-32-characters-long",
        "DISPATCHER_PUBLIC_BASE_URL": PUBLIC,
        "DISPATCHER_SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": "AC" + "2" * 32,
        "TWILIO_AUTH_TOKEN": "bench-token",
        "DISPATCHER_TWILIO_API_BASE_URL": api_base_url,
    }
    command = [str(ROOT / ".venv" / "bin" / "dispatcher"), "worker"]
    worker = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(3)  # let it start and take the engine lease
    return worker


def wait_for_pages(
    fake: FakeTwilio, codes: set[str], per_code: int, timeout: float
) -> dict[str, list[float]]:
    """Arrival times of page requests at the fake, per reference code."""
    deadline = time.monotonic() + timeout
    while True:
        arrivals: dict[str, list[float]] = {}
        for request in fake.requests:
            body = " ".join(request.form.get("Body", []))
            code = re.search(r"Ref ([A-Z0-9]{4})", body)
            if request.method == "POST" and code and code.group(1) in codes:
                arrivals.setdefault(code.group(1), []).append(request.received_at)
        if all(len(arrivals.get(c, [])) >= per_code for c in codes) or time.monotonic() > deadline:
            return arrivals
        time.sleep(0.2)


def report(title: str, seconds: list[float]) -> None:
    """Print p50/p95/p99 in milliseconds."""
    if len(seconds) < 2:
        print(f"{title}: not enough samples ({len(seconds)})")
        return
    figures = percentiles([s * 1000 for s in seconds])
    shown = "  ".join(f"{k}={v:.1f} ms" for k, v in figures.items())
    print(f"{title} (n={len(seconds)}): {shown}  max={max(seconds) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
