"""The call log: coordinators only, by local month, filtered, exported as audited CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from dispatcher.accounts.models import AuditEntry
from dispatcher.admin.views_calllog import CSV_COLUMNS
from dispatcher.rosters.models import Agency, Person
from tests.admin.calllog_rows import MARCH, Seeded, seed_call_log
from tests.admin.conftest import EMAILS, Store, Visitor

CODES = re.compile(r'<td data-label="Code" class="code">(\w+)</td>')
PHONE = re.compile(r"\(\d{3}\) \d{3}-\d{4}|\+1\d{10}")


@pytest.fixture
def seeded(store: Store) -> Seeded:
    return seed_call_log(store)


def codes(visitor: Visitor, url: str) -> list[str]:
    """The reference codes the call log page lists, in order."""
    return CODES.findall(visitor.text(url))


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def exports(store: Store) -> list[AuditEntry]:
    return store.all(select(AuditEntry).where(AuditEntry.entity == "call_log"))


@pytest.mark.parametrize("url", ["/admin/call-log", "/admin/call-log/export.csv"])
def test_anonymous_visitors_are_sent_to_sign_in(visitor: Visitor, url: str) -> None:
    response = visitor.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


@pytest.mark.parametrize("url", ["/admin/call-log", "/admin/call-log/export.csv?month=2026-03"])
def test_viewers_may_not_open_the_call_log_or_export_it(
    viewer: Visitor, seeded: Seeded, store: Store, url: str
) -> None:
    response = viewer.get(url)
    assert response.status_code == 403
    assert "M1AN" not in response.get_data(as_text=True)
    assert exports(store) == []


def test_the_menu_offers_the_call_log_to_coordinators_not_viewers(
    coordinator: Visitor, viewer: Visitor
) -> None:
    assert ">Call log</a>" in coordinator.text("/admin/people")
    assert ">Call log</a>" not in viewer.text("/admin/statistics")


def test_this_local_month_is_shown_by_default_newest_first(
    coordinator: Visitor, seeded: Seeded
) -> None:
    assert codes(coordinator, "/admin/call-log") == list(reversed(MARCH))


def test_a_row_shows_code_local_hour_agency_needs_outcome_time_to_accept_and_depth(
    coordinator: Visitor, seeded: Seeded
) -> None:
    page = coordinator.text("/admin/call-log")
    row = page[page.index(">M1AN<") : page.index("</tr>", page.index(">M1AN<"))]
    assert "Sun 01 Mar 2026, 22:00 CST" in row
    assert "Racine PD" in row
    assert 'advocate: <span class="state-accepted">accepted</span>' in row
    assert 'room: <span class="state-accepted">accepted</span>' in row
    assert '<span class="tag">juvenile</span>' in row and "lang:es" in row
    assert ">Accepted<" in row
    assert ">4 min<" in row
    assert 'data-label="Escalation depth">1<' in row
    other = page[page.index(">M4NA<") : page.index("</tr>", page.index(">M4NA<"))]
    assert "Mon 09 Mar 2026, 15:00 CDT" in other and ">25 min<" in other
    assert 'data-label="Agency">—<' in other


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        ("2026-02", ["FEB9", "FEB1"]),  # 23:00 on 28 Feb in Chicago is 05:00 on 1 Mar UTC
        ("2026-01", ["JAN1"]),
        ("2026-04", ["APR1"]),  # midnight on 1 April in Chicago
        ("2025-12", []),
    ],
)
def test_the_month_picker_uses_local_months(
    coordinator: Visitor, seeded: Seeded, month: str, expected: list[str]
) -> None:
    assert codes(coordinator, f"/admin/call-log?month={month}") == expected


def test_filters_by_agency_need_and_outcome(coordinator: Visitor, seeded: Seeded) -> None:
    base = "/admin/call-log?month=2026-03"
    assert codes(coordinator, f"{base}&agency={seeded.racine}") == ["M5EX", "M3CL", "M1AN"]
    assert codes(coordinator, f"{base}&agency={seeded.kenosha}") == ["M2KS"]
    assert codes(coordinator, f"{base}&agency=none") == ["M4NA"]
    assert codes(coordinator, f"{base}&need=room") == ["M1AN"]
    assert codes(coordinator, f"{base}&need=ride") == ["M3CL"]
    assert codes(coordinator, f"{base}&outcome=expired") == ["M5EX"]
    assert codes(coordinator, f"{base}&outcome=accepted") == ["M4NA", "M1AN"]
    assert codes(coordinator, f"{base}&agency={seeded.racine}&outcome=accepted") == ["M1AN"]
    assert codes(coordinator, f"{base}&agency={seeded.kenosha}&need=room") == []


def test_unknown_filter_values_are_ignored_and_a_bad_month_is_said(
    coordinator: Visitor, seeded: Seeded
) -> None:
    assert codes(coordinator, "/admin/call-log?need=boat&outcome=x&agency=abc") == list(
        reversed(MARCH)
    )
    page = coordinator.text("/admin/call-log?month=2026-13")
    assert "is not a month" in page
    assert CODES.findall(page) == list(reversed(MARCH))


def test_the_export_is_csv_of_the_filtered_rows_with_iso_local_times(
    coordinator: Visitor, seeded: Seeded
) -> None:
    response = coordinator.get(f"/admin/call-log/export.csv?month=2026-03&agency={seeded.racine}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="call-log-2026-03.csv"'
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    rows = rows_of(text)
    assert [row["code"] for row in rows] == ["M5EX", "M3CL", "M1AN"]
    assert rows[2] == {
        "code": "M1AN",
        "opened_hour": "2026-03-01T22:00:00-06:00",
        "agency": "Racine PD",
        "needs": "advocate:accepted; room:accepted",
        "tags": "juvenile; lang:es",
        "outcome": "accepted",
        "seconds_to_accept": "240",
        "depth": "1",
    }
    assert rows[0]["opened_hour"] == "2026-03-10T04:00:00-05:00"
    assert rows[0]["seconds_to_accept"] == ""


def test_the_export_is_audited_with_the_filter_and_no_row_data(
    coordinator: Visitor, seeded: Seeded, store: Store
) -> None:
    coordinator.get("/admin/call-log/export.csv?month=2026-03&need=advocate&outcome=accepted")
    [entry] = exports(store)
    assert (entry.actor, entry.action, entry.entity_id, entry.old) == (
        EMAILS["coordinator"],
        "export",
        None,
        None,
    )
    assert entry.new == {
        "month": "2026-03",
        "agency": "",
        "need": "advocate",
        "outcome": "accepted",
        "rows": 2,
    }


def test_an_admin_may_export_too(admin: Visitor, seeded: Seeded, store: Store) -> None:
    response = admin.get("/admin/call-log/export.csv")
    assert [row["code"] for row in rows_of(response.get_data(as_text=True))] == list(
        reversed(MARCH)
    )
    assert [e.actor for e in exports(store)] == [EMAILS["admin"]]


def test_agency_names_are_escaped_on_the_page_and_inert_in_the_csv(
    coordinator: Visitor, seeded: Seeded, store: Store
) -> None:
    with store.scope() as session:
        session.get(Agency, seeded.racine).name = '=HYPERLINK("x")<b>'
    page = coordinator.text("/admin/call-log")
    assert "<b>" not in page and "&lt;b&gt;" in page
    rows = rows_of(coordinator.get("/admin/call-log/export.csv").get_data(as_text=True))
    assert rows[-1]["agency"] == '\'=HYPERLINK("x")<b>'


def test_no_phone_numbers_appear_in_the_log_or_the_export(
    coordinator: Visitor, seeded: Seeded, store: Store
) -> None:
    with store.scope() as session:
        session.add(Person(name="Ana", phone="+12625550101", languages=[], skills=[]))
    assert not PHONE.search(coordinator.text("/admin/call-log"))
    assert not PHONE.search(coordinator.get("/admin/call-log/export.csv").get_data(as_text=True))


def test_the_pages_work_on_an_empty_database(coordinator: Visitor, store: Store) -> None:
    page = coordinator.text("/admin/call-log")
    assert "No requests match in March 2026." in page
    text = coordinator.get("/admin/call-log/export.csv").get_data(as_text=True)
    assert text.splitlines() == [",".join(CSV_COLUMNS)]
    assert exports(store)[0].new["rows"] == 0
