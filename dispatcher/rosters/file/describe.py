"""The change list of a roster file: what applying it would add, remove or change.

Pure: roster-file tables (``export``) before and after in, short sentences out, in the
words a coordinator reads them ("removes 1 override from Advocates: Eli Hart, Sun 06
Dec"; "adds person Maria Gonzalez"). Values that identify a person (phone numbers) are
never spelled out: a change names the field, not its value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

Table = dict[str, Any]
# How the change list names each kind of entity.
NOUNS = {
    "people": "person",
    "rosters": "roster",
    "agencies": "agency",
    "officers": "officer",
    "regions": "region",
    "partners": "partner",
}
# Parts of a roster described on their own lines; the rest are named as fields.
ROSTER_PARTS = ("rotations", "overrides", "escalation")


@dataclass(frozen=True)
class Change:
    """One entity a file creates (``old`` None) or changes, with its tables."""

    entity: str  # people, rosters, agencies, officers
    item_id: int
    old: Table | None
    new: Table

    @property
    def name(self) -> str:
        """The entity's name as the file gives it."""
        return str(self.new.get("name", ""))


def describe(change: Change) -> list[str]:
    """The sentences saying what ``change`` does (none when nothing changes)."""
    noun = NOUNS[change.entity]
    if change.old is None:
        return [f"adds {noun} {change.name}"]
    if change.old == change.new:
        return []
    if change.entity == "rosters":
        return _roster_lines(change.old, change.new)
    fields = _changed_fields(change.old, change.new, ())
    return [f"changes {noun} {_name(change)}: {', '.join(fields)}"] if fields else []


def describe_all(changes: Sequence[Change]) -> list[str]:
    """Every change's sentences, people first, then rosters, agencies, officers."""
    order = list(NOUNS)
    ranked = sorted(changes, key=lambda c: (order.index(c.entity), c.old is not None, c.name))
    return [line for change in ranked for line in describe(change)]


def _name(change: Change) -> str:
    """The name, saying the old one too when the file renames (officers move by phone)."""
    old = change.old.get("name") if change.old else None
    return f"{old} (now {change.name})" if old and old != change.name else change.name


def _changed_fields(old: Table, new: Table, skip: Sequence[str]) -> list[str]:
    """The keys whose values differ, in the new table's order (then removed keys)."""
    keys = [*new, *(k for k in old if k not in new)]
    return [k for k in keys if k not in skip and old.get(k) != new.get(k)]


def _roster_lines(old: Table, new: Table) -> list[str]:
    """A roster's changed fields, rotations, overrides and escalation policy."""
    name = str(new.get("name", ""))
    lines = []
    fields = _changed_fields(old, new, ROSTER_PARTS)
    if fields:
        lines.append(f"changes roster {name}: {', '.join(fields)}")
    lines += _rotation_lines(name, old.get("rotations", []), new.get("rotations", []))
    lines += _override_lines(name, old.get("overrides", []), new.get("overrides", []))
    if old.get("escalation") != new.get("escalation"):
        lines.append(f"changes the escalation policy of {name}")
    return lines


def _rotation_lines(roster: str, old: list[Table], new: list[Table]) -> list[str]:
    """Rotations added, removed or changed (matched by name)."""
    before = {r["name"]: r for r in old}
    after = {r["name"]: r for r in new}
    lines = [f"adds rotation {n} to {roster}" for n in after if n not in before]
    lines += [f"removes rotation {n} from {roster}" for n in before if n not in after]
    for rotation_name, table in after.items():
        previous = before.get(rotation_name)
        if previous is not None and previous != table:
            fields = ", ".join(_changed_fields(previous, table, ()))
            lines.append(f"changes rotation {rotation_name} of {roster}: {fields}")
    return lines


def _override_lines(roster: str, old: list[Table], new: list[Table]) -> list[str]:
    """``removes 1 override from Advocates: Eli Hart, Sun 06 Dec`` and the same for adds."""
    removed = [o for o in old if o not in new]
    added = [o for o in new if o not in old]
    lines = []
    for verb, found, where in (("removes", removed, "from"), ("adds", added, "to")):
        if found:
            noun = "override" if len(found) == 1 else "overrides"
            listed = "; ".join(_override(o) for o in found)
            lines.append(f"{verb} {len(found)} {noun} {where} {roster}: {listed}")
    return lines


def _override(table: Table) -> str:
    """``Eli Hart, Sun 06 Dec`` (``Eli Hart for Ana Ruiz, ...`` for a replace)."""
    who = str(table.get("person", ""))
    if table.get("action") == "replace":
        who += f" for {table.get('replaces', '')}"
    elif table.get("action") == "remove":
        who += " off call"
    return f"{who}, {_day(str(table.get('from', '')))}"


def _day(text: str) -> str:
    """``Sun 06 Dec`` from a roster-file date-time (as written when it cannot be read)."""
    try:
        return datetime.fromisoformat(text).strftime("%a %d %b")
    except ValueError:
        return text
