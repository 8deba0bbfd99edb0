"""The roster file as plain values: what ``load_roster_file`` reads and ``export`` writes.

Each entry keeps its ``Location`` (file, label, line) for error messages; locations take
no part in equality, so two readings of the same content compare equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatcher.rosters.file.fields import Location, zone_or_none
from dispatcher.rosters.needkinds import NeedSpec

NOWHERE = Location("", "")


@dataclass(frozen=True)
class TrainingEntry:
    """A training a person completed; current until ``expires`` (None: never expires)."""

    name: str
    completed: date
    expires: date | None = None


@dataclass(frozen=True)
class PersonEntry:
    """A person; ``phone`` is E.164; ``away_until`` None leaves the stored value alone."""

    name: str
    phone: str
    languages: tuple[str, ...] = ()  # spoken: matched against a request's language tags
    skills: tuple[str, ...] = ()
    coordinator: bool = False
    active: bool = True
    away_until: datetime | None = None
    language: str = "en"  # the language of the texts they get
    remind_hours: int = 2  # a text this many hours before each shift; 0: none
    trainings: tuple[TrainingEntry, ...] = ()  # by name
    channels: str = "sms"  # how pages reach them, in order (rosters.channels, as stored)
    at: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class WindowEntry:
    """A duty window: ``days`` in week order, from/to local times (overnight allowed)."""

    days: tuple[str, ...]
    starts: time
    ends: time


@dataclass(frozen=True)
class OnNowEntry:
    """A coordinator's "``person`` is on now since ``since``" for one rotation."""

    person: str
    since: datetime


@dataclass(frozen=True)
class RotationEntry:
    """A rotation; ``start`` is a wall time in the roster's zone (or an instant)."""

    name: str
    type: str
    length: int
    start: datetime
    participants: tuple[str, ...]
    windows: tuple[WindowEntry, ...] = ()
    on_now: OnNowEntry | None = None
    at: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class OverrideEntry:
    """Add, remove or replace ``person`` on the roster for [starts, ends)."""

    action: str
    person: str
    replaces: str | None
    starts: datetime
    ends: datetime
    at: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class StepEntry:
    """One escalation step: ``notify`` (on-call, next, all, coordinators, person,
    mutual-aid), ``wait``; ``person`` or ``region`` names whom a step of that kind pages."""

    notify: str
    wait: timedelta
    person: str | None = None
    region: str | None = None
    at: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class RosterEntry:
    """A roster with its rotations, overrides and escalation policy."""

    name: str
    kind: str
    timezone: str
    rotations: tuple[RotationEntry, ...] = ()
    overrides: tuple[OverrideEntry, ...] = ()
    steps: tuple[StepEntry, ...] = ()
    repeat: int = 0
    checkin_seconds: int = 2700  # safety check-ins every 45 minutes (the default); 0: off
    handoff_notice: bool = False  # text each person "you are on call now" at their shift start
    requires_training: str | None = None  # needed to be paged from this roster
    juvenile_training: str | None = None  # needed as well for juvenile-tagged requests
    voice_after: timedelta | None = None  # a page still open this long is followed by a call
    at: Location = field(default=NOWHERE, compare=False, repr=False)

    @property
    def zone(self) -> ZoneInfo | None:
        """The roster's zone, or None if ``timezone`` is not a known IANA zone."""
        return zone_or_none(self.timezone)


@dataclass(frozen=True)
class OfficerEntry:
    """An officer of an agency, known by phone (E.164)."""

    name: str
    phone: str
    language: str | None = None  # the language of their texts; None leaves the stored one
    at: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class AgencyEntry:
    """A requesting agency with its enrollment code and listed officers."""

    name: str
    kind: str
    enrollment_code: str
    officers: tuple[OfficerEntry, ...] = ()
    enrollment: str = "open"  # open | approve (a coordinator approves each JOIN)
    at: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class RegionEntry:
    """A region (jurisdiction): the agencies in it and the rosters that serve it, by name."""

    name: str
    agencies: tuple[str, ...] = ()
    rosters: tuple[str, ...] = ()
    at: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class NeedEntry:
    """A kind of need (``rosters.needkinds``): new, or a built-in one reconfigured."""

    spec: NeedSpec
    at: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class PartnerEntry:
    """A partner organisation: the need it serves, its contacts (people, by name), its
    address, its pledge of units a month (0: none set), a unit's value and its features."""

    name: str
    need: str
    contacts: tuple[str, ...] = ()
    address: str = ""
    pledge: int = 0
    unit_value: int | None = None
    features: tuple[str, ...] = ()
    at: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class RosterFile:
    """A whole roster file; ``errors`` lists what could not be read (empty when fine).

    ``version`` is the data version the file was exported at (0: not an export, or older
    than versions): a file older than the stored data would undo the changes since.
    """

    source: str
    version: int = field(default=0, compare=False)
    people: tuple[PersonEntry, ...] = ()
    rosters: tuple[RosterEntry, ...] = ()
    agencies: tuple[AgencyEntry, ...] = ()
    regions: tuple[RegionEntry, ...] = ()
    needs: tuple[NeedEntry, ...] = ()
    partners: tuple[PartnerEntry, ...] = ()
    errors: tuple[str, ...] = field(default=(), compare=False)
