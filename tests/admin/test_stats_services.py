"""Services from the debriefs in the statistics and the funder export: counted in SQL on
both databases, exact for coordinators, rounded and suppressed like every count for funders.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from dispatcher.admin.stats import FEWER, SUPPRESSED, Measure, funder_cells, measures
from dispatcher.db import Database
from dispatcher.flows.models import CallLogEntry
from dispatcher.flows.services import SERVICE_LABELS, label_of
from dispatcher.flows.stats import Figures
from dispatcher.flows.tallies import tally_period

MARCH = (datetime(2026, 3, 1, 6, tzinfo=UTC), datetime(2026, 4, 1, 5, tzinfo=UTC))


def entry(services: list[str], day: int = 5) -> CallLogEntry:
    """A closed request of March with the services its debriefs named."""
    return CallLogEntry(
        opened_hour=datetime(2026, 3, day, 12, tzinfo=UTC),
        time_open="lt5m",
        channel="sms",
        needs=[],
        tags=[],
        outcome="accepted",
        advocate="accepted",
        services=services,
    )


def test_services_are_counted_per_request_in_sql(database: Database) -> None:
    with database.session_scope() as session:
        session.add_all(
            [entry(["crisis_support", "transport"]) for _ in range(6)]
            + [entry(["crisis_support"]) for _ in range(3)]
            + [entry([]) for _ in range(4)]
            + [entry(["interpreter"], day=2)]
        )
    with database.session_scope() as session:
        tallies = tally_period(session, *MARCH)
    assert tallies.debriefed == 10
    assert dict(tallies.services) == {"crisis_support": 9, "transport": 6, "interpreter": 1}


def funder(f: Figures) -> dict[str, str]:
    """The funder export's value per measure."""
    return {c.measure: c.value for c in funder_cells(measures(f, rounded=True))}


def figures_with(services: tuple[tuple[str, int], ...], debriefed: int) -> Figures:
    """Figures with only debriefs."""
    return Figures(0, 0, (), (0,), 0, services=services, debriefed=debriefed)


def test_coordinators_see_exact_services_funders_rounded_and_guarded() -> None:
    f = figures_with((("crisis_support", 9), ("transport", 5), ("interpreter", 1)), 10)
    exact = {m.name: m.value for m in measures(f) if isinstance(m, Measure)}
    assert exact["Requests with a debrief"] == 10
    assert exact["Debrief: crisis support"] == 9
    assert list(exact).index("Debrief: crisis support") < list(exact).index("Debrief: transport")
    shown = funder(f)
    assert shown["Requests with a debrief"] == "10"
    assert shown["Debrief: crisis support"] == SUPPRESSED  # 1 without it could be read
    assert shown["Debrief: transport"] == "5"
    assert shown["Debrief: interpreter"] == FEWER


@given(st.lists(st.integers(0, 40), min_size=1, max_size=7), st.integers(0, 40))
def test_no_service_count_under_5_is_shown_or_given_away(counts: list[int], extra: int) -> None:
    debriefed = max(counts) + extra
    named = tuple(zip(SERVICE_LABELS, counts, strict=False))
    shown = funder(figures_with(named, debriefed))
    for key, n in named:
        value = shown[f"Debrief: {label_of(key)}"]
        if value not in (FEWER, SUPPRESSED):
            assert n >= 5 and int(value) % 5 == 0
            assert debriefed - n == 0 or debriefed - n >= 5
