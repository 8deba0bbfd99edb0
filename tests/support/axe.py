"""axe-core (npm, pinned in package-lock.json) injected by playwright into a page.

``npm ci`` puts it in ``node_modules/``; ``make test`` runs that when npm is present. Without
it the accessibility checks skip, saying why, unless DISPATCHER_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import REQUIRE_BROWSER

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as it stands; return its violations (rule id, nodes)."""
    if not AXE.exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"{AXE} is missing: run `npm ci`")
        pytest.skip(f"accessibility check skipped: {AXE} is missing (npm ci)")
    # Evaluated through the DevTools protocol, which the pages' Content-Security-Policy (no
    # inline scripts) does not govern, so the page is checked with its real policy on.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
