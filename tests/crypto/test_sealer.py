"""Sealing: AES-GCM tokens with padded lengths, hourly keys that are erased on time."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.clock import ManualClock
from dispatcher.crypto import Sealer, Unreadable, key_lifetime
from dispatcher.crypto.keyring import EPOCH, epoch_of
from dispatcher.crypto.tokens import BUCKET, HEADER_SIZE, NONCE_SIZE, TAG_SIZE, VERSION
from tests.support.databases import START

SECRET = "a-secret-key-long-enough-for-anyone-0123"
KEEP = key_lifetime(timedelta(hours=24), timedelta(hours=2))


def sealer(
    keys: Path, clock: ManualClock, secret: str = SECRET, previous: tuple[str, ...] = ()
) -> Sealer:
    """A sealer on ``keys`` with the default 26-hour lifetime."""
    return Sealer(secret, clock, keys, previous_secret_keys=previous, keep=KEEP)


def key_files(keys: Path) -> list[Path]:
    """The key files in a key directory."""
    return sorted(keys.glob("*.key"))


@pytest.mark.parametrize(
    "text",
    ["", "x", "Maria Esperanza Lopez, DOB 03/14/2009", "Мария Лопес", "🚓" * 70, "a" * 5000],
)
def test_round_trip(tmp_path: Path, clock: ManualClock, text: str) -> None:
    assert sealer(tmp_path, clock).open(sealer(tmp_path, clock).seal(text)) == text


@pytest.mark.parametrize(
    ("utf8_bytes", "buckets"),
    [(0, 1), (1, 1), (BUCKET - 4, 1), (BUCKET - 3, 2), (2 * BUCKET - 4, 2), (2 * BUCKET, 3)],
)
def test_lengths_leak_only_the_bucket(
    tmp_path: Path, clock: ManualClock, utf8_bytes: int, buckets: int
) -> None:
    token = sealer(tmp_path, clock).seal("a" * utf8_bytes)
    assert len(token) == HEADER_SIZE + NONCE_SIZE + TAG_SIZE + BUCKET * buckets


@pytest.fixture(scope="module")
def shared_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A key directory for property tests (their examples share it)."""
    return tmp_path_factory.mktemp("keys")


@given(text=st.text(max_size=700))
def test_any_text_round_trips_in_its_bucket(shared_keys: Path, text: str) -> None:
    seal = sealer(shared_keys, ManualClock(START))
    token = seal.seal(text)
    assert seal.open(token) == text
    assert (len(token) - HEADER_SIZE - NONCE_SIZE - TAG_SIZE) % BUCKET == 0
    assert len(token) - HEADER_SIZE - NONCE_SIZE - TAG_SIZE - BUCKET < 4 + len(text.encode())


def test_tokens_carry_a_random_key_id_and_no_time(tmp_path: Path, clock: ManualClock) -> None:
    first = sealer(tmp_path / "one", clock)
    early = first.seal("same words")
    clock.advance(timedelta(minutes=59))
    late = first.seal("same words")
    assert early[0] == late[0] == VERSION
    # Within the hour only the random nonce and the ciphertext differ: no clock in the token.
    assert early[:HEADER_SIZE] == late[:HEADER_SIZE]
    assert early[HEADER_SIZE:] != late[HEADER_SIZE:] and len(early) == len(late)
    clock.advance(timedelta(minutes=1))
    next_hour = first.seal("same words")
    elsewhere = sealer(tmp_path / "two", clock).seal("same words")
    key_ids = {t[1:HEADER_SIZE] for t in (early, next_hour, elsewhere)}
    assert len(key_ids) == 3  # per hour and per key directory: random, not derived from time


def test_keys_are_erased_when_their_lifetime_ends(tmp_path: Path, clock: ManualClock) -> None:
    keys = tmp_path / "keys"
    seal = sealer(keys, clock)
    token = seal.seal("Maria Esperanza Lopez")
    (file,) = key_files(keys)
    copy = tmp_path / "same-inode"
    os.link(file, copy)  # sees the very bytes the erasure overwrites
    end_of_life = epoch_of(START) + EPOCH + KEEP
    assert seal.erase_expired(end_of_life - timedelta(seconds=1)) == 0
    clock.set(end_of_life - timedelta(seconds=1))
    assert seal.open(token) == "Maria Esperanza Lopez"
    clock.set(end_of_life)
    assert seal.erase_expired() == 1
    assert key_files(keys) == []
    assert copy.read_bytes() == bytes(len(copy.read_bytes())) and copy.stat().st_size > 0
    for opener in (seal, sealer(keys, clock)):
        with pytest.raises(Unreadable):
            opener.open(token)


def test_an_expired_key_opens_nothing_even_before_it_is_erased(
    tmp_path: Path, clock: ManualClock
) -> None:
    seal = sealer(tmp_path, clock)
    token = seal.seal("words")
    clock.set(epoch_of(START) + EPOCH + KEEP)
    with pytest.raises(Unreadable):
        seal.open(token)
    assert len(key_files(tmp_path)) == 1  # housekeeping has not run yet


