"""k-anonymity and rounding for what leaves the admin pages, as pure functions."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.flows.anonymity import (
    ANOTHER_LANGUAGE,
    Cell,
    K,
    cell_of,
    generalised,
    k_anonymise,
    round_count,
)
from dispatcher.flows.models import NEED_KINDS


def cells(count: int, agency: str = "Racine PD", tags: tuple[str, ...] = ()) -> list[Cell]:
    return [cell_of("2026-03", agency, ["advocate"], tags) for _ in range(count)]


def test_a_cell_is_canonical_whatever_the_order_of_needs_and_tags() -> None:
    one = cell_of("2026-03", "A", ["room", "advocate"], ["lang:es", "juvenile", "lang:es"])
    assert one == cell_of("2026-03", "A", ["advocate", "room"], ["juvenile", "lang:es"])
    assert one.tags == ("juvenile", "lang:es")


def test_generalising_makes_every_language_another_language_once() -> None:
    cell = cell_of("2026-03", "A", ["advocate"], ["lang:so", "juvenile", "lang:hmn"])
    assert generalised(cell).tags == ("another language", "juvenile")


def test_common_cells_are_kept_rare_languages_merged_and_the_rest_suppressed() -> None:
    somali, hmong = cells(3, tags=("lang:so",)), cells(2, tags=("lang:hmn",))
    common, lonely = cells(5), cells(1, agency="Kenosha Sheriff")
    released = k_anonymise([*common, *somali, *hmong, *lonely])
    assert released[:5] == common
    assert {c.tags for c in released[5:10] if c} == {(ANOTHER_LANGUAGE,)}
    assert released[10] is None


def test_a_language_common_enough_keeps_its_name() -> None:
    spanish = cells(5, tags=("lang:es",))
    assert k_anonymise(spanish) == spanish


def test_a_rare_tag_that_is_not_a_language_is_suppressed() -> None:
    assert k_anonymise([*cells(5), *cells(4, tags=("juvenile",))])[5:] == [None] * 4


cell_strategy = st.builds(
    cell_of,
    st.sampled_from(["2026-01", "2026-02"]),
    st.sampled_from(["Racine PD", "Kenosha Sheriff", "", "Caledonia PD"]),
    st.lists(st.sampled_from(NEED_KINDS), min_size=1, max_size=3),
    st.lists(
        st.sampled_from(["juvenile", "lang:es", "lang:so", "lang:hmn", "lang:vi"]), max_size=3
    ),
)


@given(st.lists(cell_strategy, max_size=120))
def test_every_released_cell_is_shared_by_at_least_k_released_requests(
    drawn: list[Cell],
) -> None:
    released = k_anonymise(drawn)
    assert len(released) == len(drawn)
    counts = Counter(cell for cell in released if cell is not None)
    assert all(count >= K for count in counts.values())
    for original, shown in zip(drawn, released, strict=True):
        # A released cell is the request's own, or the same with languages generalised.
        assert shown in (None, original, generalised(original))
        if shown is not None:
            assert (shown.period, shown.agency, shown.needs) == (
                original.period,
                original.agency,
                original.needs,
            )


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, None), (1, None), (4, None), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15), (1002, 1000)],
)
def test_counts_are_rounded_to_5_and_small_ones_hidden(count: int, shown: int | None) -> None:
    assert round_count(count) == shown
