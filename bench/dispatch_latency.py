"""Officer text -> first page at the Twilio API, and escalation lateness.

The app runs as a real server, sending through the real twilio client to a fake Twilio,
in three topologies: the engine in the web process (``dispatcher run``, SQLite); the engine
in one separate ``dispatcher worker`` (SQLite: it learns of new work by polling each
second); production (gunicorn -w 2 and two workers on PostgreSQL, woken by NOTIFY).
200 officer texts arrive at a steady rate; for each we time from the webhook's request to
the page's request reaching the fake. With 2-second waits we then
time first page -> second step: lateness is anything past 2 s. Prints figures only.

Before the measured texts, WARMUP texts at one a second warm the service up (its first
requests compile statements and fill pools; its first housekeeping, 10 s after start,
reads every table once), and their escalations run out: the figures are the steady state,
and the first text after start is printed on its own. ``--warmup 0`` measures from start.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from common import (
    PUBLIC,
    ROOT,
    fresh_database,
    fresh_postgres_database,
    percentiles,
    small_roster,
    start_app,
    tree_cpu_seconds,
)
from fake_twilio import FakeTwilio, inbound_params, signed_post

from dispatcher.settings import load_settings

BIN = ROOT / ".venv" / "bin"
TEXTS = 200
RATE = 20.0  # texts per second
WAIT = 2.0
WARMUP = 12  # texts at one a second: past the first housekeeping
ROSTER = small_roster(f"{WAIT:.0f}s", TEXTS + WARMUP)


# The service's processes (with their children) whose CPU the run measures.
PIDS: list[int] = []
PROCESSES = {
    "in-process": ["this process"],
    "worker": ["this process (web)", "worker"],
    "production": ["gunicorn", "worker", "worker"],
}
TITLES = {
    "in-process": "engine in-process, SQLite",
    "worker": "separate `dispatcher worker`, SQLite",
    "production": "gunicorn -w 2 and two workers, PostgreSQL",
}


def main() -> None:
    """Measure each topology (or those named): in-process, a separate worker, production."""
    global RATE, TEXTS, WARMUP
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modes", nargs="*", help=f"some of {', '.join(TITLES)} (default: all)")
    parser.add_argument("--rate", type=float, default=RATE, help="officer texts per second")
    parser.add_argument("--texts", type=int, default=TEXTS, help=f"at most {TEXTS}")
    parser.add_argument("--warmup", type=int, default=WARMUP, help=f"at most {WARMUP}")
    args = parser.parse_args()
    TEXTS = min(args.texts, TEXTS)  # the roster lists TEXTS + WARMUP officers
    WARMUP = min(max(args.warmup, 0), WARMUP)
    if unknown := set(args.modes) - set(TITLES):
        parser.error(f"unknown mode(s): {', '.join(sorted(unknown))}")
    RATE = args.rate
    for mode in args.modes or TITLES:
        where = TITLES[mode]
        first, late = run(mode)
        report(f"webhook -> first page at the Twilio API ({where})", first)
        report(f"escalation lateness past the 2 s wait ({where})", late)


def run(mode: str) -> tuple[list[float], list[float]]:
    """Send the texts; return first-page latencies and escalation lateness, in seconds."""
    production = mode == "production"
    url, folder = fresh_postgres_database(ROSTER) if production else fresh_database(ROSTER)
    PIDS.clear()
    with FakeTwilio(auth_token="bench-token") as fake:
        env = service_env(url, folder, fake.base_url)
        base, stop = start_production(env) if production else start_single(mode, env)
        if WARMUP:
            warm = send_texts(base, range(TEXTS, TEXTS + WARMUP), rate=1.0)
            cold = wait_for_pages(fake, set(warm), per_code=2, timeout=30)
            first_text = min(warm, key=warm.__getitem__)
            if cold.get(first_text):
                took = cold[first_text][0] - warm[first_text]
                print(f"first text after start: first page after {took * 1000:.0f} ms")
            time.sleep(2 * WAIT + 1)  # the warm-up's steps and give-ups run out
        before = [tree_cpu_seconds(pid) for pid in PIDS]
        sent_at = send_texts(base, range(TEXTS), RATE)
        pages = wait_for_pages(fake, set(sent_at), per_code=2, timeout=30)
        spent = [tree_cpu_seconds(pid) - was for pid, was in zip(PIDS, before, strict=True)]
        stop()
    if spent:
        each = ", ".join(f"{seconds / TEXTS * 1000:.1f}" for seconds in spent)
        print(f"CPU per text, ms, by process tree ({' / '.join(PROCESSES[mode])}): {each}")
    first = [pages[c][0] - sent_at[c] for c in sent_at if pages.get(c)]
    late = [pages[c][1] - pages[c][0] - WAIT for c in sent_at if len(pages.get(c, [])) > 1]
    return first, late


def start_single(mode: str, env: dict[str, str]) -> tuple[str, Callable[[], None]]:
    """The web in this process (werkzeug), with the engine in it or in one worker process."""
    settings = load_settings(environ=env)
    PIDS.append(os.getpid())
    worker = None if mode == "in-process" else start_processes([["worker"]], env)
    if worker is not None:
        wait_for(lambda: engine_ticked(env["DISPATCHER_DATABASE_URL"]), "the worker's first tick")
    base, stop_app = start_app(settings, start_engine=worker is None)

    def stop() -> None:
        stop_app()
        if worker is not None:
            stop_processes(worker)

    return base, stop


def start_production(env: dict[str, str]) -> tuple[str, Callable[[], None]]:
    """gunicorn -w 2 with the repository's gunicorn.conf.py, and two workers."""
    port = free_port()
    web = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")]
    web += ["--bind", f"127.0.0.1:{port}", "--workers", "2"]
    processes = start_processes([web, ["worker"], ["worker"]], env)
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: answers(f"{base}/healthz"), "gunicorn serving")
    wait_for(lambda: listeners(env["DISPATCHER_DATABASE_URL"]) >= 2, "both workers' LISTEN")
    return base, lambda: stop_processes(processes)