def test_two_sealers_on_one_directory_agree(tmp_path: Path, clock: ManualClock) -> None:
    web, worker = sealer(tmp_path, clock), sealer(tmp_path, clock)
    assert worker.open(web.seal("from the web")) == "from the web"
    assert web.open(worker.seal("from a worker")) == "from a worker"
    clock.advance(timedelta(hours=1))
    assert web.open(worker.seal("next hour")) == "next hour"
    assert len(key_files(tmp_path)) == 2


def test_racing_creators_end_with_one_key(tmp_path: Path, clock: ManualClock) -> None:
    sealers = [sealer(tmp_path, clock) for _ in range(8)]
    tokens: list[bytes] = []
    barrier = threading.Barrier(len(sealers))

    def seal_at_once(one: Sealer) -> None:
        barrier.wait()
        tokens.append(one.seal("race"))

    threads = [threading.Thread(target=seal_at_once, args=(s,)) for s in sealers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(key_files(tmp_path)) == 1
    assert {t[1:HEADER_SIZE] for t in tokens} == {tokens[0][1:HEADER_SIZE]}
    assert all(s.open(t) == "race" for s in sealers for t in tokens)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


SEAL_IN_A_PROCESS = """
import sys
from datetime import datetime
from dispatcher.clock import ManualClock
from dispatcher.crypto import Sealer
clock = ManualClock(datetime.fromisoformat(sys.argv[2]))
sys.stdout.write(Sealer(sys.argv[3], clock, sys.argv[1]).seal("from another process").hex())
"""


def test_processes_sharing_the_directory_agree(tmp_path: Path, clock: ManualClock) -> None:
    here = sealer(tmp_path, clock)
    mine = here.seal("from this process")
    command = [sys.executable, "-c", SEAL_IN_A_PROCESS, str(tmp_path), START.isoformat(), SECRET]
    theirs = bytes.fromhex(subprocess.run(command, check=True, capture_output=True).stdout.decode())
    assert here.open(theirs) == "from another process"
    assert theirs[:HEADER_SIZE] == mine[:HEADER_SIZE] and len(key_files(tmp_path)) == 1


def test_previous_secret_keys_keep_the_last_hours_readable(
    tmp_path: Path, clock: ManualClock
) -> None:
    token = sealer(tmp_path, clock, "old-secret-key").seal("before the rotation")
    rotated = sealer(tmp_path, clock, "new-secret-key", previous=("old-secret-key",))
    assert rotated.open(token) == "before the rotation"
    after = rotated.seal("after the rotation")
    assert sealer(tmp_path, clock, "new-secret-key").open(after) == "after the rotation"
    with pytest.raises(Unreadable):
        sealer(tmp_path, clock, "new-secret-key").open(token)


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[:-1] + bytes([t[-1] ^ 1]),  # a flipped bit in the tag
        lambda t: t[:40] + bytes([t[40] ^ 1]) + t[41:],  # in the ciphertext
        lambda t: bytes([0x80]) + t[1:],  # an unknown version (a Fernet token starts so)
        lambda t: t[:-BUCKET],  # cut short
        lambda t: b"",
        lambda t: b"gAAAAABlongFernetToken",
    ],
)
def test_wrong_secret_or_damage_gives_unreadable(
    tmp_path: Path, clock: ManualClock, damage: Callable[[bytes], bytes]
) -> None:
    token = sealer(tmp_path, clock).seal("words")
    with pytest.raises(Unreadable):
        sealer(tmp_path, clock, "some-other-secret").open(token)
    with pytest.raises(ValueError):  # callers that catch ValueError keep working
        sealer(tmp_path, clock).open(damage(token))


def test_key_files_are_the_owners_alone(tmp_path: Path, clock: ManualClock) -> None:
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o755)
    keys.chmod(0o755)
    old = os.umask(0)
    try:
        sealer(keys, clock).seal("words")
    finally:
        os.umask(old)
    assert keys.stat().st_mode & 0o777 == 0o700
    assert [f.stat().st_mode & 0o777 for f in key_files(keys)] == [0o600]


def test_a_crashed_creators_leftover_is_erased(tmp_path: Path, clock: ManualClock) -> None:
    seal = sealer(tmp_path, clock)
    token = seal.seal("words")
    (live,) = key_files(tmp_path)
    stray = tmp_path / ".20260310T12-0000.key.abcd.tmp"
    stray.write_bytes(b"wrapped key")
    twin = tmp_path / f".{live.name}.ef01.tmp"  # linked, then the creator died
    os.link(live, twin)
    for path in (stray, twin):
        os.utime(path, (0, 0))
    seal.erase_expired()
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name]
    assert seal.open(token) == "words"
