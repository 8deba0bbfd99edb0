"""The call log export: one row per request, k-anonymous, nothing to link back to a call.

No reference code, no hour, no escalation depth or people: the month, the agency, the
needs with their outcomes, the tags, the outcome and the three durations as buckets. Rows
are sorted by their values, never by time. Before filtering, the whole month is made
k-anonymous on (month, agency, needs, tags) (``flows.anonymity``), so a filtered export
is always a part of the full one and two exports cannot be set against each other.

Debrief services are not a column of the rows. They are what the request was for (the
sensitive value, not a way to find a request): on a row, a cell of five requests that all
got "shelter placed" would tell anyone who knows one of them what it got, and adding them
to the cell would split cells and leave out many more requests. So they are a separate
aggregate (``services_cells``) over exactly the rows the export releases, under the
statistics' rule: counts rounded to 5, "fewer than 5", and "suppressed" when the debriefed
requests without a service are 1 to 4.
Pure: no Flask, no database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace

from dispatcher.admin.stats import Measure, funder_cells
from dispatcher.flows.anonymity import Cell, cell_of, k_anonymise
from dispatcher.flows.calllog import BUCKET_LABELS
from dispatcher.flows.models import NEED_KINDS
from dispatcher.flows.services import SERVICE_LABELS as SERVICE_KEYS
from dispatcher.flows.services import label_of

CSV_COLUMNS = (
    "month",
    "agency",
    "needs",
    "tags",
    "outcome",
    "time_to_first_page",
    "time_to_accept",
    "time_open",
    "mutual_aid",
)
SERVICES_COLUMNS = ("month", "measure", "value", "note")
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportRow:
    """One request as the export shows it; ``outcomes`` are the needs' outcomes by kind.

    ``agency_id`` is kept only to filter on; it is not exported. ``count`` is how many
    requests the row stands for (the export is counted in SQL, each row written ``count``
    times). ``mutual_aid`` is how many of the request's needs another region's roster
    answered for.
    """

    cell: Cell
    outcomes: tuple[tuple[str, str], ...]
    outcome: str
    time_to_first_page: str | None
    time_to_accept: str | None
    time_open: str
    agency_id: int | None = None
    count: int = 1
    services: tuple[str, ...] = ()  # debrief service keys: counted apart, never written
    mutual_aid: int = 0

    def csv_row(self) -> list[str]:
        """The row in CSV_COLUMNS order."""
        return [
            self.cell.period,
            self.cell.agency,
            "; ".join(f"{kind}:{outcome}" for kind, outcome in self.outcomes),
            "; ".join(self.cell.tags),
            self.outcome,
            BUCKET_LABELS.get(self.time_to_first_page or "", ""),
            BUCKET_LABELS.get(self.time_to_accept or "", ""),
            BUCKET_LABELS.get(self.time_open, ""),
            str(self.mutual_aid),
        ]


def export_row(
    period: str,
    agency: tuple[int | None, str],
    outcomes: dict[str, str | None],
    tags: Sequence[str],
    outcome: str,
    buckets: tuple[str | None, str | None, str],
    count: int = 1,
    services: Sequence[str] = (),
    mutual_aid: int = 0,
) -> ExportRow:
    """``count`` alike requests' export row before anonymity.

    ``outcomes`` are by need kind (None: not asked); ``agency`` is (id, name); ``buckets``
    are (first page, accept, open) keys.
    """
    kinds = dict.fromkeys([*NEED_KINDS, *outcomes])
    asked = tuple((kind, str(outcomes[kind])) for kind in kinds if outcomes.get(kind))
    cell = cell_of(period, agency[1], [kind for kind, _ in asked], tags)
    first_page, accept, open_for = buckets
    kept = tuple(sorted(set(services)))
    return ExportRow(
        cell, asked, outcome, first_page, accept, open_for, agency[0], count, kept, mutual_aid
    )


def released(rows: Sequence[ExportRow]) -> list[ExportRow | None]:
    """Each row with its cell generalised as k-anonymity needs, or None when suppressed."""
    cells = k_anonymise([row.cell for row in rows], weights=[row.count for row in rows])
    return [
        None if cell is None else replace(row, cell=cell)
        for row, cell in zip(rows, cells, strict=True)
    ]


def services_measures(rows: Sequence[ExportRow]) -> list[Measure]:
    """Requests with a debrief among ``rows`` (the released ones), then for each service
    named the requests that got it, hidden behind the debriefed requests without it."""
    debriefed = sum(row.count for row in rows if row.services)
    named: dict[str, int] = {}
    for row in rows:
        for key in row.services:
            named[key] = named.get(key, 0) + row.count
    order = {key: n for n, key in enumerate(SERVICE_KEYS)}
    keys = sorted(named, key=lambda key: (order.get(key, len(order)), key))
    return [Measure("Requests with a debrief", debriefed, "requests")] + [
        Measure(f"Debrief: {label_of(key)}", named[key], "services", (debriefed - named[key],))
        for key in keys
    ]


def services_csv(month: str, rows: Sequence[ExportRow]) -> str:
    """The services aggregate of the released ``rows`` as CSV: month, measure, value, note;
    every count rounded to 5 or hidden (``admin.stats.funder_cells``)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SERVICES_COLUMNS)
    for cell in funder_cells(services_measures(rows)):
        writer.writerow([month, inert(cell.measure), cell.value, cell.note])
    return out.getvalue()


def csv_text(rows: Sequence[ExportRow]) -> str:
    """The CSV file: a header, then the rows sorted by value; no cell can start a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    lines = sorted(([inert(cell) for cell in row.csv_row()], row.count) for row in rows)
    writer.writerows(line for line, count in lines for _ in range(count))
    return out.getvalue()


def inert(cell: str) -> str:
    """``cell``, quoted with a leading apostrophe if a spreadsheet would run it."""
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell
