"""The call log: coordinators only, by local month, filtered, paginated, exported k-anonymous."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from dispatcher.admin.calllog_export import CSV_COLUMNS
from dispatcher.admin.views.calllog import PAGE_SIZE
from dispatcher.audit import AuditEntry
from dispatcher.flows.models import CallLogEntry
from dispatcher.rosters.models import Agency, Person
from tests.admin.calllog_rows import MARCH, Seeded, alike, seed_call_log, utc
from tests.support.admin import EMAILS, Store, Visitor

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
    assert ">under 5 min<" in row  # 240 seconds, kept only as its bucket
    assert 'data-label="Escalation depth">1<' in row
    other = page[page.index(">M4NA<") : page.index("</tr>", page.index(">M4NA<"))]
    assert "Mon 09 Mar 2026, 15:00 CDT" in other and ">15-30 min<" in other
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


@pytest.fixture
def crowd(store: Store) -> Seeded:
    """March: six more Racine requests alike, five Kenosha ones in rare languages, two odd."""
    found = seed_call_log(store)
    with store.scope() as session:
        session.add_all(alike("RA", 6, utc(2026, 3, 3, 15), found.racine))
        session.add_all(
            [
                *alike("KE", 3, utc(2026, 3, 4, 15), found.kenosha, tags=["lang:so"]),
                *alike("KF", 2, utc(2026, 3, 4, 20), found.kenosha, tags=["lang:hmn"]),
                *alike("RB", 2, utc(2026, 3, 6, 15), found.racine, tags=["juvenile"]),
            ]
        )
    return found


def test_the_export_has_no_code_no_hour_and_durations_only_as_buckets(
    coordinator: Visitor, crowd: Seeded
) -> None:
    response = coordinator.get("/admin/call-log/export.csv?month=2026-03")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="call-log-2026-03.csv"'
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    racine = [row for row in rows_of(text) if row["agency"] == "Racine PD"]
    assert len(racine) == 7  # the six alike and M5EX: the same needs, no tags
    assert racine[0] == {
        "month": "2026-03",
        "agency": "Racine PD",
        "needs": "advocate:accepted",
        "tags": "",
        "outcome": "accepted",
        "time_to_first_page": "under 5 min",
        "time_to_accept": "5-15 min",
        "time_open": "over 60 min",
        "mutual_aid": "0",
    }
    for code in ("RA0", "M1AN", "KE0"):
        assert code not in text
    assert "2026-03-0" not in text and "T15:" not in text


def test_rare_languages_are_generalised_and_rare_cells_withheld(
    coordinator: Visitor, crowd: Seeded, store: Store
) -> None:
    rows = rows_of(coordinator.get("/admin/call-log/export.csv?month=2026-03").get_data(True))
    cells: dict[tuple[str, str, str], int] = {}
    for row in rows:
        key = (row["agency"], row["needs"].split(":")[0])
        cells[(*key, row["tags"])] = cells.get((*key, row["tags"]), 0) + 1
    # Somali (3) and Hmong (2) alone are too rare; together they are 5 in another language.
    assert cells == {
        ("Racine PD", "advocate", ""): 7,
        ("Kenosha Sheriff", "advocate", "another language"): 5,
    }
    assert "lang:so" not in str(rows) and "juvenile" not in str(rows)
    [audit] = exports(store)
    assert audit.new["rows"] == 12 and audit.new["withheld"] == 6  # 2 juvenile, 4 seeded


def test_a_filtered_export_is_a_part_of_the_whole_months(
    coordinator: Visitor, crowd: Seeded
) -> None:
    base = "/admin/call-log/export.csv?month=2026-03"
    whole = rows_of(coordinator.get(base).get_data(as_text=True))
    part = rows_of(coordinator.get(f"{base}&agency={crowd.kenosha}").get_data(as_text=True))
    assert part == [row for row in whole if row["agency"] == "Kenosha Sheriff"]
    assert len(part) == 5
    assert rows_of(coordinator.get(f"{base}&need=room").get_data(as_text=True)) == []


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
        "rows": 0,
        "withheld": 2,
    }


def test_an_admin_may_export_too(admin: Visitor, crowd: Seeded, store: Store) -> None:
    response = admin.get("/admin/call-log/export.csv")
    assert len(rows_of(response.get_data(as_text=True))) == 12
    assert [e.actor for e in exports(store)] == [EMAILS["admin"]]


def test_agency_names_are_escaped_on_the_page_and_inert_in_the_csv(
    coordinator: Visitor, crowd: Seeded, store: Store
) -> None:
    with store.scope() as session:
        session.get(Agency, crowd.racine).name = '=HYPERLINK("x")<b>'
    page = coordinator.text("/admin/call-log")
    assert "<b>" not in page and "&lt;b&gt;" in page
    rows = rows_of(coordinator.get("/admin/call-log/export.csv").get_data(as_text=True))
    assert {row["agency"] for row in rows} == {'\'=HYPERLINK("x")<b>', "Kenosha Sheriff"}


def test_no_phone_numbers_appear_in_the_log_or_the_export(
    coordinator: Visitor, crowd: Seeded, store: Store
) -> None:
    with store.scope() as session:
        session.add(Person(name="Ana", phone="+12625550101", languages=[], skills=[]))
    assert not PHONE.search(coordinator.text("/admin/call-log"))
    assert not PHONE.search(coordinator.get("/admin/call-log/export.csv").get_data(as_text=True))


def test_the_log_is_shown_a_page_at_a_time_newest_first(
    coordinator: Visitor, seeded: Seeded, store: Store
) -> None:
    with store.scope() as session:
        session.add_all(alike("P", 2 * PAGE_SIZE + 10, utc(2026, 3, 2, 5), seeded.racine))
    total = 2 * PAGE_SIZE + 10 + len(MARCH)
    first = coordinator.text("/admin/call-log")
    assert CODES.findall(first)[:2] == ["M5EX", "M4NA"] and len(CODES.findall(first)) == PAGE_SIZE
    assert f"{total} requests, page 1 of 3" in first
    assert 'href="/admin/call-log?month=2026-03&amp;page=2" rel="next"' in first
    last = coordinator.text("/admin/call-log?month=2026-03&page=3")
    assert CODES.findall(last)[-2:] == ["P0", "M1AN"]
    assert len(CODES.findall(last)) == total - 2 * PAGE_SIZE
    assert 'rel="next"' not in last and "page=2" in last
    seen = [
        *CODES.findall(first),
        *codes(coordinator, "/admin/call-log?page=2"),
        *CODES.findall(last),
    ]
    assert len(seen) == len(set(seen)) == total
    assert codes(coordinator, f"/admin/call-log?agency={seeded.kenosha}&page=2") == []
    assert len(codes(coordinator, "/admin/call-log?page=abc")) == PAGE_SIZE


def test_a_forgotten_code_reads_as_a_dash(
    coordinator: Visitor, seeded: Seeded, store: Store
) -> None:
    with store.scope() as session:
        for entry in session.scalars(select(CallLogEntry).where(CallLogEntry.code == "M1AN")):
            entry.code = None
    assert codes(coordinator, "/admin/call-log") == ["M5EX", "M4NA", "M3CL", "M2KS"]
    assert '<td data-label="Code" class="code">—</td>' in coordinator.text("/admin/call-log")


def test_the_pages_work_on_an_empty_database(coordinator: Visitor, store: Store) -> None:
    page = coordinator.text("/admin/call-log")
    assert "No requests match in March 2026." in page
    text = coordinator.get("/admin/call-log/export.csv").get_data(as_text=True)
    assert text.splitlines() == [",".join(CSV_COLUMNS)]
    assert exports(store)[0].new["rows"] == 0
