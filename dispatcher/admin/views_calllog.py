"""The call log: closed requests by month, filtered, and exported as CSV (audited).

The log holds no phone numbers and nothing about the victim: reference codes, hours,
agencies, needs, outcomes, durations. Months are calendar months in the display zone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, flash, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, select

from dispatcher import web
from dispatcher.admin import blueprint
from dispatcher.admin.auth import roles_required
from dispatcher.admin.display import format_age
from dispatcher.admin.pages import db, now, record_change
from dispatcher.flows.models import NEED_KINDS, CallLogEntry
from dispatcher.flows.stats import Period, parse_month, period_of
from dispatcher.rosters.models import Agency

READERS = ("coordinator",)
OUTCOMES = {
    "accepted": "Accepted",
    "unfilled": "Unfilled",
    "closed_by_officer": "Closed by the officer",
    "expired": "Expired",
}
NO_AGENCY = "none"
CSV_COLUMNS = (
    "code",
    "opened_hour",
    "agency",
    "needs",
    "tags",
    "outcome",
    "seconds_to_accept",
    "depth",
)
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class LogFilter:
    """What the coordinator asked for: a month and optional agency, need kind, outcome.

    ``agency`` is an agency id as text, ``"none"`` for requests without an agency, or "".
    """

    month: Period
    agency: str = ""
    need: str = ""
    outcome: str = ""

    def query(self, **changes: str) -> dict[str, str]:
        """The filter as query-string arguments (empty ones left out), with ``changes``."""
        values = {**self.audit(), **changes}
        return {key: value for key, value in values.items() if value}

    def audit(self) -> dict[str, str]:
        """The filter as the audit log keeps it."""
        return {
            "month": self.month.key,
            "agency": self.agency,
            "need": self.need,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class LogLine:
    """One request of the log as the page and the export show it."""

    entry: CallLogEntry
    agency: str

    @property
    def needs(self) -> list[tuple[str, str]]:
        """(kind, outcome) of each need, in the order they were asked."""
        return [(str(n.get("kind")), str(n.get("outcome"))) for n in self.entry.needs]

    @property
    def time_to_accept(self) -> str:
        """``4 min``, or "" when no one accepted."""
        seconds = self.entry.seconds_to_accept
        return "" if seconds is None else format_age(timedelta(seconds=seconds))

    def csv_row(self, zone: ZoneInfo) -> list[str]:
        """The row in CSV_COLUMNS order; times are ISO 8601 with ``zone``'s offset."""
        e = self.entry
        return [
            e.code,
            e.opened_hour.astimezone(zone).isoformat(),
            self.agency,
            "; ".join(f"{kind}:{outcome}" for kind, outcome in self.needs),
            "; ".join(e.tags),
            e.outcome,
            "" if e.seconds_to_accept is None else str(e.seconds_to_accept),
            str(e.depth),
        ]


@blueprint.get("/call-log")
@roles_required(*READERS)
def call_log() -> ResponseReturnValue:
    """The month's requests (newest first) matching the filter."""
    chosen, agencies = _chosen_filter(), _agencies()
    return render_template(
        "admin/calllog.html",
        chosen=chosen,
        lines=_lines(chosen, dict(agencies)),
        agencies=agencies,
        need_kinds=NEED_KINDS,
        outcomes=OUTCOMES,
        title=f"Call log, {chosen.month.label}",
    )


@blueprint.get("/call-log/export.csv")
@roles_required(*READERS)
def call_log_export() -> ResponseReturnValue:
    """The filtered rows as CSV; the audit log records who exported which filter."""
    chosen = _chosen_filter()
    lines = _lines(chosen, dict(_agencies()))
    record_change("export", "call_log", None, None, {**chosen.audit(), "rows": len(lines)})
    db().commit()
    name = f"call-log-{chosen.month.key}.csv"
    return Response(
        csv_text(lines, web.runtime().settings.zone),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def csv_text(lines: Sequence[LogLine], zone: ZoneInfo) -> str:
    """The CSV file: a header, then one row per line; no cell can start a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows([[_inert(cell) for cell in line.csv_row(zone)] for line in lines])
    return out.getvalue()


def _inert(cell: str) -> str:
    """``cell``, quoted with a leading apostrophe if a spreadsheet would run it."""
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell


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
    return LogFilter(
        month=month,
        agency=agency if agency == NO_AGENCY or agency.isdigit() else "",
        need=need if need in NEED_KINDS else "",
        outcome=outcome if outcome in OUTCOMES else "",
    )


def _query(chosen: LogFilter) -> Select[Any]:
    """The month's entries with the chosen agency and outcome, newest first."""
    start, end = chosen.month.bounds(web.runtime().settings.zone)
    query = select(CallLogEntry).where(
        CallLogEntry.opened_hour >= start, CallLogEntry.opened_hour < end
    )
    if chosen.agency == NO_AGENCY:
        query = query.where(CallLogEntry.agency_id.is_(None))
    elif chosen.agency:
        query = query.where(CallLogEntry.agency_id == int(chosen.agency))
    if chosen.outcome:
        query = query.where(CallLogEntry.outcome == chosen.outcome)
    return query.order_by(CallLogEntry.opened_hour.desc(), CallLogEntry.code)


def _lines(chosen: LogFilter, names: dict[int, str]) -> list[LogLine]:
    """The lines matching ``chosen``; ``names`` are the agencies' names by id."""
    entries = db().scalars(_query(chosen))
    return [
        LogLine(entry, names.get(entry.agency_id, "") if entry.agency_id else "")
        for entry in entries
        if not chosen.need or any(n.get("kind") == chosen.need for n in entry.needs)
    ]


def _agencies() -> list[tuple[int, str]]:
    """(id, name) of every agency, by name."""
    rows = db().execute(select(Agency.id, Agency.name).order_by(Agency.name))
    return [(row.id, row.name) for row in rows]