def wait_for(ready: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Poll ``ready`` every 50 ms until it holds; give up after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.05)


def answers(url: str) -> bool:
    """True when ``url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def listeners(url: str) -> int:
    """How many sessions of the service's database LISTEN (the workers, once started)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            query = (
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query ILIKE 'LISTEN%'"
            )
            return int(connection.execute(sa.text(query)).scalar_one())
    finally:
        engine.dispose()


def engine_ticked(url: str) -> bool:
    """True once an engine recorded a tick in the lease row."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            query = "SELECT count(*) FROM engine_leases WHERE last_tick_at IS NOT NULL"
            return int(connection.execute(sa.text(query)).scalar_one()) > 0
    finally:
        engine.dispose()


def service_env(url: str, folder: Path, api_base_url: str) -> dict[str, str]:
    """The environment every process of the service is configured by."""
    return {
        **os.environ,
        "DISPATCHER_DATABASE_URL": url,
        "DISPATCHER_INSTANCE_DIR": str(folder),
        "DISPATCHER_SECRET_KEY": "bench-secret-key-at-least-32-characters-long",
        "DISPATCHER_PUBLIC_BASE_URL": PUBLIC,
        "DISPATCHER_SMS_BACKEND": "twilio",
        "DISPATCHER_ENGINE_IN_PROCESS": "false",
        "TWILIO_ACCOUNT_SID": "AC" + "2" * 32,
        "TWILIO_AUTH_TOKEN": "bench-token",
        "DISPATCHER_TWILIO_API_BASE_URL": api_base_url,
    }


def start_processes(
    commands: list[list[str]], env: dict[str, str]
) -> list[subprocess.Popen[bytes]]:
    """Start each command (``["worker"]`` is ``dispatcher worker``); the caller waits for them."""
    processes = []
    for command in commands:
        argv = [str(BIN / "dispatcher"), *command] if command == ["worker"] else command
        processes.append(
            subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
    PIDS.extend(process.pid for process in processes)
    return processes


def stop_processes(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each process and wait for it."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def send_texts(base: str, officers: range, rate: float) -> dict[str, float]:
    """A text from each of ``officers`` (their numbers in the roster), ``rate`` per second;
    the instant each was sent, by reference code."""
    sent_at: dict[str, float] = {}
    start = time.monotonic()
    for k, n in enumerate(officers):
        time.sleep(max(0.0, start + k / rate - time.monotonic()))
        began = time.monotonic()
        params = inbound_params(f"+1262555{2000 + n:04d}", "need an advocate")
        reply = signed_post(base, "https://bench.test/sms/inbound", params, "bench-token").text
        found = re.search(r"Ref ([A-Z0-9]{4})", reply)
        if found:
            sent_at[found.group(1)] = began
    return sent_at


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
