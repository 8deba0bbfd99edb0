"""Import rules import-linter cannot express: only the sender talks to Twilio's REST API."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dispatcher"


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, absolute names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_only_the_sender_imports_twilio_rest() -> None:
    users = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(
            name == "twilio.rest" or name.startswith("twilio.rest.")
            for name in imported_modules(path)
        )
    }
    assert users == {"sms/senders.py"}
