"""The coalition report: one printable page for a quarter or a year that the media policy
allows (requests, fill rate, time to accept, nights covered, partners' room-nights, rides
and their in-kind value from the ledger, drills passed).

Every count is shown as the funder export shows it, to coordinators too: rounded to 5,
under 5 hidden, and hidden when it would give away a small one by subtraction. Nothing is
broken down by debrief service, agency or person; charts are SVG as on the statistics page.
"""

from __future__ import annotations

from datetime import timedelta

from flask import flash, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.charts import needs_chart, trend_chart
from dispatcher.admin.pages import db, now
from dispatcher.admin.stats import (
    InKind,
    coalition_measures,
    funder_cells,
    measures,
    rounded_text,
    shown_numbers,
    trend_measures,
)
from dispatcher.admin.views.stats import period_figures
from dispatcher.flows.drillreport import passed_between
from dispatcher.flows.stats import (
    REPORT_KINDS,
    Period,
    month_trend_figures,
    months_up_to,
    nights_covered,
    parse_month,
    period_of,
)
from dispatcher.flows.tallies import tally_months
from dispatcher.rosters.history import recorded_periods_of
from dispatcher.rosters.ledger import ledger_lines
from dispatcher.rosters.models import Roster

READERS = ("viewer", "coordinator")
ADVOCATE_ROSTERS = "advocate"  # the roster kind whose nights the report counts
MONTHS_IN_REPORT = {"quarter": 3, "year": 12}


@blueprint.get("/reports/coalition")
@roles_required(*READERS)
def coalition_report() -> ResponseReturnValue:
    """The chosen quarter's or year's report, rounded for everyone (coordinators too)."""
    period = _chosen_period()
    zone = web.runtime().settings.zone
    start, end = period.bounds(zone)
    found = period_figures(period)
    cells = funder_cells(
        coalition_measures(
            found,
            _nights(period),
            passed_between(db(), start, min(end, now())),
            _given(period),
        )
    )
    months = months_up_to(period, MONTHS_IN_REPORT[period.kind])
    tallies = tally_months(db(), [m.bounds(zone) for m in months])
    by_month = tuple(
        (
            m.label,
            shown_numbers(funder_cells(trend_measures(month_trend_figures(t), True))).get(
                "Requests"
            ),
        )
        for m, t in zip(months, tallies, strict=True)
    )
    charts = {
        "needs": needs_chart(found, shown_numbers(funder_cells(measures(found, rounded=True)))),
        "months": trend_chart(by_month, "Requests per month"),
    }
    return render_template(
        "admin/coalition.html",
        period=period,
        rows=[(c.measure, rounded_text(c), c.note) for c in cells],
        charts=charts,
        kinds=REPORT_KINDS,
        partial=end > now(),
        title=f"Coalition report, {period.label}",
    )


def _nights(period: Period) -> tuple[int, int]:
    """(nights covered, nights ended) of ``period`` on the advocate rosters together,
    from the shift history."""
    start, end = period.bounds(web.runtime().settings.zone)
    rosters = db().scalars(select(Roster).where(Roster.kind == ADVOCATE_ROSTERS)).all()
    periods = [
        (p.start, p.end)
        for shifts in recorded_periods_of(db(), rosters, start, end).values()
        for p in shifts
    ]
    return nights_covered(periods, period, web.runtime().settings.zone, now())


def _given(period: Period) -> InKind:
    """What the partners' ledger says they gave in ``period``'s months."""
    lines = ledger_lines(db(), period.first, period.after - timedelta(days=1))
    values = [line.value for line in lines if line.value is not None]
    return InKind(
        room_nights=sum(line.used for line in lines if line.need == "room"),
        rides=sum(line.used for line in lines if line.need == "ride"),
        dollars=sum(values) if values else None,
    )


def _chosen_period() -> Period:
    """The quarter or year in the query string (``by``, ``month`` YYYY-MM); by default the
    last quarter that has ended; a bad one falls back to it, said so."""
    today = now().astimezone(web.runtime().settings.zone).date()
    last = period_of("quarter", today).previous()
    kind = request.args.get("by", "quarter")
    text = request.args.get("month", "").strip()
    if not text:
        return last if kind == "quarter" else period_of("year", last.first)
    try:
        if kind not in REPORT_KINDS:
            raise ValueError(kind)
        return period_of(kind, parse_month(text))
    except ValueError:
        flash(
            "That is not a quarter or a year this report knows; showing the last quarter.", "error"
        )
        return last
