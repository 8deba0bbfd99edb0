"""Where a member's words may go: only to the officer of a request they are on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.codes import REFERENCE_ALPHABET, looks_like_code
from dispatcher.sms.commands import CODED_WORDS, codes_mentioned, parse
from dispatcher.sms.routing import Route, route_officer_words, route_words

CODES = st.text(alphabet=REFERENCE_ALPHABET, min_size=4, max_size=4).filter(looks_like_code)
WORDS = ["1", "ok", "2", "pass", "done", "room", "no", "new", "is", "this", "the", "girl"]
TEXTS = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(WORDS), CODES, st.text(max_size=6)), max_size=6).map(
        " ".join
    ),
)

J9VH, JFW9, K7Q4 = "J9VH", "JFW9", "K7Q4"

ROUTES = [
    # (text, requests the sender is on, pages waiting on them, route)
    ("1 JFW9 is this the girl from last week", {J9VH}, {JFW9}, Route("not_sent", codes=(J9VH,))),
    ("is this the girl from JFW9", {J9VH}, {JFW9}, Route("not_sent", codes=(J9VH,))),
    ("JFW9 is this the girl", {J9VH}, {JFW9}, Route("not_sent", codes=(J9VH,))),
    ("J9VH on my way", {J9VH}, {JFW9}, Route("relay", code=J9VH, words="on my way")),
    ("at the back door", {J9VH}, {JFW9}, Route("relay", code=J9VH, words="at the back door")),
    ("at the back door", {J9VH, K7Q4}, set(), Route("not_sent", codes=(J9VH, K7Q4))),
    ("J9VH at 7943 Main St", {J9VH}, {JFW9}, Route("relay", code=J9VH, words="at 7943 Main St")),
    ("at 7943 Main St", {J9VH}, set(), Route("relay", code=J9VH, words="at 7943 Main St")),
    ("J9VH not JFW9", {J9VH}, {JFW9}, Route("not_sent", codes=(J9VH,))),
    ("K7Q4 at the back door", {J9VH, K7Q4}, set(), Route("relay", code=K7Q4, words="x")),
    ("ok thanks, see you", {J9VH}, set(), Route("not_sent", codes=(J9VH,))),
    ("at the back door", set(), {JFW9}, Route("help")),
    ("on my way", set(), {JFW9}, Route("accept", code=JFW9)),
    ("omw", set(), {JFW9, K7Q4}, Route("choose", codes=(JFW9, K7Q4))),
    ("omw", {J9VH}, {JFW9}, Route("choose", codes=(J9VH, JFW9))),
    ("on my way", {J9VH}, set(), Route("relay", code=J9VH, words="on my way")),
    ("new one at the motel", {J9VH}, set(), Route("not_sent", codes=(J9VH,))),
]


@pytest.mark.parametrize(("text", "on", "waiting", "expected"), ROUTES)
def test_routes(text: str, on: set[str], waiting: set[str], expected: Route) -> None:
    route = route_words(parse(text), on, waiting)
    assert (route.action, route.code, route.codes) == (
        expected.action,
        expected.code,
        expected.codes,
    )
    if expected.action == "relay" and expected.words != "x":
        assert route.words == expected.words


@given(TEXTS, st.sets(CODES, max_size=3), st.sets(CODES, max_size=3))
def test_words_are_relayed_only_to_a_request_the_sender_is_on(
    text: str, on: set[str], waiting: set[str]
) -> None:
    command = parse(text)
    route = route_words(command, on, waiting)
    if route.action == "relay":
        assert route.code in on
        assert codes_mentioned(route.words) & (on | waiting) <= {route.code}
        assert command.kind in ("text", "soft_accept")
    if route.action == "accept":
        assert route.code in waiting


@given(st.sampled_from(sorted(CODED_WORDS)), CODES, st.text(), st.sets(CODES, max_size=3))
def test_a_command_word_and_a_code_is_never_relayed(
    word: str, code: str, rest: str, on: set[str]
) -> None:
    command = parse(f"{word} {code} {rest}")
    assert route_words(command, on | {code}, {code}).action != "relay"


OFFICER_ROUTES = [
    # (text, the officer's open requests, route)
    ("she is 16", [K7Q4], Route("relay", code=K7Q4, words="she is 16")),
    ("ok, thanks", [K7Q4], Route("relay", code=K7Q4, words="ok, thanks")),
    ("she is 16", [K7Q4, JFW9], Route("choose", codes=(K7Q4, JFW9))),
    ("k7q4 she is 16!", [K7Q4, JFW9], Route("relay", code=K7Q4, words="she is 16!")),
    ("J9VH she is 16", [JFW9, K7Q4], Route("choose", codes=(JFW9, K7Q4))),
    ("done with the interview", [K7Q4], Route("not_sent", codes=(K7Q4,))),
    ("room for her too", [K7Q4], Route("not_sent", codes=(K7Q4,))),
]


@pytest.mark.parametrize(("text", "open_codes", "expected"), OFFICER_ROUTES)
def test_officer_routes(text: str, open_codes: list[str], expected: Route) -> None:
    assert route_officer_words(parse(text), open_codes) == expected


@given(TEXTS, st.sets(CODES, min_size=1, max_size=3))
def test_an_officers_words_go_to_one_of_their_requests(text: str, open_codes: set[str]) -> None:
    route = route_officer_words(parse(text), open_codes)
    if route.action == "relay":
        assert route.code in open_codes
        assert len(open_codes) == 1 or text.split()[0].upper().rstrip(".,;:!?") == route.code
