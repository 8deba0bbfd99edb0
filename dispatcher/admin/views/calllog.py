"""The call log: closed requests by month, filtered, paginated, exported as CSV (audited).

Coordinators and admins see each request in detail here (code while it is kept, hour,
agency, needs, tags, outcome, time to accept as a bucket). The export is for people
outside: k-anonymous, with no code and no hour (``calllog_export``). Months are calendar
months in the display zone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import Response, flash, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import ColumnElement, Select, String, cast, func, literal, select

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.calllog_export import (
    ExportRow,
    csv_text,
    export_row,
    released,
    services_csv,
)
from dispatcher.admin.pages import auditor, db, now
from dispatcher.flows.calllog import BUCKET_LABELS, read_more_needs
from dispatcher.flows.models import NEED_KINDS, CallLogEntry
from dispatcher.flows.stats import Period, parse_month, period_of
from dispatcher.flows.vocabulary import Outcome
from dispatcher.rosters import needstore
from dispatcher.rosters.models import Agency

READERS = ("coordinator",)
PAGE_SIZE = 50
OUTCOMES = {
    Outcome.ACCEPTED: "Accepted",
    Outcome.UNFILLED: "Unfilled",
    Outcome.CLOSED_BY_OFFICER: "Closed by the officer",
    Outcome.EXPIRED: "Expired",
}
NO_AGENCY = "none"


@dataclass(frozen=True)
class LogFilter:
    """What the coordinator asked for: a month, optional agency, need kind, outcome; a page.

    ``agency`` is an agency id as text, ``"none"`` for requests without an agency, or "".
    ``page`` counts from 1.
    """

    month: Period
    agency: str = ""
    need: str = ""
    outcome: str = ""
    page: int = 1

    def query(self, **changes: str) -> dict[str, str]:
        """The filter as query-string arguments (empty ones and page 1 left out)."""
        values = {**self.audit(), "page": str(self.page) if self.page > 1 else "", **changes}
        return {key: value for key, value in values.items() if value}

    def audit(self) -> dict[str, str]:
        """The filter as the audit log keeps it (the page is not part of it)."""
        return {
            "month": self.month.key,
            "agency": self.agency,
            "need": self.need,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class LogLine:
    """One request of the log as the page shows it."""

    entry: CallLogEntry
    agency: str

    @property
    def needs(self) -> list[tuple[str, str]]:
        """(kind, outcome) of each need, in the order they were asked."""
        return [(str(n.get("kind")), str(n.get("outcome"))) for n in self.entry.needs]

    @property
    def time_to_accept(self) -> str:
        """``5-15 min``, or "" when no one accepted."""
        return BUCKET_LABELS.get(self.entry.time_to_accept or "", "")


@dataclass(frozen=True)
class LogPage:
    """One page of the filtered log: its lines, every matching request, the page count."""

    lines: list[LogLine]
    total: int
    pages: int


@blueprint.get("/call-log")
@roles_required(*READERS)
def call_log() -> ResponseReturnValue:
    """One page of the month's requests (newest first) matching the filter."""
    chosen, agencies = _chosen_filter(), _agencies()
    return render_template(
        "admin/calllog.html",
        chosen=chosen,
        log=_page(chosen, dict(agencies)),
        agencies=agencies,
        need_kinds=needstore.current(db()).keys,
        outcomes=OUTCOMES,
        title=f"Call log, {chosen.month.label}",
    )


