"""Signed inbound SMS webhook under 50 concurrent clients, against a bare Flask endpoint.

Each server runs in its own process on werkzeug's threaded server (as ``dispatcher run``),
so the load generator never shares a GIL with it. The real app is ``create_app`` on a
fresh SQLite file with a small roster, the simulator backend and the engine running
in-process; the bare app answers a constant TwiML string with no signature check and no
database.

50 clients (threads in this process, each with a keep-alive ``requests.Session``) send a
warm-up, then a fixed batch of requests flat out (each client sends again as soon as it
has its answer), then a shorter batch paced at 60% of the webhook's flat-out rate, the
same pace for both servers. Every request is a Twilio-signed POST to ``/sms/inbound`` with
its own MessageSid. The mix: new unknown numbers (referral reply and an anonymous count),
roster members texting WHO or STATUS, enrolled officers texting STATUS with nothing open
(after three help replies an hour a number gets an empty answer). Nothing opens a
request, so this times the webhook rather than the engine.

Flat out, 50 clients always wait on each other: latency is about 50 / throughput. The
paced figures show latency below saturation. On a 2-CPU machine one client process
drives the servers slightly harder than 2 or 4 (``--client-processes N``), whose extra
processes take CPU from the server; but with one process the client's own GIL adds some
queueing to the bare endpoint's flat-out latency. Prints figures only: requests/s,
p50/p95/p99 latency, the server process's CPU time per request, the throughput ratio.

Run: .venv/bin/python bench/webhook_throughput.py [--requests 3000] [--client-processes 1]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from urllib.parse import urlencode

import requests
from common import bench_settings, fresh_database, officers_toml, percentiles, roster_toml
from fake_twilio import inbound_params, signature
from flask import Flask, Response
from werkzeug.serving import make_server

from dispatcher.app import create_app
from dispatcher.settings import Settings

CLIENTS = 50
REQUESTS = 3000
WARMUP = 500
PACED = 1000  # at most, and at most PACED_SECONDS' worth
PACED_SHARE = 0.6
PACED_SECONDS = 5.0
PATH = "/sms/inbound"
MEMBERS = [f"+1262555{101 + n:04d}" for n in range(8)]
OFFICERS = 40
MIX = (("unknown", 40), ("who", 25), ("member_status", 15), ("officer_status", 20))
BARE_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
    "This number is for partner agencies. If you need help, call 1-888-373-7888."
    "</Message></Response>"
)
SPAWN = multiprocessing.get_context("spawn")
ADVOCATES = {f"Member {n}": MEMBERS[n] for n in range(4)}
HOTELS = {f"Member {n}": MEMBERS[n] for n in range(4, 8)}
ROSTER = (
    roster_toml("advocates", "advocate", "weekly", ADVOCATES)
    + roster_toml("hotels", "hotel", "daily", HOTELS)
    + officers_toml(OFFICERS)
)


@dataclass(frozen=True)
class Job:
    """One prepared request: the urlencoded form and its headers (signature included)."""

    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Figures:
    """What one load run measured: seconds per request, the run's wall time, failures."""

    latencies: list[float]
    wall: float
    errors: int


# -- the servers (each in its own process) ----------------------------------------------


def bare_app() -> Flask:
    """One route answering constant TwiML: no signature check, no database."""
    app = Flask("bare")

    @app.post(PATH)
    def inbound() -> Response:
        return Response(BARE_TWIML, content_type="text/xml; charset=utf-8")

    return app


def serve_until_stopped(settings: Settings | None, control: Connection) -> None:
    """Child process: serve the real app (the bare one when ``settings`` is None).

    Sends its port on ``control``, then answers each "cpu" with its CPU seconds so far,
    until "stop" (or until the parent goes away).
    """
    with open(os.devnull, "w") as sink:
        sys.stderr = sink  # the event logs still cost their formatting, as in production
        app = bare_app() if settings is None else create_app(settings, start_engine=True)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        control.send(server.server_port)
        with suppress(EOFError):
            while control.recv() == "cpu":
                control.send(time.process_time())
        server.shutdown()
        server.server_close()
        runtime = app.extensions.get("dispatcher")
        if runtime is not None:
            runtime.runner.stop()


@dataclass(frozen=True)
class Served:
    """A running server process: where it listens, and the line to ask its CPU time."""

    base: str
    control: Connection

    def cpu(self) -> float:
        """CPU seconds the server process has used so far."""
        self.control.send("cpu")
        seconds: float = self.control.recv()
        return seconds


@contextmanager
def served(settings: Settings | None) -> Iterator[Served]:
    """Start a server process and yield it; stop it after (killing it if it hangs)."""
    ours, theirs = SPAWN.Pipe()
    process = SPAWN.Process(target=serve_until_stopped, args=(settings, theirs), daemon=True)
    process.start()
    try:
        if not ours.poll(30):
            raise RuntimeError("the server process did not start within 30 s")
        yield Served(f"http://127.0.0.1:{ours.recv()}", ours)
    finally:
        with suppress(OSError):
            ours.send("stop")
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join()


# -- the requests ------------------------------------------------------------------------


