"""When OK is a check-in and when it is still an accept: the rule, as a table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.sms.checkin_words import OkRoute, read_ok
from dispatcher.sms.commands import parse

K, M, P = "K7Q4", "M3P9", "W4X7"
CASES = [
    # text, running check-ins, pages waiting, what happens
    (f"OK {K}", [K], [], OkRoute("checkin", code=K)),
    (f"ok {K}.", [K], [], OkRoute("checkin", code=K)),
    (f"OK {K} at the motel, room 12", [K], [], OkRoute("checkin", code=K)),
    (f"OK {K}", [K], [P], OkRoute("checkin", code=K)),
    (f"OK {P}", [K], [P], OkRoute("other")),  # accepts the waiting page
    (f"OK {P}", [], [P], OkRoute("other")),
    ("OK", [K], [], OkRoute("checkin", code=K)),
    ("ok!", [K], [], OkRoute("checkin", code=K)),
    ("OK", [K, M], [], OkRoute("choose", codes=(K, M))),
    ("OK", [K], [P], OkRoute("choose", codes=(K, P))),
    ("OK", [], [P], OkRoute("other")),
    ("OK", [], [], OkRoute("other")),
    ("OK all good", [K], [], OkRoute("checkin", code=K)),
    ("ok thanks", [K], [P], OkRoute("other")),
    ("ok thanks", [K, M], [], OkRoute("other")),
    ("1", [K], [], OkRoute("other")),
    (f"1 {K}", [K], [], OkRoute("other")),
    (f"A {K}", [K], [], OkRoute("other")),
    (f"ACCEPT {K}", [K], [], OkRoute("other")),
    ("okay", [K], [], OkRoute("other")),  # words, relayed by the usual rules
    (f"DONE {K}", [K], [], OkRoute("other")),
]


@pytest.mark.parametrize(("text", "running", "waiting", "expected"), CASES)
def test_ok_rule(text: str, running: list[str], waiting: list[str], expected: OkRoute) -> None:
    assert read_ok(parse(text), running, waiting) == expected


@given(st.text(max_size=40), st.lists(st.sampled_from([K, M, P]), max_size=3))
def test_nothing_is_a_check_in_without_one_running(text: str, waiting: list[str]) -> None:
    assert read_ok(parse(text), [], waiting).action == "other"


@given(st.text(max_size=40))
def test_a_check_in_names_a_running_code(text: str) -> None:
    route = read_ok(parse(text), [K, M], [P])
    assert route.action in ("checkin", "choose", "other")
    if route.action == "checkin":
        assert route.code in (K, M)
