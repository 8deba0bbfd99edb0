"""The call log export: one row per request, k-anonymous, nothing to link back to a call.

No reference code, no hour, no escalation depth or people: the month, the agency, the
needs with their outcomes, the tags, the outcome and the three durations as buckets. Rows
are sorted by their values, never by time. Before filtering, the whole month is made
k-anonymous on (month, agency, needs, tags) (``flows.anonymity``), so a filtered export
is always a part of the full one and two exports cannot be set against each other.
Pure: no Flask, no database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace

from dispatcher.flows.anonymity import Cell, cell_of, k_anonymise
from dispatcher.flows.calllog import BUCKET_LABELS
from dispatcher.flows.models import NEED_KINDS

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
    mutual_aid: int = 0,
) -> ExportRow:
    """``count`` alike requests' export row before anonymity.

    ``outcomes`` are by need kind (None: not asked); ``agency`` is (id, name); ``buckets``
    are (first page, accept, open) keys.
    """
    asked = tuple((kind, str(outcomes[kind])) for kind in NEED_KINDS if outcomes.get(kind))
    cell = cell_of(period, agency[1], [kind for kind, _ in asked], tags)
    first_page, accept, open_for = buckets
    return ExportRow(
        cell, asked, outcome, first_page, accept, open_for, agency[0], count, mutual_aid
    )


def released(rows: Sequence[ExportRow]) -> list[ExportRow | None]:
    """Each row with its cell generalised as k-anonymity needs, or None when suppressed."""
    cells = k_anonymise([row.cell for row in rows], weights=[row.count for row in rows])
    return [
        None if cell is None else replace(row, cell=cell)
        for row, cell in zip(rows, cells, strict=True)
    ]


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
