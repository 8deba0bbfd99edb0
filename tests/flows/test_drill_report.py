"""The drill report as a pure function of ended drills: by roster, by person, who missed."""

from __future__ import annotations

from datetime import UTC, datetime

from dispatcher.flows.drillreport import Ended, Miss, summarize
from dispatcher.flows.drills import answer_of

SINCE = datetime(2025, 3, 10, tzinfo=UTC)
NAMES = {1: "Ana Ruiz", 2: "Ben Okafor", 3: "Cruz Lee"}


def step(n: int, member: int, answer: str, paged: int, answered: int | None = None) -> dict:
    """One page of a drill's result."""
    return {
        "step": n,
        "round": 0,
        "member_id": member,
        "paged_after": paged,
        "answer": answer,
        "answered_after": answered,
    }


def drill(day: int, roster: str, seconds: int | None, depth: int, *steps: dict) -> Ended:
    """A drill started on ``day`` March 2026 that ran to its end."""
    return Ended(
        roster, datetime(2026, 3, day, 9, tzinfo=UTC), seconds is not None, seconds, depth, steps
    )


def test_lines_by_roster_and_person_and_the_misses_newest_first() -> None:
    report = summarize(
        SINCE,
        [
            drill(1, "advocates", 120, 1, step(1, 1, "accepted", 0, 120)),
            drill(
                2,
                "advocates",
                420,
                2,
                step(1, 1, "missed", 0),
                step(2, 2, "accepted", 300, 420),
            ),
            drill(3, "advocates", None, 3, step(1, 3, "declined", 0, 30), step(2, 1, "missed", 30)),
            drill(4, "hotels", 60, 1, step(1, 9, "accepted", 0, 60)),
        ],
        NAMES,
    )
    advocates, hotels = report.rosters
    assert (advocates.drills, advocates.passed, advocates.missed) == (3, 2, 1)
    assert (advocates.median_seconds, advocates.slowest_seconds) == (270, 420)
    assert (hotels.roster, hotels.median_seconds, hotels.median_depth) == ("hotels", 60, 1.0)
    people = {p.name: p for p in report.people}
    ana = people["Ana Ruiz"]
    assert (ana.pages, ana.accepted, ana.missed, ana.median_seconds) == (3, 1, 2, 120)
    assert people["Ben Okafor"].median_seconds == 120  # from his own page at 300 s
    assert people["Cruz Lee"].declined == 1
    assert people["someone removed"].accepted == 1
    assert report.misses == (
        Miss(datetime(2026, 3, 3, 9, tzinfo=UTC), "advocates", "Ana Ruiz", 2),
        Miss(datetime(2026, 3, 2, 9, tzinfo=UTC), "advocates", "Ana Ruiz", 1),
    )


def test_no_drills_no_lines() -> None:
    report = summarize(SINCE, [], NAMES)
    assert (report.rosters, report.people, report.misses) == ((), (), ())


def test_what_a_page_counts_as() -> None:
    #        state       answered later  won
    assert answer_of("accepted", True, False, True) == "accepted"
    assert answer_of("declined", True, True, False) == "declined"
    assert answer_of("unsent", False, True, False) == "unsent"  # never against the person
    assert answer_of("covered", False, True, True) == "missed"  # a later step was paged
    assert answer_of("covered", False, False, True) == "covered"  # same step as the winner
    assert answer_of("expired", False, False, False) == "missed"  # nobody accepted
