"""Import rules import-linter cannot express: only the sender talks to Twilio's REST API."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
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


def _lint_copy(tmp_path: Path, additions: dict[str, str]) -> str:
    """Run import-linter with this project's contracts over a copy of the package that has
    ``additions`` (relative path -> source appended); return its report."""
    copy = tmp_path / "dispatcher"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for relative, source in additions.items():
        with (copy / relative).open("a") as file:
            file.write(source)
    shutil.copy(PACKAGE.parent / "pyproject.toml", tmp_path / "pyproject.toml")
    lint = Path(sys.executable).parent / "lint-imports"
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    return " ".join(done.stdout.split())


def test_contracts_cover_new_modules_and_the_pure_core(tmp_path: Path) -> None:
    report = _lint_copy(
        tmp_path,
        {
            "sms/newcomer.py": "import twilio\n",
            "flows/policy.py": "import sqlalchemy\n",
            "accounts/service.py": "import dispatcher.rosters\n",
        },
    )
    assert "import twilio BROKEN" in report
    assert "has no database BROKEN" in report
    assert (
        "Layers: edges > channels > flows > rosters | accounts > audit log > foundation BROKEN"
        in report
    )
    assert "never imports web, Twilio or scheduler libraries KEPT" in report
