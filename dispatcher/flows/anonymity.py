"""k-anonymity for what leaves the admin pages: no request stands out from fewer than K.

A request is described by its quasi-identifiers: the period it was opened in, the agency
that asked, the kinds of need and the tags. Someone who knows those of a request (an
officer, an agency) must find at least K requests alike in an export. Rare cells are first
generalised (each language becomes "another language"); cells that stay rare are
suppressed. Pure functions of values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

K = 5
ANOTHER_LANGUAGE = "another language"
LANGUAGE_PREFIX = "lang:"


@dataclass(frozen=True, order=True)
class Cell:
    """The quasi-identifiers of one request: period key, agency, need kinds, tags (sorted)."""

    period: str
    agency: str
    needs: tuple[str, ...]
    tags: tuple[str, ...]


def cell_of(period: str, agency: str, needs: Sequence[str], tags: Sequence[str]) -> Cell:
    """A cell with its needs and tags in a canonical order (sorted, each once)."""
    return Cell(period, agency, tuple(sorted(set(needs))), tuple(sorted(set(tags))))


def generalised(cell: Cell) -> Cell:
    """``cell`` with every language tag replaced by ANOTHER_LANGUAGE (other tags kept)."""
    tags = [ANOTHER_LANGUAGE if t.startswith(LANGUAGE_PREFIX) else t for t in cell.tags]
    return cell_of(cell.period, cell.agency, cell.needs, tags)


def k_anonymise(
    cells: Sequence[Cell], k: int = K, weights: Sequence[int] | None = None
) -> list[Cell | None]:
    """Each cell as it may be released, or None when it must be suppressed.

    ``weights`` say how many requests each entry stands for (1 each without them).
    Cells shared by at least ``k`` requests are kept; the others are generalised, and
    those still shared by fewer than ``k`` are suppressed. Every released cell is then
    shared by at least ``k`` released requests.
    """
    counts = _weighted(cells, weights)
    widened = [cell if counts[cell] >= k else generalised(cell) for cell in cells]
    counts = _weighted(widened, weights)
    return [cell if counts[cell] >= k else None for cell in widened]


def _weighted(cells: Sequence[Cell], weights: Sequence[int] | None) -> Counter[Cell]:
    """How many requests share each cell, each entry counting its weight."""
    counts: Counter[Cell] = Counter()
    for cell, weight in zip(cells, weights or [1] * len(cells), strict=True):
        counts[cell] += weight
    return counts


def round_count(count: int) -> int | None:
    """A count as viewers and funders see it: the nearest multiple of 5, None under K.

    Rounding to base 5 keeps a month's and a quarter's counts from being subtracted to
    single out a request; None stands for "fewer than 5".
    """
    if count < K:
        return None
    return (count + 2) // 5 * 5
