"""Reading one table of a roster file: typed fields, and errors that say where they are.

Every reader records a problem instead of raising, and returns a harmless default, so a
whole file is checked in one pass and every problem is reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dispatcher.errors import ValidationError
from dispatcher.rosters.models import WEEKDAYS
from dispatcher.rosters.schedule import local_to_utc

T = TypeVar("T")
Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\- ]+?)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


class LineIndex:
    """Where each table and key of a TOML text starts: a best effort for error messages."""

    def __init__(self, text: str) -> None:
        self._headers: dict[Path, int] = {}
        self._keys: dict[tuple[Path, str], int] = {}
        arrays: dict[Path, int] = {}
        current: Path = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                keys = [k.strip() for k in header.group(2).split(".")]
                current = (*_resolve(arrays, keys[:-1]), keys[-1])
                if header.group(1) == "[[":
                    arrays[current] = arrays.get(current, -1) + 1
                    current = (*current, arrays[current])
                self._headers.setdefault(current, number)
                continue
            key = _KEY.match(line)
            if key:
                self._keys.setdefault((current, key.group(1)), number)

    def find(self, path: Path, key: str = "") -> int | None:
        """The line of ``key`` in the table at ``path``, else of the table, else of its parent."""
        if (path, key) in self._keys:
            return self._keys[(path, key)]
        for table in (path, (*path, key), (*path, key, 0)):
            if table in self._headers:
                return self._headers[table]
        if len(path) >= 2 and isinstance(path[-1], int):
            return self.find(path[:-2], str(path[-2]))
        return self.find(path[:-1], str(path[-1])) if path else None


def _resolve(arrays: dict[Path, int], keys: Sequence[str]) -> Path:
    """The path of a dotted header, taking the latest element of each array of tables."""
    path: Path = ()
    for key in keys:
        path = (*path, key)
        if path in arrays:
            path = (*path, arrays[path])
    return path


@dataclass(frozen=True)
class Location:
    """An entry of a roster file: its source name, a readable label and its place."""

    source: str
    label: str
    path: Path = ()
    lines: LineIndex | None = field(default=None, compare=False, repr=False)

    def error(self, key: str, message: str) -> str:
        """A message naming the file (and line when known), the entry and the field."""
        line = self.lines.find(self.path, key) if self.lines else None
        where = f"{self.source}:{line}" if line else self.source
        return (
            f"{where}: {self.label}: {key}: {message}"
            if key
            else f"{where}: {self.label}: {message}"
        )

    def child(self, label: str, *path: str | int) -> Location:
        """The location of a table nested in this one (top-level tables drop "top level")."""
        full = f"{self.label} {label}" if self.path else label
        return Location(self.source, full, (*self.path, *path), self.lines)


class Table:
    """A TOML table being read: reports missing, unknown and ill-typed fields."""

    def __init__(
        self, raw: object, at: Location, allowed: Collection[str], errors: list[str]
    ) -> None:
        self.at = at
        self.errors = errors
        self.raw: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if not isinstance(raw, dict):
            self.fail("", "must be a table (name = value pairs)")
        for key in sorted(set(self.raw) - set(allowed)):
            self.fail(key, f"unknown field (expected one of: {', '.join(allowed)})")

    def fail(self, key: str, message: str) -> None:
        """Record a problem with ``key`` of this table."""
        self.errors.append(self.at.error(key, message))

    def has(self, key: str) -> bool:
        """True when the table sets ``key``."""
        return key in self.raw

    def read(self, key: str, convert: Callable[[Any], T], default: T, required: bool) -> T:
        """Convert ``key`` (ValueError/ValidationError become problems); defaults if absent."""
        if key not in self.raw:
            if required:
                self.fail(key, "is missing")
            return default
        try:
            return convert(self.raw[key])
        except (ValueError, TypeError, ValidationError) as exc:
            self.fail(key, str(exc))
            return default

    def text(self, key: str, default: str = "", *, required: bool = True, limit: int = 120) -> str:
        """A non-empty string of at most ``limit`` characters, stripped."""
        return self.read(key, lambda v: to_text(v, limit), default, required)

    def choice(self, key: str, options: Sequence[str], default: str = "") -> str:
        """A required string among ``options``."""
        return self.read(key, lambda v: to_choice(v, options), default, True)

    def flag(self, key: str, default: bool) -> bool:
        """An optional boolean."""
        return self.read(key, to_flag, default, False)

    def integer(self, key: str, default: int, minimum: int) -> int:
        """An optional integer no smaller than ``minimum``."""
        return self.read(key, lambda v: to_integer(v, minimum), default, False)

    def words(self, key: str) -> tuple[str, ...]:
        """An optional list of short lowercase words (languages, skills)."""
        return self.read(key, to_words, (), False)

    def names(self, key: str) -> tuple[str, ...]:
        """A required, non-empty list of names."""
        return self.read(key, to_names, (), True)

    def moment(self, key: str, *, required: bool = True) -> datetime | None:
        """A date-time, naive (local wall time) or with an offset (an instant); None if bad."""
        return self.read(key, to_moment, None, required)

    def tables(self, key: str) -> list[object]:
        """An optional array (its items are checked by the caller)."""
        return self.read(key, to_list, [], False)

    def children(self, key: str, allowed: Collection[str]) -> list[Table]:
        """The tables of the optional array ``key``, labelled ``key[i] "name"``."""
        found = []
        for index, item in enumerate(self.tables(key)):
            label = f"{key}[{index}]"
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                label += f' "{item["name"]}"'
            found.append(Table(item, self.at.child(label, key, index), allowed, self.errors))
        return found

    def child(self, key: str, allowed: Collection[str]) -> Table:
        """The table nested at ``key`` (check ``has(key)`` first)."""
        return Table(self.raw.get(key), self.at.child(key, key), allowed, self.errors)


def to_text(value: object, limit: int) -> str:
    """A stripped, non-empty string of at most ``limit`` characters."""
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {describe(value)}")
    cleaned = value.strip()
    if not cleaned:
        raise ValueError("must not be empty")
    if len(cleaned) > limit:
        raise ValueError(f"is longer than {limit} characters")
    if any(ord(char) < 32 or ord(char) == 127 for char in cleaned):
        raise ValueError("must not contain control characters (tabs, line breaks)")
    return cleaned


def to_choice(value: object, options: Sequence[str]) -> str:
    """One of ``options``."""
    cleaned = to_text(value, 40).lower()
    if cleaned not in options:
        raise ValueError(f"{value!r} is not one of: {', '.join(options)}")
    return cleaned


def to_flag(value: object) -> bool:
    """A TOML boolean."""
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {describe(value)}")
    return value


def to_integer(value: object, minimum: int) -> int:
    """A TOML integer no smaller than ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be a whole number, not {describe(value)}")
    if value < minimum:
        raise ValueError(f"must be at least {minimum}, not {value}")
    return value