def prepare(count: int, settings: Settings, seed: int) -> list[Job]:
    """``count`` signed inbound texts in the mix, each with a fresh MessageSid."""
    rng = random.Random(seed)
    kinds = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX], k=count)
    url = settings.public_base_url + PATH
    jobs = []
    for n, kind in enumerate(kinds):
        params = inbound_params(*sender_and_body(kind, rng, seed * 1_000_000 + n))
        headers = {
            "X-Twilio-Signature": signature(url, params, settings.twilio_auth_token),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        jobs.append(Job(urlencode(params).encode(), headers))
    return jobs


def sender_and_body(kind: str, rng: random.Random, serial: int) -> tuple[str, str]:
    """Who texts what for one request of ``kind``."""
    if kind == "unknown":  # a different stranger every time
        return f"+1414{2_000_000 + serial % 8_000_000:07d}", "hi is this the hotline"
    if kind == "who":
        return rng.choice(MEMBERS), "WHO"
    if kind == "member_status":
        return rng.choice(MEMBERS), "STATUS"
    return f"+1262555{2000 + rng.randrange(OFFICERS):04d}", "STATUS"


# -- the load generator -----------------------------------------------------------------


def run_clients(
    base: str, jobs: list[Job], clients: int, start_at: float, rate: float | None = None
) -> Figures:
    """``clients`` threads with keep-alive sessions share ``jobs``; time each request.

    Each client sends its next job as soon as it has an answer, or, with ``rate``, no
    sooner than the job's place in a steady schedule of ``rate`` requests per second.
    """
    pending = enumerate(jobs)
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]

    def client() -> None:
        with requests.Session() as session:
            session.trust_env = False
            while True:
                with lock:
                    n, job = next(pending, (0, None))
                if job is None:
                    return
                if rate:
                    time.sleep(max(0.0, start_at + n / rate - time.monotonic()))
                began = time.perf_counter()
                answer = session.post(base + PATH, data=job.body, headers=job.headers, timeout=10)
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    errors[0] += answer.status_code != 200

    threads = [threading.Thread(target=client) for _ in range(clients)]
    time.sleep(max(0.0, start_at - time.monotonic()))
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Figures(latencies, time.monotonic() - began, errors[0])


def load(base: str, jobs: list[Job], processes: int, rate: float | None = None) -> Figures:
    """Send ``jobs`` from ``CLIENTS`` clients in ``processes`` processes (1: this one)."""
    if processes <= 1:
        return run_clients(base, jobs, CLIENTS, time.monotonic(), rate)
    start_at = time.monotonic() + 3.0  # every worker is up and done importing by then
    shares = [CLIENTS // processes + (i < CLIENTS % processes) for i in range(processes)]
    each = rate / processes if rate else None
    with ProcessPoolExecutor(processes, mp_context=SPAWN) as pool:
        parts = [
            pool.submit(run_clients, base, jobs[i::processes], share, start_at, each)
            for i, share in enumerate(shares)
        ]
        results = [part.result() for part in parts]
    return Figures(
        [s for r in results for s in r.latencies],
        max(r.wall for r in results),
        sum(r.errors for r in results),
    )


@dataclass(frozen=True)
class Batches:
    """The requests of one run: warm-up, the timed batch, and the paced batch."""

    warmup: list[Job]
    timed: list[Job]
    paced: list[Job]


def measure(
    title: str, settings: Settings | None, batches: Batches, processes: int, paced_rate: float
) -> float:
    """Serve, warm up, time flat out then paced (0: PACED_SHARE of flat out); return req/s."""
    with served(settings) as server:
        load(server.base, batches.warmup, processes)
        began = server.cpu()
        figures = load(server.base, batches.timed, processes)
        cpu = server.cpu() - began
        rate = len(figures.latencies) / figures.wall
        paced_rate = paced_rate or rate * PACED_SHARE
        count = min(len(batches.paced), int(paced_rate * PACED_SECONDS))
        paced = load(server.base, batches.paced[:count], processes, paced_rate)
    cpu_each = cpu / len(figures.latencies) * 1000
    print(f"{title:<20} flat out  {summary(figures)}  server CPU {cpu_each:4.2f} ms/req")
    print(f"{'':<20} paced     {summary(paced)}")
    return rate


def summary(figures: Figures) -> str:
    """Requests/s, p50/p95/p99 and max in milliseconds, count and failures."""
    cuts = percentiles([s * 1000 for s in figures.latencies])
    shown = "  ".join(f"{k}={v:5.1f} ms" for k, v in cuts.items())
    count = len(figures.latencies)
    return (
        f"{count / figures.wall:5.0f} req/s  {shown}  max={max(figures.latencies) * 1000:6.1f} ms"
        f"  (n={count}, non-200={figures.errors})"
    )


def main() -> None:
    """Measure the signed webhook and the bare endpoint; print both and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--client-processes", type=int, default=1)
    options = parser.parse_args()
    url, folder = fresh_database(ROSTER)
    try:
        settings = bench_settings(url, folder, twilio_auth_token="bench-token")
        batches = Batches(
            prepare(WARMUP, settings, seed=1),
            prepare(options.requests, settings, seed=2),
            prepare(PACED, settings, seed=3),
        )
        processes = options.client_processes
        print(
            f"{CLIENTS} clients in {processes} process(es), each server in its own process; "
            f"{options.requests} requests after {WARMUP} warm-up, flat out; then paced at "
            f"{PACED_SHARE:.0%} of the webhook's flat-out rate; mix: "
            + ", ".join(f"{kind} {weight}%" for kind, weight in MIX)
        )
        webhook = measure("signed /sms/inbound", settings, batches, processes, 0.0)
        bare = measure("bare Flask endpoint", None, batches, processes, webhook * PACED_SHARE)
        print(f"webhook throughput / bare throughput (flat out): {webhook / bare:.0%}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
