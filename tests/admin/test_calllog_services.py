"""Debrief services and the call log export: never on a row, counted apart over exactly the
rows the export releases, rounded to 5 with small counts and "all but a few" hidden."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from dispatcher.admin.calllog_export import (
    CSV_COLUMNS,
    csv_text,
    export_row,
    released,
    services_csv,
    services_measures,
)
from dispatcher.audit import AuditEntry
from dispatcher.flows.anonymity import round_count
from dispatcher.rosters.models import Agency
from tests.admin.calllog_rows import logged, need
from tests.support.admin import Store, Visitor

SERVICES = ["crisis_support", "hospital_accompaniment", "shelter_placed", "transport"]


def row(agency: str, services: list[str], count: int = 1) -> object:
    """An accepted advocate request of March 2026 from ``agency`` with ``services``."""
    return export_row(
        "2026-03",
        (1, agency),
        {"advocate": "accepted"},
        [],
        "accepted",
        ("0-5", "0-5", "60+"),
        count,
        services,
    )


def parsed(text: str) -> list[dict[str, str]]:
    """A CSV as dicts."""
    return list(csv.DictReader(io.StringIO(text)))


def test_services_are_never_a_column_of_the_rows() -> None:
    rows = [row("Racine PD", ["shelter_placed"])] * 5
    text = csv_text([r for r in released(rows) if r is not None])
    assert "shelter" not in text and "services" not in CSV_COLUMNS


def test_services_are_counted_apart_rounded_and_all_but_a_few_hidden() -> None:
    rows = [
        row("Racine PD", ["crisis_support", "shelter_placed"], 9),
        row("Racine PD", ["crisis_support"], 3),
        row("Racine PD", [], 4),
        row("Racine PD", ["transport"], 2),
    ]
    out = {r["measure"]: (r["value"], r["note"]) for r in parsed(services_csv("2026-03", rows))}
    assert out["Requests with a debrief"] == ("15", "rounded to 5")  # 14 debriefed
    # crisis support: 12 of 14 debriefed; the 2 without it could be worked out
    assert out["Debrief: crisis support"][0] == "suppressed"
    assert out["Debrief: shelter placed"] == ("10", "rounded to 5")  # 9 of 14: 5 without
    assert out["Debrief: transport"][0] == "fewer than 5"
    assert {r["month"] for r in parsed(services_csv("2026-03", rows))} == {"2026-03"}


@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(SERVICES), unique=True), st.integers(1, 6)),
        max_size=12,
    )
)
def test_no_shown_service_count_lets_a_count_under_5_be_read(
    drafts: list[tuple[list[str], int]],
) -> None:
    rows = [row("Racine PD", services, count) for services, count in drafts]
    measures = {m.name: m for m in services_measures(rows)}
    debriefed = int(measures["Requests with a debrief"].value or 0)
    for r in parsed(services_csv("2026-03", rows))[1:]:
        exact = int(measures[r["measure"]].value or 0)
        if r["value"].isdigit():
            assert exact >= 5 and debriefed - exact not in range(1, 5)
            assert int(r["value"]) == round_count(exact)


def test_the_route_counts_only_released_rows_and_is_audited(
    coordinator: Visitor, store: Store
) -> None:
    with store.scope() as session:
        racine = Agency(name="Racine PD", kind="police", enrollment_code="RPD-1")
        session.add(racine)
        session.flush()
        for n in range(7):
            entry = logged(
                f"S{n}AA", datetime(2026, 3, 10 + n, 15, tzinfo=UTC), racine.id,
                [need("advocate", "accepted", 11, 240)], "accepted", 240,
            )  # fmt: skip
            entry.services = ["crisis_support"] if n < 6 else ["shelter_placed"]
            session.add(entry)
        # one request alike with no other: withheld from the export, and from the count
        lone = logged(
            "S9ZZ", datetime(2026, 3, 20, 15, tzinfo=UTC), racine.id,
            [need("advocate", "accepted", 11, 240)], "accepted", 240, ["juvenile"],
        )  # fmt: skip
        lone.services = ["shelter_placed"]
        session.add(lone)
    response = coordinator.get("/admin/call-log/services.csv?month=2026-03")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    out = {r["measure"]: r["value"] for r in parsed(response.get_data(as_text=True))}
    assert out["Requests with a debrief"] == "5"  # 7 released, rounded
    assert out["Debrief: crisis support"] == "suppressed"  # 6 of 7: the 1 without it
    assert out["Debrief: shelter placed"] == "fewer than 5"
    entry = store.all(select(AuditEntry).where(AuditEntry.entity == "call_log_services"))[-1]
    assert entry.action == "export" and entry.new["rows"] == 7 and entry.new["withheld"] == 1
    page = coordinator.text("/admin/call-log?month=2026-03")
    assert "Debrief services (CSV)" in page
