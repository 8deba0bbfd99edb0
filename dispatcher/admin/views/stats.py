"""Statistics per month or quarter: charts and a table, and the funder export (CSV).

Viewers may open these pages (and nothing with phone numbers). The numbers come from the
call log (counted in SQL, ``flows.tallies``), the rosters' schedules and the anonymous
counts; see ``flows.stats``. Coordinators and admins see exact numbers; viewers see them
as funders do, rounded to 5 with small counts hidden (``admin.stats``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Response, current_app, flash, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from dispatcher import web
from dispatcher.admin.auth import roles_required, sees_exact_counts
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.charts import (
    coverage_chart,
    needs_chart,
    services_chart,
    stylesheet,
    trend_chart,
)
from dispatcher.admin.pages import auditor, db, now
from dispatcher.admin.stats import (
    FunderCell,
    exact_numbers,
    exact_text,
    funder_cells,
    measures,
    rounded_text,
    shown_numbers,
    trend_measures,
)
from dispatcher.flows.models import AnonymousCount
from dispatcher.flows.stats import (
    PERIOD_KINDS,
    Coverage,
    Figures,
    Period,
    covered_time,
    figures,
    month_trend_figures,
    months_up_to,
    parse_month,
    period_of,
)
from dispatcher.flows.tallies import SettledMonths, tally_period
from dispatcher.rosters import needstore
from dispatcher.rosters.history import recorded_periods_of
from dispatcher.rosters.models import Roster

READERS = ("viewer", "coordinator")
FUNDER_COLUMNS = ("period", "measure", "value", "unit", "note")
TREND_MONTHS = 12
TREND_PREFIX = "12-month trend: "  # the export's trend rows, apart from the period's own
SETTLED = "dispatcher.settled_months"  # the app's SettledMonths, in app.extensions
# The small layout rules of the reports (the filter row) beside the charts' styling.
REPORT_CSS = """
form.filters { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: end; }
ul.plain { list-style: none; margin: 0; padding: 0; }
.charts { display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fit, minmax(min(24rem, 100%), 1fr)); }
.charts figure { margin: 0; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.report .charts { grid-template-columns: repeat(auto-fit, minmax(min(18rem, 100%), 1fr)); }
@media print {
  header.top, .skip, .flashes, .no-print { display: none !important; }
  body, main { margin: 0; padding: 0; }
  .report { font-size: 10pt; }
  .report .charts { grid-template-columns: 1fr 1fr; }
  .report svg { max-height: 6.5cm; }
  .report table { page-break-inside: avoid; }
}
"""


@blueprint.get("/statistics")
@roles_required(*READERS)
def statistics() -> ResponseReturnValue:
    """The chosen period's charts and table."""
    period = _chosen_period()
    found = period_figures(period)
    rows, shown = _table(found, exact=sees_exact_counts())
    trend = trend_rows(period, exact=sees_exact_counts())
    charts = {
        "needs": needs_chart(found, shown),
        "services": services_chart(found, shown),
        "coverage": coverage_chart(found) if found.coverage else None,
        "trend": trend_chart(tuple((row.month.label, row.requests) for row in trend)),
    }
    return render_template(
        "admin/stats.html",
        period=period,
        figures=found,
        exact=sees_exact_counts(),
        rows=rows,
        trend=trend,
        charts=charts,
        kinds=PERIOD_KINDS,
        partial=period.bounds(web.runtime().settings.zone)[1] > now(),
        title=f"Statistics, {period.label}",
    )


@blueprint.get("/statistics/funder.csv")
@roles_required(*READERS)
def statistics_funder_export() -> ResponseReturnValue:
    """The period's table for funders: small counts suppressed (the export is audited)."""
    period = _chosen_period()
    cells = funder_cells(measures(period_figures(period), rounded=True))
    trend = [
        (month, funder_cells(trend_measures(found, rounded=True)))
        for month, found in trend_figures(period)
    ]
    auditor().record(
        db(), "export", "statistics", None, None, {"period": period.key, "funder": True}
    )
    db().commit()
    return Response(
        funder_csv(period, cells, trend),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="statistics-{period.key}.csv"'},
    )


@blueprint.get("/reports.css")
@roles_required(*READERS)
def reports_stylesheet() -> ResponseReturnValue:
    """The charts' styling and the reports' layout, served from here (no inline styles)."""
    return Response(stylesheet() + REPORT_CSS, mimetype="text/css")


def _table(found: Figures, exact: bool) -> tuple[list[tuple[str, str]], dict[str, float | None]]:
    """The table's (measure, text) rows and the numbers the charts draw.

    Exact for coordinators and admins; rounded as in the funder export otherwise.
    """
    if exact:
        items = measures(found)
        return [(m.name, exact_text(m)) for m in items], exact_numbers(items)
    cells = funder_cells(measures(found, rounded=True))
    return [(c.measure, rounded_text(c)) for c in cells], shown_numbers(cells)


def funder_csv(
    period: Period,
    cells: list[FunderCell],
    trend: Sequence[tuple[Period, list[FunderCell]]] = (),
) -> str:
    """The funder export: one row per measure, with the period, unit and a note; then the
    12-month trend, one row per month and measure, under the same small-cell rule."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FUNDER_COLUMNS)
    writer.writerows([period.label, c.measure, c.value, c.unit, c.note] for c in cells)
    for month, month_cells in trend:
        writer.writerows(
            [month.label, f"{TREND_PREFIX}{c.measure}", c.value, c.unit, c.note]
            for c in month_cells
        )
    return out.getvalue()


@dataclass(frozen=True)
class TrendRow:
    """One month of the trend: its cells as the reader may see them, and the requests
    number the chart draws (None when hidden)."""

    month: Period
    cells: tuple[str, ...]
    requests: float | None


def trend_rows(period: Period, exact: bool) -> list[TrendRow]:
    """The 12 months up to ``period``'s last: requests, fill rate, median time to accept.

    Exact for coordinators and admins; rounded and small cells hidden otherwise, as in the
    funder export.
    """
    rows = []
    for month, found in trend_figures(period):
        if exact:
            items = trend_measures(found)
            texts, numbers = [exact_text(m) for m in items], exact_numbers(items)
        else:
            cells = funder_cells(trend_measures(found, rounded=True))
            texts, numbers = [rounded_text(c) for c in cells], shown_numbers(cells)
        rows.append(TrendRow(month, tuple(texts), numbers.get("Requests")))
    return rows


def trend_figures(period: Period) -> list[tuple[Period, Figures]]:
    """The TREND_MONTHS months up to ``period``'s last, with their figures: settled months
    from memory, the others in one query."""
    zone = web.runtime().settings.zone
    months = months_up_to(period, TREND_MONTHS)
    tallies = settled_months().tally(db(), [month.bounds(zone) for month in months], now())
    kinds = needstore.current(db()).keys
    return [(m, month_trend_figures(t, kinds)) for m, t in zip(months, tallies, strict=True)]


def settled_months() -> SettledMonths:
    """This app's kept tallies of settled months (made on first use)."""
    kept: SettledMonths = current_app.extensions.setdefault(SETTLED, SettledMonths())
    return kept


def period_figures(period: Period) -> Figures:
    """The numbers of ``period``: requests opened in it, roster hours up to now, texts."""
    zone = web.runtime().settings.zone
    start, end = period.bounds(zone)
    tallies = tally_period(db(), start, end)
    kinds = needstore.current(db()).keys
    coverage = _coverage(start, min(end, now()))
    return figures(tallies, zone, coverage, _unknown_texts(period), kinds)


def _coverage(start: datetime, end: datetime) -> list[Coverage]:
    """Each roster's covered and uncovered time in [start, end) (zero when it is empty),
    read from the shift history where it is written."""
    span = max(end - start, timedelta())
    rosters = db().scalars(select(Roster).order_by(Roster.name)).all()
    periods = recorded_periods_of(db(), rosters, start, end) if span else {}
    found = []
    for roster in rosters:
        covered = timedelta()
        if span:
            shifts = periods[roster.id]
            covered = covered_time(((p.start, p.end) for p in shifts), start, end)
        found.append(Coverage(roster.name, covered, span - covered))
    return found


def _unknown_texts(period: Period) -> int:
    """Texts from unknown numbers counted on the period's days (days are UTC dates)."""
    total = db().scalar(
        select(func.coalesce(func.sum(AnonymousCount.count), 0)).where(
            AnonymousCount.kind == "unknown_sender",
            AnonymousCount.day >= period.first,
            AnonymousCount.day < period.after,
        )
    )
    return int(total or 0)


def _chosen_period() -> Period:
    """The period in the query string (``by`` month or quarter, ``month`` YYYY-MM).

    Without one, the current month in the display zone; a bad one falls back to it, said so.
    """
    today = now().astimezone(web.runtime().settings.zone).date()
    kind = request.args.get("by", "month")
    text = request.args.get("month", "").strip()
    try:
        return period_of(kind, parse_month(text) if text else today)
    except ValueError:
        flash("That is not a period this page knows; showing this month.", "error")
        return period_of("month", today)
