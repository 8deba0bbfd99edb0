"""Statistics: the last 12 months as a trend (requests, fill rate, time to accept) beside
the single period, exact for coordinators, under the small-cell rule for viewers and funders."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from dispatcher.admin.stats import FEWER, SUPPRESSED, funder_cells, trend_measures
from dispatcher.admin.views.stats import TREND_PREFIX
from dispatcher.flows.calllog import BUCKET_KEYS
from dispatcher.flows.stats import Figures, NeedCounts, Period, months_up_to
from dispatcher.flows.tallies import tally_months, tally_period
from tests.admin.calllog_rows import Seeded, seed_call_log
from tests.support.admin import Store, Visitor

TREND_ROW = re.compile(
    r'<tr(?: aria-current="true")?><th scope="row">([A-Z][a-z]+ \d{4})</th>'
    r'<td class="number">(.*?)</td><td class="number">(.*?)</td><td class="number">(.*?)</td></tr>'
)
MARCH = Period("month", date(2026, 3, 1))


def month_figures(requests: int, filled: int, unfilled: int, accepted: int) -> Figures:
    """A month's figures: advocate needs only, every accept in the first bucket."""
    buckets = (accepted,) + (0,) * (len(BUCKET_KEYS) - 1)
    needs = (NeedCounts("advocate", filled, unfilled),)
    return Figures(requests, 0, needs, buckets, active_advocates=0)


def test_the_trend_covers_the_twelve_months_up_to_the_periods_last() -> None:
    months = months_up_to(MARCH, 12)
    assert [m.key for m in (months[0], months[-1])] == ["2025-04", "2026-03"]
    assert len({m.key for m in months}) == 12 and all(m.kind == "month" for m in months)
    assert months_up_to(Period("quarter", date(2026, 1, 1)), 12)[-1].key == "2026-03"
    assert months_up_to(Period("month", date(2026, 1, 1)), 2)[0].key == "2025-12"


@pytest.mark.parametrize(
    ("figures", "requests", "fill_rate", "median"),
    [
        (month_figures(20, 15, 5, 15), "20", "75", "under 5 min"),
        (month_figures(22, 16, 6, 16), "20", "75", "under 5 min"),  # from the rounded counts
        (month_figures(3, 2, 1, 2), FEWER, SUPPRESSED, SUPPRESSED),
        (month_figures(30, 28, 2, 28), "30", SUPPRESSED, "under 5 min"),  # 2 unfilled: hidden
        (month_figures(0, 0, 0, 0), FEWER, SUPPRESSED, SUPPRESSED),
    ],
)
def test_a_trend_month_keeps_the_small_cell_rule(
    figures: Figures, requests: str, fill_rate: str, median: str
) -> None:
    cells = funder_cells(trend_measures(figures, rounded=True))
    assert [c.measure for c in cells] == ["Requests", "Fill rate", "Median time to accept"]
    assert [c.value for c in cells] == [requests, fill_rate, median]


def test_exact_trend_measures_are_the_months_own_numbers() -> None:
    items = trend_measures(month_figures(7, 3, 1, 3))
    assert [m.value for m in items] == [7, 75.0, "under 5 min"]


@pytest.fixture
def seeded(store: Store) -> Seeded:
    """The call log of March 2026 (5 requests) and February (2)."""
    return seed_call_log(store)


def trend(page: str) -> dict[str, tuple[str, str, str]]:
    """The trend table as {month: (requests, fill rate, median time to accept)}."""
    return {month: (a, b, c) for month, a, b, c in TREND_ROW.findall(page)}


def test_a_coordinator_sees_the_trend_exactly_beside_the_month(
    coordinator: Visitor, seeded: Seeded
) -> None:
    page = coordinator.text("/admin/statistics")
    assert page.index('id="table-heading"') < page.index('id="trend-heading"')
    rows = trend(page)
    assert list(rows) == [m.label for m in months_up_to(MARCH, 12)]
    assert rows["March 2026"][0] == "5"
    assert rows["February 2026"] == ("2", "50%", "under 5 min")
    assert rows["April 2025"] == ("0", "—", "—")
    assert '<tr aria-current="true"><th scope="row">March 2026</th>' in page


def test_a_viewer_and_the_funder_export_see_the_trend_rounded(
    viewer: Visitor, seeded: Seeded
) -> None:
    rows = trend(viewer.text("/admin/statistics"))
    assert rows["February 2026"] == (FEWER, SUPPRESSED, SUPPRESSED)
    assert rows["March 2026"][0] == "5"
    export = viewer.get("/admin/statistics/funder.csv").get_data(as_text=True)
    found = [
        r for r in csv.DictReader(io.StringIO(export)) if r["measure"].startswith(TREND_PREFIX)
    ]
    assert len(found) == 36
    february = {r["measure"]: r["value"] for r in found if r["period"] == "February 2026"}
    assert february == {
        f"{TREND_PREFIX}Requests": FEWER,
        f"{TREND_PREFIX}Fill rate": SUPPRESSED,
        f"{TREND_PREFIX}Median time to accept": SUPPRESSED,
    }
    assert "2" not in february.values()


def test_the_trend_query_agrees_with_each_months_own_tally(store: Store, seeded: Seeded) -> None:
    zone = ZoneInfo("America/Chicago")
    bounds = [month.bounds(zone) for month in months_up_to(MARCH, 12)]
    with store.scope() as session:
        months = tally_months(session, bounds)
        assert sum(t.requests for t in months) == 8  # the seeded requests within the year
        for (start, end), tally in zip(bounds, months, strict=True):
            own = tally_period(session, start, end)
            assert tally.requests == sum(count for _, count in own.by_hour)
            assert tally.outcomes == own.outcomes
            assert tally.accept_buckets == own.accept_buckets
        assert tally_months(session, []) == []
