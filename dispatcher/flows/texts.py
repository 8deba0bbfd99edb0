"""What each text the service sends is told: one frozen class per message template.

The flows build a text (``Page(code=..., need=..., agency=...)``) and queue it or answer with
it; ``dispatcher.sms.messages`` writes it in the reader's language. A missing or misspelt
parameter is a type error where the text is built, not a ``KeyError`` on the engine thread.

An outbox row keeps a text as its ``template`` name and its parameters as JSON (sealed);
``load`` builds the text back and refuses unknown names and parameters that do not fit.
Parameter names are the row format: renaming one needs a migration of queued rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, is_dataclass
from types import UnionType
from typing import Any, ClassVar, Union, get_args, get_origin, get_type_hints

TEXTS: dict[str, type[Text]] = {}
"""Every text class by its template name."""


@dataclass(frozen=True)
class Text:
    """A message the service sends; subclasses name their template: ``class X(Text,
    template="x")``."""

    template: ClassVar[str] = ""

    def __init_subclass__(cls, template: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if template:
            if template in TEXTS:
                raise ValueError(f"two texts named {template!r}")
            cls.template = template
            TEXTS[template] = cls

    def params(self) -> dict[str, Any]:
        """The parameters as JSON-ready values (nested texts as objects, tuples as lists)."""
        return asdict(self)


def load(template: str, params: Mapping[str, Any]) -> Text:
    """The text named ``template`` with ``params`` (as ``Text.params`` gave them).

    KeyError for an unknown template; TypeError for a parameter the text does not have or
    lacks, or whose value, at any depth, is not of the type its field declares (the message
    names the field and the types, never the value).
    """
    text: Text = _build(TEXTS[template], params, template)
    return text


def _build(cls: type[Any], params: Mapping[str, Any], where: str) -> Any:
    """An instance of the dataclass ``cls`` from JSON values, nested ones included."""
    hints, names = _shape(cls)
    unknown = set(params) - names
    if unknown:
        raise TypeError(f"{cls.__name__} has no parameter {sorted(unknown)[0]!r}")
    values = {name: _thaw(hints[name], value, f"{where}.{name}") for name, value in params.items()}
    return cls(**values)


_SHAPES: dict[type[Any], tuple[dict[str, Any], frozenset[str]]] = {}


def _shape(cls: type[Any]) -> tuple[dict[str, Any], frozenset[str]]:
    """The field types and names of the dataclass ``cls``, resolved once per class."""
    shape = _SHAPES.get(cls)
    if shape is None:
        shape = _SHAPES[cls] = (get_type_hints(cls), frozenset(f.name for f in fields(cls)))
    return shape


def _thaw(hint: Any, value: Any, where: str) -> Any:
    """A JSON value as the field's type wants it (lists as tuples, objects as dataclasses);
    TypeError naming ``where`` when it is not of that type."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is UnionType or origin is Union:
        return _thaw_union(args, value, where)
    if origin is tuple:
        return _thaw_tuple(args, value, where)
    if isinstance(hint, type) and is_dataclass(hint):
        if not isinstance(value, Mapping):
            raise _mistyped(where, hint, value)
        return _build(hint, value, where)
    if hint is type(None):
        if value is not None:
            raise _mistyped(where, hint, value)
        return value
    if hint in _SCALARS:
        if not isinstance(value, _SCALARS[hint]) or (hint is not bool and type(value) is bool):
            raise _mistyped(where, hint, value)
        return value
    raise TypeError(f"{where}: a parameter of type {hint!r} cannot be stored")


# The scalar field types a stored text may hold, and the JSON values each accepts.
_SCALARS: dict[Any, type | tuple[type, ...]] = {str: str, int: int, float: (int, float), bool: bool}


def _thaw_union(args: tuple[Any, ...], value: Any, where: str) -> Any:
    """The value as the first member of the union it fits."""
    for member in args:
        try:
            return _thaw(member, value, where)
        except TypeError:
            continue
    raise TypeError(f"{where}: expected {' | '.join(_name(a) for a in args)}, got {_kind(value)}")


def _thaw_tuple(args: tuple[Any, ...], value: Any, where: str) -> tuple[Any, ...]:
    """A JSON list as a ``tuple[X, ...]``, each item checked."""
    if len(args) != 2 or args[1] is not Ellipsis:
        raise TypeError(f"{where}: only tuples of one item type (tuple[X, ...]) can be stored")
    if not isinstance(value, list | tuple):
        raise _mistyped(where, tuple, value)
    return tuple(_thaw(args[0], item, f"{where}[{i}]") for i, item in enumerate(value))


def _mistyped(where: str, hint: Any, value: Any) -> TypeError:
    """The error for a value of the wrong type (its type named, never the value)."""
    return TypeError(f"{where}: expected {_name(hint)}, got {_kind(value)}")


def _name(hint: Any) -> str:
    """A type as the messages name it."""
    return "None" if hint is type(None) else getattr(hint, "__name__", repr(hint))


def _kind(value: Any) -> str:
    """The JSON kind of ``value``, for messages."""
    return "null" if value is None else type(value).__name__