def to_remind(value: object) -> int:
    """Hours before each shift to remind (1-24), or ``"off"`` (0)."""
    if value == "off":
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 24:
        raise ValueError(
            f'must be a whole number of hours from 1 to 24 or "off", not {describe(value)}'
        )
    return value


def to_list(value: object) -> list[object]:
    """A TOML array."""
    if not isinstance(value, list):
        raise ValueError(f"must be a list, not {describe(value)}")
    return value


def to_words(value: object) -> tuple[str, ...]:
    """Lowercase words, in the order given, each once."""
    words = [to_text(item, 40).lower() for item in to_list(value)]
    return tuple(dict.fromkeys(words))


def to_names(value: object) -> tuple[str, ...]:
    """A non-empty list of names (a name may repeat: a person may hold several places)."""
    names = tuple(to_text(item, 120) for item in to_list(value))
    if not names:
        raise ValueError("must name at least one person")
    return names


def to_days(value: object) -> tuple[str, ...]:
    """Weekday names (``mon`` .. ``sun``), each once, returned in week order."""
    days = [to_text(item, 10).lower() for item in to_list(value)]
    unknown = [d for d in days if d not in WEEKDAYS]
    if unknown or not days:
        raise ValueError(f"must list days among {', '.join(WEEKDAYS)}")
    if len(set(days)) != len(days):
        raise ValueError("lists a day twice")
    return tuple(d for d in WEEKDAYS if d in days)


def to_moment(value: object) -> datetime:
    """ISO 8601 date-time text or a TOML date-time; naive means local wall time."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if not isinstance(value, str):
        raise ValueError(f"must be an ISO 8601 date-time, not {describe(value)}")
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date-time (2026-03-06T20:00)") from None


def to_day(value: object) -> date:
    """A calendar date: ``2026-03-06`` text or a TOML local date."""
    if isinstance(value, datetime):
        raise ValueError("must be a date (2026-03-06), not a date-time")
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"must be a date (2026-03-06), not {describe(value)}")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date (2026-03-06)") from None


def to_clock_time(value: object) -> time:
    """A local time of day, ``20:00`` or a TOML local time."""
    if isinstance(value, time):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = time.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a time of day (20:00)") from None
    else:
        raise ValueError(f'must be a time of day like "20:00", not {describe(value)}')
    if parsed.tzinfo is not None:
        raise ValueError("a time of day is local to the roster's zone: drop the offset")
    return parsed


def zone_or_none(name: str) -> ZoneInfo | None:
    """The zone called ``name``, or None if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def to_instant(moment: datetime, zone: ZoneInfo) -> datetime:
    """An aware UTC instant: ``moment`` itself if aware, else its wall time in ``zone``."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    return local_to_utc(moment, zone)


def describe(value: object) -> str:
    """A short name for a TOML value's type, for messages."""
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    names |= {list: "a list", dict: "a table", datetime: "a date-time", time: "a time"}
    return names.get(type(value), type(value).__name__)