@blueprint.get("/call-log/export.csv")
@roles_required(*READERS)
def call_log_export() -> ResponseReturnValue:
    """The filtered requests as k-anonymous CSV; the audit log records who exported what."""
    chosen = _chosen_filter()
    rows, withheld = _export_rows(chosen)
    audit = {**chosen.audit(), "rows": sum(row.count for row in rows), "withheld": withheld}
    auditor().record(db(), "export", "call_log", None, None, audit)
    db().commit()
    name = f"call-log-{chosen.month.key}.csv"
    return Response(
        csv_text(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.get("/call-log/services.csv")
@roles_required(*READERS)
def call_log_services_export() -> ResponseReturnValue:
    """The debrief services of the requests the filtered export releases, as counts rounded
    to 5 with small ones hidden (never per request); audited like the export."""
    chosen = _chosen_filter()
    rows, withheld = _export_rows(chosen)
    audit = {**chosen.audit(), "rows": sum(row.count for row in rows), "withheld": withheld}
    auditor().record(db(), "export", "call_log_services", None, None, audit)
    db().commit()
    name = f"call-log-services-{chosen.month.key}.csv"
    return Response(
        services_csv(chosen.month.key, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _chosen_filter() -> LogFilter:
    """The filter in the query string; a bad month falls back to this month, said so."""
    today = now().astimezone(web.runtime().settings.zone).date()
    text = request.args.get("month", "").strip()
    try:
        month = period_of("month", parse_month(text) if text else today)
    except ValueError:
        flash(f"“{text}” is not a month (YYYY-MM); showing this month.", "error")
        month = period_of("month", today)
    need = request.args.get("need", "")
    outcome = request.args.get("outcome", "")
    agency = request.args.get("agency", "")
    page = request.args.get("page", "")
    return LogFilter(
        month=month,
        agency=agency if agency == NO_AGENCY or agency.isdigit() else "",
        need=need if need in needstore.current(db()).keys else "",
        outcome=outcome if outcome in OUTCOMES else "",
        page=max(int(page), 1) if page.isdigit() and len(page) < 7 else 1,
    )


def _in_month(chosen: LogFilter) -> tuple[ColumnElement[bool], ...]:
    """The condition: opened in the chosen month."""
    start, end = chosen.month.bounds(web.runtime().settings.zone)
    return (CallLogEntry.opened_hour >= start, CallLogEntry.opened_hour < end)


def _matching(chosen: LogFilter) -> tuple[ColumnElement[bool], ...]:
    """The conditions of the whole filter: month, agency, need and outcome."""
    found = list(_in_month(chosen))
    if chosen.agency == NO_AGENCY:
        found.append(CallLogEntry.agency_id.is_(None))
    elif chosen.agency:
        found.append(CallLogEntry.agency_id == int(chosen.agency))
    if chosen.need in NEED_KINDS:
        found.append(getattr(CallLogEntry, chosen.need).is_not(None))
    elif chosen.need:
        more = literal(" ") + CallLogEntry.more_needs
        found.append(more.like(f"% {chosen.need}:%"))
    if chosen.outcome:
        found.append(CallLogEntry.outcome == chosen.outcome)
    return tuple(found)


def _page(chosen: LogFilter, names: dict[int, str]) -> LogPage:
    """The chosen page of matching entries, newest first; ``names`` are agencies by id."""
    total = int(db().scalar(select(func.count()).where(*_matching(chosen))) or 0)
    query: Select[Any] = (
        select(CallLogEntry)
        .where(*_matching(chosen))
        .order_by(CallLogEntry.opened_hour.desc(), CallLogEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((chosen.page - 1) * PAGE_SIZE)
    )
    lines = [
        LogLine(entry, names.get(entry.agency_id, "") if entry.agency_id else "")
        for entry in db().scalars(query)
    ]
    return LogPage(lines, total, max(1, -(-total // PAGE_SIZE)))


def _export_rows(chosen: LogFilter) -> tuple[list[ExportRow], int]:
    """The month made k-anonymous as a whole, then filtered; and how many were withheld.

    Alike requests are counted together in SQL (tags compared as their stored JSON text).
    """
    names = dict(_agencies())
    drafts = [
        export_row(
            chosen.month.key,
            (row.agency_id, names.get(row.agency_id, "") if row.agency_id else ""),
            {
                **{kind: getattr(row, kind) for kind in NEED_KINDS},
                **read_more_needs(row.more_needs),
            },
            json.loads(row.tags or "[]"),
            row.outcome,
            (row.time_to_first_page, row.time_to_accept, row.time_open),
            int(row.alike),
            json.loads(row.services or "[]"),
            int(row.mutual_aid or 0),
        )
        for row in db().execute(_export_query(chosen))
    ]
    wanted = [(row, out) for row, out in zip(drafts, released(drafts), strict=True)]
    wanted = [(row, out) for row, out in wanted if _wanted(chosen, row)]
    kept = [out for _, out in wanted if out is not None]
    return kept, sum(row.count for row, out in wanted if out is None)


def _export_query(chosen: LogFilter) -> Select[Any]:
    """The month's requests grouped by everything the export shows, with their counts."""
    e = CallLogEntry
    columns: list[Any] = [
        e.agency_id, e.outcome, e.time_to_first_page, e.time_to_accept, e.time_open, e.mutual_aid,
        *(getattr(e, kind) for kind in NEED_KINDS), e.more_needs,
        cast(e.tags, String).label("tags"), cast(e.services, String).label("services"),
    ]  # fmt: skip
    return (
        select(*columns, func.count().label("alike")).where(*_in_month(chosen)).group_by(*columns)
    )


def _wanted(chosen: LogFilter, row: ExportRow) -> bool:
    """True when ``row`` (before anonymity) matches the chosen agency, need and outcome."""
    if chosen.agency == NO_AGENCY and row.agency_id is not None:
        return False
    if chosen.agency.isdigit() and row.agency_id != int(chosen.agency):
        return False
    if chosen.need and chosen.need not in row.cell.needs:
        return False
    return not chosen.outcome or row.outcome == chosen.outcome


def _agencies() -> list[tuple[int, str]]:
    """(id, name) of every agency, by name."""
    rows = db().execute(select(Agency.id, Agency.name).order_by(Agency.name))
    return [(row.id, row.name) for row in rows]
