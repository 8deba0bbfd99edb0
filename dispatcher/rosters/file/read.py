"""Reading a roster file into values, every problem noted instead of stopping at the first.

``load_roster_file`` is pure; ``fields`` reads one table and ``data`` holds what was read.
How date-times read is in the package's docstring.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dispatcher.durations import parse_duration
from dispatcher.errors import ValidationError
from dispatcher.languages import LANGUAGES
from dispatcher.phones import DEFAULT_REGION
from dispatcher.rosters import contacts  # module import: contacts imports this package
from dispatcher.rosters.channels import parse_channels, stored
from dispatcher.rosters.file.data import (
    AgencyEntry,
    NeedEntry,
    OfficerEntry,
    OnNowEntry,
    OverrideEntry,
    PartnerEntry,
    PersonEntry,
    RegionEntry,
    RosterEntry,
    RosterFile,
    RotationEntry,
    StepEntry,
    TrainingEntry,
    WindowEntry,
)
from dispatcher.rosters.file.fields import (
    LineIndex,
    Location,
    T,
    Table,
    describe,
    to_clock_time,
    to_day,
    to_days,
    to_instant,
    to_list,
    to_remind,
    to_text,
    to_words,
    zone_or_none,
)
from dispatcher.rosters.models import (
    DEFAULT_CHECKIN_SECONDS,
    OVERRIDE_ACTIONS,
    PARTNER_FEATURES,
    ROSTER_KINDS,
    ROTATION_TYPES,
    WEEKDAYS,
)
from dispatcher.rosters.needkinds import KEY, make_need
from dispatcher.rosters.officernames import to_officer_name
from dispatcher.rosters.traits import read_languages, read_skills

TOP_LEVEL = ("version", "needs", "people", "rosters", "agencies", "regions", "partners")
PERSON_FIELDS = (
    "name", "phone", "languages", "skills", "coordinator", "active", "away_until", "language",
    "remind",
    "trainings",
    "channels",
)  # fmt: skip
TRAINING_FIELDS = ("name", "completed", "expires")
OFFICER_FIELDS = ("name", "phone", "language")
ROSTER_FIELDS = (
    "name", "kind", "timezone", "requires_training", "juvenile_training",
    "rotations", "overrides", "escalation", "handoff_notice", "checkin",
)  # fmt: skip
DEFAULT_CHECKIN = timedelta(seconds=DEFAULT_CHECKIN_SECONDS)
LONGEST_CHECKIN = timedelta(hours=12)
ROTATION_FIELDS = ("name", "type", "length", "start", "participants", "windows", "on_now")
OVERRIDE_FIELDS = ("action", "person", "replaces", "from", "to")
AGENCY_FIELDS = ("name", "kind", "enrollment_code", "enrollment", "officers")
REGION_FIELDS = ("name", "agencies", "rosters")
NEED_FIELDS = ("key", "roster", "role", "label", "words", "learns", "in_person")
PARTNER_FIELDS = ("name", "need", "contacts", "address", "pledge", "unit_value", "features")
ENROLLMENTS = ("open", "approve")
STEP_NOTIFY = ("on-call", "next", "all", "coordinators")
# Stands in for a date-time that could not be read; such a file is never applied.
UNREAD = datetime(2000, 1, 1)  # noqa: DTZ001


def load_roster_file(
    source: Path | str,
    *,
    name: str | None = None,
    region: str = DEFAULT_REGION,
    hotline: str = "",
) -> RosterFile:
    """Read a roster file (a Path) or TOML text (a str); never raises on bad content.

    ``name`` is how messages call the source (the path, or ``<text>``); national phone
    numbers are read in ``region``; ``hotline`` (the service's own number) is refused as
    anyone's phone. Problems go to ``RosterFile.errors``.
    """
    if isinstance(source, Path):
        name = name or str(source)
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return RosterFile(name, errors=(f"{name}: cannot read the file: {exc}",))
    else:
        name, text = name or "<text>", source
    try:
        raw = tomllib.loads(text)
        return _read_file(raw, Location(name, "top level", (), LineIndex(text)), region, hotline)
    except tomllib.TOMLDecodeError as exc:
        return RosterFile(name, errors=(_syntax_error(name, exc),))
    except RecursionError:
        return RosterFile(name, errors=(f"{name}: tables or arrays are nested too deeply",))


def _syntax_error(name: str, exc: tomllib.TOMLDecodeError) -> str:
    """``file:LINE: TOML syntax error: ...`` from the parser's message."""
    message = str(exc)
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    if found:
        return f"{name}:{found.group(1)}: TOML syntax error: {message}"
    return f"{name}: TOML syntax error: {message}"


def _read_file(raw: dict[str, object], at: Location, region: str, hotline: str) -> RosterFile:
    """Read the version (0 when absent) and the top-level arrays of tables."""
    top = Table(raw, at, TOP_LEVEL, [])
    version = top.integer("version", 0, 0)
    people = top.children("people", PERSON_FIELDS)
    agencies = top.children("agencies", AGENCY_FIELDS)
    return RosterFile(
        source=at.source,
        version=version,
        people=tuple(_read_person(t, region, hotline) for t in people),
        rosters=tuple(_read_roster(t) for t in top.children("rosters", ROSTER_FIELDS)),
        agencies=tuple(_read_agency(t, region, hotline) for t in agencies),
        regions=tuple(_read_region(t) for t in top.children("regions", REGION_FIELDS)),
        needs=tuple(
            need for t in top.children("needs", NEED_FIELDS) if (need := _read_need(t)) is not None
        ),
        partners=tuple(_read_partner(t) for t in top.children("partners", PARTNER_FIELDS)),
        errors=tuple(top.errors),
    )


def _read_person(table: Table, region: str, hotline: str) -> PersonEntry:
    """A ``[[people]]`` entry."""
    name = table.text("name")
    owner = name or table.at.label
    phone = _read_phone(table, owner, region, hotline)
    away = table.moment("away_until", required=False)
    if away is not None and away.tzinfo is None:
        table.fail("away_until", "needs a UTC offset (2026-03-12T08:00-05:00)")
    return PersonEntry(
        name=name,
        phone=phone,
        languages=_traits(table, "languages", read_languages),
        skills=_traits(table, "skills", read_skills),
        coordinator=table.flag("coordinator", False),
        active=table.flag("active", True),
        away_until=away,
        language=table.choice("language", LANGUAGES) if table.has("language") else "en",
        remind_hours=table.read("remind", to_remind, 2, False),
        trainings=_read_trainings(table),
        channels=table.read("channels", _channels, "sms", False),
        at=table.at,
    )


def _traits(table: Table, key: str, read: Callable[[Iterable[str]], list[str]]) -> tuple[str, ...]:
    """A person's languages or skills, each a known one (by key or English name)."""
    try:
        return tuple(read(table.words(key)))
    except ValidationError as error:
        table.fail(key, str(error))
        return ()


def _read_trainings(table: Table) -> tuple[TrainingEntry, ...]:
    """A person's ``trainings``: each named once, ``expires`` after ``completed``."""
    found: list[TrainingEntry] = []
    for item in table.children("trainings", TRAINING_FIELDS):
        name = item.text("name", limit=80)
        completed = item.read("completed", to_day, None, True)
        expires = item.read("expires", to_day, None, False)
        if name in {t.name for t in found}:
            item.fail("name", f"names the training {name!r} twice")
        if completed is None:
            continue
        if expires is not None and expires <= completed:
            item.fail("expires", "must be after completed")
        found.append(TrainingEntry(name, completed, expires))
    return tuple(sorted(found, key=lambda t: t.name))


def _channels(value: object) -> str:
    """``["sms", "voice"]``: a page's channels in order, as stored."""
    return stored(parse_channels(to_text(item, 16) for item in to_list(value)))


def _read_roster(table: Table) -> RosterEntry:
    """A ``[[rosters]]`` entry with its rotations, overrides and escalation."""
    timezone = table.read("timezone", _zone_name, "UTC", True)
    zone = zone_or_none(timezone)
    steps, repeat, voice_after = _read_escalation(table)
    return RosterEntry(
        name=table.text("name", limit=80),
        kind=table.read("kind", _roster_kind, "", True),
        timezone=timezone,
        rotations=tuple(_read_rotation(t) for t in table.children("rotations", ROTATION_FIELDS)),
        overrides=tuple(
            _read_override(t, zone) for t in table.children("overrides", OVERRIDE_FIELDS)
        ),
        steps=steps,
        repeat=repeat,
        checkin_seconds=table.read("checkin", _checkin_seconds, _seconds(DEFAULT_CHECKIN), False),
        handoff_notice=table.flag("handoff_notice", False),
        requires_training=_optional_name(table, "requires_training"),
        juvenile_training=_optional_name(table, "juvenile_training"),
        voice_after=voice_after,
        at=table.at,
    )


def _checkin_seconds(value: object) -> int:
    """``checkin = "45m"`` (5 minutes to 12 hours) or ``"off"``: seconds, 0 for off."""
    text = _string(value).strip().lower()
    if text == "off":
        return 0
    interval = parse_duration(text)
    if not timedelta(minutes=5) <= interval <= LONGEST_CHECKIN:
        raise ValidationError("must be between 5m and 12h, or off")
    return _seconds(interval)


def _seconds(interval: timedelta) -> int:
    """Whole seconds of ``interval``."""
    return int(interval.total_seconds())


def _optional_name(table: Table, key: str) -> str | None:
    """An optional training name (None when absent)."""
    return table.text(key, limit=80) if table.has(key) else None


def _read_rotation(table: Table) -> RotationEntry:
    """A ``[[rosters.rotations]]`` entry."""
    on_now = None
    if table.has("on_now"):
        inner = table.child("on_now", ("person", "since"))
        on_now = OnNowEntry(inner.text("person"), inner.moment("since") or UNREAD)
    return RotationEntry(
        name=table.text("name", limit=80),
        type=table.choice("type", ROTATION_TYPES),
        length=table.integer("length", 1, minimum=1),
        start=table.moment("start") or UNREAD,
        participants=table.names("participants"),
        windows=tuple(_read_window(t) for t in table.children("windows", ("days", "from", "to"))),
        on_now=on_now,
        at=table.at,
    )


def _read_window(table: Table) -> WindowEntry:
    """One ``windows`` item: ``{ days = [...], from = "20:00", to = "08:00" }``."""
    return WindowEntry(
        days=table.read("days", to_days, WEEKDAYS, False),
        starts=table.read("from", to_clock_time, time(), True),
        ends=table.read("to", to_clock_time, time(), True),
    )


def _read_override(table: Table, zone: ZoneInfo | None) -> OverrideEntry:
    """A ``[[rosters.overrides]]`` entry; ``to`` must come after ``from``."""
    action = table.choice("action", OVERRIDE_ACTIONS)
    replaces = table.text("replaces", required=False) or None
    if action == "replace" and not table.has("replaces"):
        table.fail("replaces", "is missing: a replace names the person it replaces")
    if action in ("add", "remove") and table.has("replaces"):
        table.fail("replaces", f"only a replace names whom it replaces, not an {action}")
    starts, ends = table.moment("from"), table.moment("to")
    if starts and ends and zone and to_instant(ends, zone) <= to_instant(starts, zone):
        table.fail("to", "must be after from")
    return OverrideEntry(
        action=action,
        person=table.text("person"),
        replaces=replaces,
        starts=starts or UNREAD,
        ends=ends or UNREAD,
        at=table.at,
    )


def _read_escalation(roster: Table) -> tuple[tuple[StepEntry, ...], int, timedelta | None]:
    """``[rosters.escalation]``: its steps, how many times to repeat them, and how long a
    page waits before it is followed by a call (``voice_after``); all optional."""
    if not roster.has("escalation"):
        return (), 0, None
    table = roster.child("escalation", ("steps", "repeat", "voice_after"))
    if not table.has("steps"):
        table.fail("steps", "is missing")
    steps = tuple(_read_step(t) for t in table.children("steps", ("notify", "wait")))
    voice_after = table.read("voice_after", _voice_after, None, False)
    return steps, table.integer("repeat", 0, minimum=0), voice_after


def _voice_after(value: object) -> timedelta | None:
    """``voice_after = "2m"``: at most a day."""
    after = parse_duration(_string(value))
    if after > timedelta(days=1):
        raise ValueError("must be at most 1d")
    return after


def _read_step(table: Table) -> StepEntry:
    """One step: ``{ notify = "on-call", wait = "5m" }`` or ``notify = "person:NAME"``."""
    unread: tuple[str, str | None] = ("on-call", None)
    notify, name = table.read("notify", _notify_target, unread, True)
    wait = table.read("wait", lambda v: parse_duration(_string(v)), timedelta(minutes=5), True)
    person = name if notify == "person" else None
    region = name if notify == "mutual-aid" else None
    return StepEntry(notify=notify, wait=wait, person=person, region=region, at=table.at)


def _notify_target(value: object) -> tuple[str, str | None]:
    """``on-call``, ``next``, ``all``, ``coordinators``, ``person:NAME`` or
    ``mutual-aid:REGION``."""
    text = _string(value).strip()
    kind, colon, name = text.partition(":")
    if kind.strip().lower() in ("person", "mutual-aid") and colon and name.strip():
        return kind.strip().lower(), name.strip()
    if text.lower() not in STEP_NOTIFY:
        choices = ", ".join(STEP_NOTIFY)
        raise ValueError(f"{text!r} is not one of: {choices}, person:NAME, mutual-aid:REGION")
    return text.lower(), None


def _roster_kind(value: object) -> str:
    """A roster kind: a built-in one or the roster kind of a need (checked with the file)."""
    kind = _string(value).strip().lower()
    if kind not in ROSTER_KINDS and not KEY.fullmatch(kind):
        raise ValidationError(
            f"must be one of {', '.join(ROSTER_KINDS)} or a need's roster kind"
            " (2 to 20 lower-case letters, digits or _)"
        )
    return kind


def _read_need(table: Table) -> NeedEntry | None:
    """A ``[[needs]]`` entry; None (its problem noted) when it does not make a need."""
    no_labels: dict[str, str] = {}
    no_words: dict[str, tuple[str, ...]] = {}
    labels = table.read("label", _by_language(lambda v: to_text(v, 60)), no_labels, True)
    words = table.read("words", _by_language(_word_list), no_words, False)
    try:
        spec = make_need(
            _string(table.raw.get("key", "")),
            _string(table.raw.get("roster", "")),
            labels,
            words,
            role=table.text("role", required=False, limit=40),
            learns=table.read("learns", lambda v: tuple(to_words(v)), ("tags",), False),
            in_person=table.flag("in_person", False),
        )
    except ValidationError as exc:
        table.fail("", str(exc))
        return None
    return NeedEntry(spec, at=table.at)


def _by_language(read: Callable[[object], T]) -> Callable[[object], dict[str, T]]:
    """Reads ``{ en = ..., es = ... }`` with ``read`` reading each value."""

    def by_language(value: object) -> dict[str, T]:
        if not isinstance(value, dict):
            raise ValidationError("must be a table by language, like { en = ..., es = ... }")
        unknown = sorted(set(value) - set(LANGUAGES))
        if unknown:
            raise ValidationError(f"languages must be among {', '.join(LANGUAGES)}")
        return {language: read(value[language]) for language in LANGUAGES if language in value}

    return by_language


def _word_list(value: object) -> tuple[str, ...]:
    """A list of intake words or phrases."""
    return tuple(to_text(item, 40) for item in to_list(value))


def _read_region(table: Table) -> RegionEntry:
    """A ``[[regions]]`` entry: its name, its agencies and the rosters that serve it."""
    return RegionEntry(
        name=table.text("name", limit=80),
        agencies=table.read("agencies", _names_once, (), False),
        rosters=table.read("rosters", _names_once, (), False),
        at=table.at,
    )


def _read_partner(table: Table) -> PartnerEntry:
    """A ``[[partners]]`` entry: name, need kind, contacts, address, pledge, value, features."""
    features: tuple[str, ...] = table.read("features", _names_once, (), False)
    for feature in features:
        if feature not in PARTNER_FEATURES:
            known = ", ".join(PARTNER_FEATURES)
            table.fail("features", f"unknown feature {feature!r} (known: {known})")
    value = table.integer("unit_value", -1, 0) if table.has("unit_value") else -1
    return PartnerEntry(
        name=table.text("name", limit=120),
        need=table.text("need", limit=20),  # a configured need: the file check says
        contacts=table.read("contacts", _names_once, (), False),
        address=table.text("address", required=False, limit=300),
        pledge=table.integer("pledge", 0, 0),
        unit_value=None if value < 0 else value,
        features=tuple(sorted(features)),
        at=table.at,
    )


def _names_once(value: object) -> tuple[str, ...]:
    """A list of names, possibly empty; a name given twice is an error."""
    names = tuple(to_text(item, 120) for item in to_list(value))
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"names {twice[0]!r} twice")
    return names


