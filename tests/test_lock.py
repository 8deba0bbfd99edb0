"""requirements.lock pins exactly the deployed dependency set that pyproject.toml declares.

The lock is ``make lock`` (pip-compile of [project.dependencies] and the ``server`` extra).
It must name every declared dependency at a version the declaration allows, and name no
top-level dependency that pyproject.toml has dropped.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)")
VIA = re.compile(r"^\s+#\s+(?:via\s+)?(.+?)\s*$")
TOP_LEVEL = "dispatcher (pyproject.toml)"


def declared() -> dict[str, Requirement]:
    """The deployed requirements: the project's dependencies and its server extra."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + project["optional-dependencies"]["server"]
    return {canonicalize_name(Requirement(line).name): Requirement(line) for line in lines}


def parse_lock(text: str) -> tuple[dict[str, str], set[str]]:
    """(every pinned name -> version, the names pinned because pyproject.toml asks)."""
    pins: dict[str, str] = {}
    top: set[str] = set()
    current = ""
    for line in text.splitlines():
        if pin := PIN.match(line):
            current = canonicalize_name(pin.group(1))
            pins[current] = pin.group(2)
        elif (via := VIA.match(line)) and via.group(1) == TOP_LEVEL:
            top.add(current)
    return pins, top


def test_parse_lock_reads_pins_and_their_reasons() -> None:
    text = (
        "Flask==3.1.0\n    # via\n    #   dispatcher (pyproject.toml)\n    #   flask-wtf\n"
        "click==8.1.0\n    # via flask\n"
        "psycopg==3.2.0\n    # via dispatcher (pyproject.toml)\n"
    )
    assert parse_lock(text) == (
        {"flask": "3.1.0", "click": "8.1.0", "psycopg": "3.2.0"},
        {"flask", "psycopg"},
    )


def test_the_lock_pins_every_declared_dependency_within_its_specifier() -> None:
    pins, top = parse_lock((REPO / "requirements.lock").read_text())
    wanted = declared()
    assert top == set(wanted), "run `make lock`: the lock's top level differs from pyproject"
    for name, requirement in wanted.items():
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])