# Texts that name only a request's code.


@dataclass(frozen=True)
class CodeText(Text):
    """A text whose only parameter is the request's code."""

    code: str


@dataclass(frozen=True)
class NeedText(Text):
    """A text naming a request's code and one of its needs (a need kind)."""

    code: str
    need: str


@dataclass(frozen=True)
class Fixed(Text):
    """A text without parameters."""


# To roster members: pages and answers to their replies.


@dataclass(frozen=True)
class Page(Text, template="page"):
    """A page: the agency, the need, the request's tags and how to answer."""

    code: str
    need: str
    agency: str
    tags: tuple[str, ...] = ()
    open_codes: int = 1


@dataclass(frozen=True)
class Accepted(Text, template="accepted"):
    """The details for whoever accepted, with the officer's words (sealed in the outbox)."""

    code: str
    need: str
    agency: str
    officer_name: str
    notes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # the request's tags, for needs whose accepter learns them


@dataclass(frozen=True)
class OnCall:
    """One roster's people on call now, for WHO."""

    roster: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Who(Text, template="who"):
    """WHO: who is on call now on each roster."""

    rosters: tuple[OnCall, ...]


@dataclass(frozen=True)
class CodesNeeded(Text, template="codes_needed"):
    """Several pages wait on the member: which code to answer."""

    codes: tuple[str, ...]


@dataclass(frozen=True)
class NotSent(Text, template="not_sent"):
    """Words that went to nobody: the requests the member is on, or the pages waiting."""

    codes: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()


@dataclass(frozen=True)
class Covered(Text, template="covered"):
    """Someone else took the need (``first_name``, when known)."""

    code: str
    first_name: str | None = None


@dataclass(frozen=True)
class AlreadyCovered(Covered, template="already_covered"):
    """The answer to an accept that came after someone else's."""


@dataclass(frozen=True)
class AlreadyYours(CodeText, template="already_yours"):
    """An accept of a need the member already holds."""


@dataclass(frozen=True)
class PageClosed(CodeText, template="page_closed"):
    """An answer to a page of a closed request."""


@dataclass(frozen=True)
class Declined(CodeText, template="declined"):
    """The member passed on a page."""


@dataclass(frozen=True)
class PersonClosed(CodeText, template="person_closed"):
    """The request the member was on is closed."""


@dataclass(frozen=True)
class RelayToPerson(Text, template="relay_to_person"):
    """An officer's words for the member who accepted (sealed in the outbox)."""

    code: str
    text: str


@dataclass(frozen=True)
class NeedDropped(NeedText, template="need_dropped"):
    """A need the member was paged for or holds is no longer needed."""


@dataclass(frozen=True)
class NeedChangeRefused(Fixed, template="need_change_refused"):
    """Only the officer or the accepter may add or drop a need."""


@dataclass(frozen=True)
class AwayAck(Text, template="away_ack"):
    """AWAY's answer: until when (an ISO-8601 instant shown in ``zone``), or until BACK."""

    until: str | None = None
    zone: str | None = None


@dataclass(frozen=True)
class AwayTooLong(Text, template="away_too_long"):
    """AWAY for longer than ``days`` days."""

    days: int


@dataclass(frozen=True)
class BackAck(Fixed, template="back_ack"):
    """BACK's answer."""


@dataclass(frozen=True)
class NothingOpen(Fixed, template="nothing_open"):
    """Nothing waits on the member."""


@dataclass(frozen=True)
class HelpPerson(Fixed, template="help_person"):
    """How a member answers pages and writes to the officer."""


@dataclass(frozen=True)
class Referral(Fixed, template="referral"):
    """The safe referral: 911 and the National Human Trafficking Hotline."""


# To coordinators.


@dataclass(frozen=True)
class Alert(Text, template="alert"):
    """An operational alert: its kind (``flows.alerts``) and how often; never content."""

    kind: str
    count: int


@dataclass(frozen=True)
class CoordinatorUnfilled(Text, template="coordinator_unfilled"):
    """A need went unfilled."""

    code: str
    need: str
    agency: str


@dataclass(frozen=True)
class CoordinatorLateAccept(Text, template="coordinator_late_accept"):
    """Someone (``name``) took a need after it had gone unfilled."""

    name: str
    code: str
    need: str


@dataclass(frozen=True)
class CoordinatorOptedOut(Text, template="coordinator_opted_out"):
    """A member opted out of texts; ``cause`` is one of ``wording.OPT_OUT_CAUSES``."""

    name: str
    cause: str


@dataclass(frozen=True)
class CoordinatorOptedIn(Text, template="coordinator_opted_in"):
    """A member texted START."""

    name: str


@dataclass(frozen=True)
class Enrollment(Text):
    """An officer's enrollment: their validated name, the agency and the pending number."""

    officer_name: str
    agency: str = ""
    number: int = 0


@dataclass(frozen=True)
class CoordinatorEnrolled(Enrollment, template="coordinator_enrolled"):
    """An officer enrolled by text."""