def _read_agency(table: Table, region: str, hotline: str) -> AgencyEntry:
    """An ``[[agencies]]`` entry with its officers."""
    officers = tuple(
        _read_officer(t, region, hotline) for t in table.children("officers", OFFICER_FIELDS)
    )
    return AgencyEntry(
        name=table.text("name"),
        kind=table.text("kind", "police", required=False, limit=40).lower(),
        enrollment_code=table.read("enrollment_code", _enrollment_code, "", True),
        officers=officers,
        enrollment=table.choice("enrollment", ENROLLMENTS, "open")
        if table.has("enrollment")
        else "open",
        at=table.at,
    )


def _read_officer(table: Table, region: str, hotline: str) -> OfficerEntry:
    """One ``officers`` item: ``{ name = "...", phone = "...", language = "es" }``; the name a
    rank and a name; the language optional."""
    name = table.read("name", to_officer_name, "", True)
    owner = name or table.at.label
    phone = _read_phone(table, owner, region, hotline)
    language = table.choice("language", LANGUAGES) if table.has("language") else None
    return OfficerEntry(name=name, phone=phone, language=language, at=table.at)


def _enrollment_code(value: object) -> str:
    """A code officers text to enroll: one word of letters, digits and dashes."""
    code = _string(value).strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{2,39}", code):
        raise ValueError("must be 3 to 40 letters, digits or dashes, in one word")
    return code


def _zone_name(value: object) -> str:
    """A known IANA time zone name."""
    name = _string(value).strip()
    if zone_or_none(name) is None:
        raise ValueError(f"{name!r} is not a known IANA time zone (America/Chicago)")
    return name


def _string(value: object) -> str:
    """``value`` if it is a string; raises ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {describe(value)}")
    return value


def _read_phone(table: Table, owner: str, region: str, hotline: str) -> str:
    """The table's required ``phone`` as E.164 (``contacts.read_phone``'s rules)."""
    return table.read(
        "phone", lambda v: contacts.read_phone(_string(v), owner, region, hotline), "", True
    )
