"""The partners' ledger: per partner per month pledged, used, declined, unanswered and the
in-kind value, for a year; as a page and as CSV (the export audited).

Counts per month only: nothing per request, no tags, no people.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.calllog_export import inert
from dispatcher.admin.pages import auditor, db, now
from dispatcher.rosters.ledger import LedgerLine, ledger_lines

READERS = ("coordinator",)
COLUMNS = (
    "partner", "need", "month", "pledged", "used", "accepted", "declined", "unanswered",
    "unit_value", "in_kind_value",
)  # fmt: skip


@blueprint.get("/ledger")
@roles_required(*READERS)
def ledger() -> ResponseReturnValue:
    """A year of every partner's months, with the year's totals per partner."""
    year = _chosen_year()
    lines = ledger_lines(db(), date(year, 1, 1), date(year, 12, 1))
    totals: dict[str, dict[str, int | None]] = {}
    for line in lines:
        total = totals.setdefault(line.partner, {"used": 0, "value": None, "accepted": 0})
        total["used"] = (total["used"] or 0) + line.used
        total["accepted"] = (total["accepted"] or 0) + line.accepted
        if line.value is not None:
            total["value"] = (total["value"] or 0) + line.value
    shown = [line for line in lines if _shown(line)]
    return render_template(
        "admin/ledger.html", year=year, lines=shown, totals=totals, title=f"Ledger {year}"
    )


@blueprint.get("/ledger.csv")
@roles_required(*READERS)
def ledger_export() -> ResponseReturnValue:
    """The year's ledger as CSV, one row per partner and month; the export is audited."""
    year = _chosen_year()
    lines = ledger_lines(db(), date(year, 1, 1), date(year, 12, 1))
    auditor().record(db(), "export", "ledger", None, None, {"year": year, "rows": len(lines)})
    db().commit()
    return Response(
        csv_text(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="ledger-{year}.csv"'},
    )


def csv_text(lines: list[LedgerLine]) -> str:
    """The ledger lines as CSV with a header row; months as ``YYYY-MM``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow(
            [
                inert(line.partner), line.need, f"{line.month:%Y-%m}", line.pledged, line.used,
                line.accepted, line.declined, line.unanswered,
                "" if line.unit_value is None else line.unit_value,
                "" if line.value is None else line.value,
            ]
        )  # fmt: skip
    return out.getvalue()


def _shown(line: LedgerLine) -> bool:
    """A month worth a row on the page: something pledged or something happened."""
    return bool(line.pledged or line.used or line.declined or line.unanswered)


def _chosen_year() -> int:
    """The year in the query string, else this year (in the coalition's zone)."""
    text = request.args.get("year", "")
    if text.isdigit() and len(text) == 4:
        return int(text)
    return now().astimezone(web.runtime().settings.zone).year
