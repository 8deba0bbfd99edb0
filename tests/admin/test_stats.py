"""Statistics: viewers read them rounded; charts are inline SVG; funders see no small counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from dispatcher.admin.stats import (
    COUNT_UNITS,
    FEWER,
    SUPPRESSED,
    Measure,
    exact_text,
    funder_cells,
    measures,
)
from dispatcher.admin.views.stats import FUNDER_COLUMNS, funder_csv
from dispatcher.audit import AuditEntry
from dispatcher.flows.calllog import BUCKET_KEYS
from dispatcher.flows.models import AnonymousCount
from dispatcher.flows.stats import NEED_KINDS, Coverage, Figures, NeedCounts, Period
from dispatcher.rosters.models import (
    Person,
    Roster,
    Rotation,
    RotationParticipant,
    RotationWindow,
)
from tests.admin.calllog_rows import Seeded, seed_call_log
from tests.support.admin import EMAILS, Store, Visitor

TABLE_ROW = re.compile(r'<tr><th scope="row">(.*?)</th><td class="number">(.*?)</td></tr>')
SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
VALUE = re.compile(r'<text[^>]*class="value[^"]*"[^>]*>([^<]*)</text>')
PHONE = re.compile(r"\(\d{3}\) \d{3}-\d{4}|\+1\d{10}")
MARCH = Period("month", date(2026, 3, 1))


@pytest.fixture
def seeded(store: Store) -> Seeded:
    """The call log, two rosters and texts from unknown numbers."""
    found = seed_call_log(store)
    with store.scope() as session:
        ana = Person(name="Ana", phone="+12625550101", languages=[], skills=[])
        nights = Rotation(name="nights", type="weekly", length=1, start=datetime(2026, 2, 2, 20))
        nights.participants = [RotationParticipant(person=ana, position=0)]
        nights.windows = [
            RotationWindow(
                days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                starts=time(20),
                ends=time(8),
            )
        ]
        advocates = Roster(name="Advocates", kind="advocate", timezone="America/Chicago")
        advocates.rotations.append(nights)
        drivers = Roster(name="<b>Drivers</b>", kind="ride", timezone="America/Chicago")
        session.add_all([ana, advocates, drivers])
        for day, count in ((date(2026, 3, 3), 4), (date(2026, 3, 20), 2), (date(2026, 2, 27), 7)):
            session.add(AnonymousCount(day=day, kind="unknown_sender", count=count))
    return found


def table(page: str) -> dict[str, str]:
    """The statistics table of a page as {measure: value} (the 12-month trend left out)."""
    return {name: value for name, value in TABLE_ROW.findall(page.split('id="trend-heading"')[0])}


def funder_rows(text: str) -> dict[str, dict[str, str]]:
    return {row["measure"]: row for row in csv.DictReader(io.StringIO(text))}


@pytest.mark.parametrize(
    "url", ["/admin/statistics", "/admin/statistics/funder.csv", "/admin/reports.css"]
)
def test_anonymous_visitors_are_sent_to_sign_in(visitor: Visitor, url: str) -> None:
    response = visitor.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


@pytest.mark.parametrize("role", ["viewer", "coordinator", "admin"])
def test_every_role_may_read_statistics(
    request: pytest.FixtureRequest, seeded: Seeded, role: str
) -> None:
    visitor: Visitor = request.getfixturevalue(role)
    page = visitor.text("/admin/statistics")
    assert ">Statistics</a>" in page
    assert table(page)["Requests"] == "5"  # 5 exactly, and 5 rounded
    assert not PHONE.search(page)
    assert visitor.get("/admin/statistics/funder.csv").status_code == 200


def test_a_viewer_lands_on_statistics(viewer: Visitor) -> None:
    response = viewer.get("/admin/home")
    assert response.headers["Location"] == "/admin/statistics"


def test_a_coordinator_sees_every_number_exactly(coordinator: Visitor, seeded: Seeded) -> None:
    page = coordinator.text("/admin/statistics")
    assert "You see exact counts" in page
    numbers = table(page)
    assert numbers == {
        "Requests": "5",
        "Requests at night (22:00-06:00)": "2",  # 22:00 CST on 1 Mar, 04:00 CDT on 10 Mar
        "Share of requests at night": "40%",
        "Median time to accept": "under 5 min",  # 240 s and 1500 s, kept as buckets
        "90th percentile time to accept": "15-30 min",
        "Advocate needs": "5",
        "Advocate needs filled": "2",
        "Advocate needs unfilled": "3",
        "Hotel room needs": "1",
        "Hotel room needs filled": "1",
        "Hotel room needs unfilled": "0",
        "Ride needs": "1",
        "Ride needs filled": "0",
        "Ride needs unfilled": "1",
        "Advocate responses": "2",
        "Hotel room-nights": "1",
        "Rides": "0",
        "Requests with a debrief": "0",
        "Active advocates": "2",
        # From 00:00 CST on 1 March to now (07:00 CDT on 10 March): 222 hours, of which
        # 20:00-08:00 nightly is covered: 8 + 6 x 12 + 11 (spring forward) + 12 + 11 = 114.
        "&lt;b&gt;Drivers&lt;/b&gt;: hours covered": "0 h",
        "&lt;b&gt;Drivers&lt;/b&gt;: hours uncovered": "222 h",
        "Advocates: hours covered": "114 h",
        "Advocates: hours uncovered": "108 h",
        "Texts from unknown numbers": "6",
    }


def test_a_viewer_sees_counts_rounded_to_5_and_small_ones_hidden(
    viewer: Visitor, seeded: Seeded
) -> None:
    page = viewer.text("/admin/statistics")
    assert "Counts are rounded to the nearest 5" in page and "exact counts" not in page
    numbers = table(page)
    assert numbers["Requests"] == "5"
    assert numbers["Requests at night (22:00-06:00)"] == FEWER
    assert numbers["Share of requests at night"] == SUPPRESSED
    assert numbers["Median time to accept"] == SUPPRESSED
    assert numbers["Advocate needs"] == "5"
    assert numbers["Advocate needs filled"] == FEWER
    assert numbers["Active advocates"] == FEWER
    assert numbers["Texts from unknown numbers"] == "5"  # 6, rounded
    assert numbers["Advocates: hours covered"] == "114 h"  # the schedule, not people
    needs_chart = SVG.findall(page)[0]
    assert VALUE.findall(needs_chart) == []  # every bar would show fewer than 5
    assert "(5 requests)" not in page


def test_a_coordinators_charts_show_the_exact_counts(coordinator: Visitor, seeded: Seeded) -> None:
    needs_chart = SVG.findall(coordinator.text("/admin/statistics"))[0]
    assert sorted(VALUE.findall(needs_chart)) == ["1", "1", "2", "3"]  # zeroes are not printed


def test_a_quarter_counts_its_three_local_months(
    coordinator: Visitor, viewer: Visitor, seeded: Seeded
) -> None:
    page = coordinator.text("/admin/statistics?by=quarter&month=2026-02")
    assert "Q1 2026 (January to March)" in page
    numbers = table(page)
    assert numbers["Requests"] == "8"  # not APR1, opened at midnight on 1 April
    assert numbers["Active advocates"] == "3"
    assert numbers["Texts from unknown numbers"] == "13"
    assert "Q4 2025 (October to December)" in page and "Q2 2026 (April to June)" in page
    rounded = table(viewer.text("/admin/statistics?by=quarter&month=2026-02"))
    assert rounded["Requests"] == "10"
    assert rounded["Active advocates"] == FEWER
    assert rounded["Texts from unknown numbers"] == "15"


def test_an_unknown_period_is_said_and_this_month_shown(viewer: Visitor, seeded: Seeded) -> None:
    page = viewer.text("/admin/statistics?by=week&month=2026-02")
    assert "not a period this page knows" in page
    assert table(page)["Requests"] == "5"


def test_charts_are_inline_svg_with_nothing_fetched_or_run(viewer: Visitor, seeded: Seeded) -> None:
    page = viewer.text("/admin/statistics")
    charts = SVG.findall(page)
    assert len(charts) == 4  # needs, services, roster hours, the 12-month trend
    for chart in charts:
        assert chart.startswith('<svg role="img"')
        assert "<title>" in chart
        for forbidden in ("http", "<script", "<style", "style=", "href", "url(", "@import"):
            assert forbidden not in chart
    assert "<script" not in page
    assert "&lt;b&gt;Drivers&lt;/b&gt;" in charts[2] and "<b>" not in page
    assert '<link rel="stylesheet" href="/admin/reports.css">' in page


def test_the_charts_stylesheet_is_served_from_here(viewer: Visitor) -> None:
    response = viewer.get("/admin/reports.css")
    assert response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert "svg.stats-chart .color-0" in css and "#1b5e20" in css.lower()
    assert "http" not in css and "url(" not in css and "#chart-" not in css


def test_the_funder_export_suppresses_small_counts_and_what_derives_from_them(
    viewer: Visitor, seeded: Seeded, store: Store
) -> None:
    response = viewer.get("/admin/statistics/funder.csv?by=month&month=2026-03")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="statistics-2026-03.csv"'
    )
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == ",".join(FUNDER_COLUMNS)
    rows = funder_rows(text)
    assert rows["Requests"]["value"] == "5"
    assert rows["Requests"]["note"] == "rounded to 5"
    assert rows["Requests"]["period"] == "March 2026"
    assert rows["Requests at night (22:00-06:00)"]["value"] == FEWER
    assert rows["Share of requests at night"]["value"] == SUPPRESSED
    assert "fewer than 5 requests" in rows["Share of requests at night"]["note"]
    assert rows["Median time to accept"]["value"] == SUPPRESSED
    assert rows["Median time to accept"]["note"] == "based on fewer than 5 accepted requests"
    assert rows["Advocate needs"]["value"] == "5"
    assert rows["Advocate needs filled"]["value"] == FEWER
    assert rows["Advocate needs filled"]["note"] == "count under 5"
    assert rows["Active advocates"]["value"] == FEWER
    assert rows["Texts from unknown numbers"]["value"] == "5"  # 6, rounded
    assert rows["Advocates: hours covered"]["value"] == "114"
    [audit] = store.all(select(AuditEntry).where(AuditEntry.entity == "statistics"))
    assert (audit.actor, audit.action) == (EMAILS["viewer"], "export")
    assert audit.new == {"period": "2026-03", "funder": True}


def test_the_pages_render_on_an_empty_database(coordinator: Visitor, viewer: Visitor) -> None:
    page = coordinator.text("/admin/statistics")
    assert "No rosters yet" in page
    assert table(page)["Requests"] == "0"
    assert table(page)["Median time to accept"] == "—"
    assert len(SVG.findall(page)) == 3  # needs, services, the trend
    assert table(viewer.text("/admin/statistics"))["Requests"] == FEWER
    rows = funder_rows(viewer.get("/admin/statistics/funder.csv").get_data(as_text=True))
    assert rows["Requests"]["value"] == FEWER
    assert rows["Median time to accept"]["value"] == SUPPRESSED


# The table and the funder export as pure functions.

BIG = Figures(
    requests=40,
    night=12,
    needs=(
        NeedCounts("advocate", 37, 3),
        NeedCounts("room", 9, 6),
        NeedCounts("ride", 0, 0),
    ),
    accept_buckets=(4, 2, 0, 0, 0),
    active_advocates=7,
    coverage=(Coverage("Advocates", timedelta(hours=700), timedelta(hours=44, minutes=30)),),
    unknown_texts=3,
)


def test_funder_cells_of_a_busy_month() -> None:
    shown = {c.measure: (c.value, c.note) for c in funder_cells(measures(BIG, rounded=True))}
    assert shown["Requests"] == ("40", "rounded to 5")
    assert shown["Requests at night (22:00-06:00)"] == ("10", "rounded to 5")  # 12
    assert shown["Share of requests at night"] == ("25", "")  # 10 of 40, not 12 of 40
    assert shown["Median time to accept"] == ("under 5 min", "")
    assert shown["90th percentile time to accept"] == ("5-15 min", "")
    # 3 unfilled: shown as fewer than 5, and the 37 filled too, else 40 - 37 gives it away.
    assert shown["Advocate needs"] == ("40", "rounded to 5")
    assert shown["Advocate needs unfilled"] == (FEWER, "count under 5")
    assert shown["Advocate needs filled"][0] == SUPPRESSED
    assert shown["Advocate responses"][0] == SUPPRESSED
    assert shown["Hotel room needs filled"] == ("10", "rounded to 5")  # 9
    assert shown["Hotel room-nights"] == ("10", "rounded to 5")
    assert shown["Ride needs"] == (FEWER, "count under 5")
    assert shown["Active advocates"] == ("5", "rounded to 5")  # 7
    assert shown["Advocates: hours uncovered"] == ("44.5", "")
    assert shown["Texts from unknown numbers"] == (FEWER, "count under 5")


@pytest.mark.parametrize(
    ("measure", "text"),
    [
        (Measure("x", 12, "requests"), "12"),
        (Measure("x", 37.5, "percent"), "37.5%"),
        (Measure("x", "5-15 min", "time"), "5-15 min"),
        (Measure("x", 712.0, "hours"), "712 h"),
        (Measure("x", None, "time"), "—"),
    ],
)
def test_the_page_shows_exact_numbers_with_units(measure: Measure, text: str) -> None:
    assert exact_text(measure) == text


@st.composite
def any_figures(draw: st.DrawFn) -> Figures:
    """Figures of any period, small or busy."""
    requests = draw(st.integers(0, 30))
    small = st.integers(0, 30)
    return Figures(
        requests=requests,
        night=draw(st.integers(0, requests)),
        needs=tuple(NeedCounts(kind, draw(small), draw(small)) for kind in NEED_KINDS),
        accept_buckets=tuple(draw(st.integers(0, 8)) for _ in BUCKET_KEYS),
        active_advocates=draw(small),
        coverage=(Coverage("A", timedelta(hours=draw(small)), timedelta(hours=draw(small))),),
        unknown_texts=draw(small),
    )


def shown(value: str) -> int | None:
    """The number a funder reads in a cell, or None if it is suppressed."""
    return None if value in (FEWER, SUPPRESSED, "") else int(float(value))


@given(any_figures())
def test_the_funder_export_never_shows_or_gives_away_a_count_under_5(f: Figures) -> None:
    funder = funder_cells(measures(f, rounded=True))
    rows = list(csv.DictReader(io.StringIO(funder_csv(MARCH, funder))))
    cells = {row["measure"]: shown(row["value"]) for row in rows if row["unit"] in COUNT_UNITS}
    cells.update(
        (row["measure"], None if row["value"] in (FEWER, SUPPRESSED, "") else 1)
        for row in rows
        if row["unit"] not in COUNT_UNITS
    )
    for row in rows:
        if row["unit"] in COUNT_UNITS:
            value = cells[row["measure"]]
            assert value is None or (value >= 5 and value % 5 == 0), row
    # Derived values appear only when every count they come from is 5 or more.
    if cells["Share of requests at night"] is not None:
        assert f.night >= 5 and f.requests - f.night >= 5
    if cells["Median time to accept"] is not None:
        assert f.accepted >= 5
    # No count of 1 to 4 can be worked out by subtracting one shown count from another.
    groups = [("Requests", "Requests at night (22:00-06:00)")]
    for label in ("Advocate", "Hotel room", "Ride"):
        groups += [
            (f"{label} needs", f"{label} needs filled"),
            (f"{label} needs", f"{label} needs unfilled"),
        ]
    for whole, part in groups:
        if cells[whole] is not None and cells[part] is not None:
            assert not 0 < cells[whole] - cells[part] < 5, (whole, part)
