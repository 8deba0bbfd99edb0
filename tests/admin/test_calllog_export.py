"""The call log export as pure functions: on any call log, every exported row has 4 twins."""

from __future__ import annotations

import csv
import io
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from dispatcher.admin.calllog_export import CSV_COLUMNS, csv_text, export_row, released
from dispatcher.flows.anonymity import K
from dispatcher.flows.calllog import BUCKET_KEYS
from dispatcher.flows.models import NEED_KINDS, OUTCOMES

AGENCIES = [(1, "Racine PD"), (2, "Kenosha Sheriff"), (3, "=cmd|x"), (None, "")]
TAGS = ["juvenile", "lang:es", "lang:so", "lang:hmn", "lang:vi", "lang:asl"]

row_strategy = st.builds(
    export_row,
    st.just("2026-03"),
    st.sampled_from(AGENCIES),
    st.fixed_dictionaries(
        {"advocate": st.sampled_from(["accepted", "unfilled", "cancelled"])},
        optional={kind: st.sampled_from(["accepted", "unfilled"]) for kind in NEED_KINDS[1:]},
    ),
    st.lists(st.sampled_from(TAGS), max_size=3, unique=True),
    st.sampled_from(OUTCOMES),
    st.tuples(
        st.one_of(st.none(), st.sampled_from(BUCKET_KEYS)),
        st.one_of(st.none(), st.sampled_from(BUCKET_KEYS)),
        st.sampled_from(BUCKET_KEYS),
    ),
)


def quasi_identifiers(row: dict[str, str]) -> tuple[str, str, str, str]:
    """(month, agency, need kinds, tags) of an exported row."""
    kinds = "; ".join(part.split(":")[0] for part in row["needs"].split("; "))
    return row["month"], row["agency"], kinds, row["tags"]


@given(st.lists(row_strategy, max_size=150))
def test_every_exported_row_shares_its_quasi_identifiers_with_at_least_4_others(
    rows: list,
) -> None:
    kept = [row for row in released(rows) if row is not None]
    text = csv_text(kept)
    exported = list(csv.DictReader(io.StringIO(text)))
    assert len(exported) == len(kept)
    counts = Counter(quasi_identifiers(row) for row in exported)
    assert all(count >= K for count in counts.values()), counts
    assert (
        set(exported[0]) == set(CSV_COLUMNS) if exported else text.strip() == ",".join(CSV_COLUMNS)
    )
    for row in exported:
        assert not row["agency"].startswith("=")
        assert all(not tag.startswith("lang:") or tag in TAGS for tag in row["tags"].split("; "))


def test_a_row_says_how_many_needs_another_region_answered() -> None:
    row = export_row(
        "2026-03", (2, "Kenosha Sheriff"), {"advocate": "accepted"}, [], "accepted",
        (None, None, "under 5"), count=5, mutual_aid=1,
    )  # fmt: skip
    exported = list(csv.DictReader(io.StringIO(csv_text([row]))))
    assert [line["mutual_aid"] for line in exported] == ["1"] * 5
    assert CSV_COLUMNS[-1] == "mutual_aid"