@dataclass(frozen=True)
class CoordinatorApprove(Enrollment, template="coordinator_approve"):
    """An enrollment waits for a coordinator's APPROVE or DENY."""


@dataclass(frozen=True)
class EnrollmentApproved(Enrollment, template="enrollment_approved"):
    """The coordinator approved an enrollment."""


@dataclass(frozen=True)
class EnrollmentDeniedAck(Enrollment, template="enrollment_denied_ack"):
    """The coordinator denied an enrollment."""


@dataclass(frozen=True)
class EnrollmentNotPending(Text, template="enrollment_not_pending"):
    """APPROVE or DENY of a number that waits for nothing."""

    number: int


# To officers.


@dataclass(frozen=True)
class OfficerAccepted(Text, template="officer_accepted"):
    """Who (first name, role) accepted the officer's request."""

    first_name: str
    role: str
    code: str


@dataclass(frozen=True)
class NeedLine:
    """One need of a request as STATUS shows it."""

    kind: str
    state: str
    first_name: str | None = None


@dataclass(frozen=True)
class OfficerStatus(Text, template="officer_status"):
    """One request's needs and their states."""

    code: str
    needs: tuple[NeedLine, ...]


@dataclass(frozen=True)
class OfficerStatusList(Text, template="officer_status_list"):
    """STATUS with several open requests."""

    requests: tuple[OfficerStatus, ...]


@dataclass(frozen=True)
class OfficerProgress(Text, template="officer_progress"):
    """A later escalation step started; ``asked`` people, none free yet."""

    code: str
    need: str
    asked: int


@dataclass(frozen=True)
class OfficerWhich(Text, template="officer_which"):
    """A command or words that need a code: the open codes (and the command, if any)."""

    codes: tuple[str, ...]
    command: str | None = None


@dataclass(frozen=True)
class OfficerOpened(Text, template="officer_opened"):
    """The officer's request is open: its code and the needs being paged."""

    code: str
    needs: tuple[str, ...]


@dataclass(frozen=True)
class OfficerUnfilled(Text, template="officer_unfilled"):
    """Nobody could be reached for a need: the ``fallback`` to contact instead."""

    code: str
    need: str
    fallback: str


@dataclass(frozen=True)
class RelayToOfficer(Text, template="relay_to_officer"):
    """A member's words for the officer (sealed in the outbox)."""

    code: str
    first_name: str
    text: str


@dataclass(frozen=True)
class NeedAdded(NeedText, template="need_added"):
    """A need was added and is being paged."""


@dataclass(frozen=True)
class NeedAlready(NeedText, template="need_already"):
    """The need is already being paged or on the way."""


@dataclass(frozen=True)
class NeedNotOpen(NeedText, template="need_not_open"):
    """A need to drop that is not being paged or on the way."""


@dataclass(frozen=True)
class NeedDroppedAck(NeedText, template="need_dropped_ack"):
    """A need was dropped; whoever was asked has been told."""


@dataclass(frozen=True)
class OfficerClosed(CodeText, template="officer_closed"):
    """The officer's request is closed."""


@dataclass(frozen=True)
class OfficerHeld(CodeText, template="officer_held"):
    """The officer's words are kept for whoever accepts."""


@dataclass(frozen=True)
class OfficerNotKept(CodeText, template="officer_not_kept"):
    """Nobody is being paged for an advocate, so the words were not kept."""


@dataclass(frozen=True)
class HelpOfficer(Fixed, template="help_officer"):
    """How an officer uses the hotline."""


@dataclass(frozen=True)
class AgencyText(Text):
    """A text naming the officer's agency."""

    agency: str = ""


@dataclass(frozen=True)
class Enrolled(AgencyText, template="enrolled"):
    """The officer is enrolled with the agency."""


@dataclass(frozen=True)
class EnrollmentWaiting(AgencyText, template="enrollment_waiting"):
    """The officer's enrollment waits for a coordinator."""


@dataclass(frozen=True)
class EnrollmentDenied(AgencyText, template="enrollment_denied"):
    """The officer's enrollment was not approved."""


@dataclass(frozen=True)
class JoinNameRefused(Fixed, template="join_name_refused"):
    """JOIN with a name that is not a rank and a name; nothing was kept."""


@dataclass(frozen=True)
class EnrollmentPending(Fixed, template="enrollment_pending"):
    """A text from an officer whose enrollment still waits."""


@dataclass(frozen=True)
class JoinFailed(Fixed, template="join_failed"):
    """JOIN with a code that did not work."""


# Spoken on a call to the hotline (TwiML <Say>).


@dataclass(frozen=True)
class CallOpened(CodeText, template="call_opened"):
    """A call opened a request; its code is read out."""


@dataclass(frozen=True)
class CallOpenAlready(CodeText, template="call_open_already"):
    """A call from an officer whose request is still open."""


@dataclass(frozen=True)
class CallPerson(Fixed, template="call_person"):
    """A roster member called the hotline."""


@dataclass(frozen=True)
class CallReferral(Fixed, template="call_referral"):
    """An unknown caller: the referral, read out."""
