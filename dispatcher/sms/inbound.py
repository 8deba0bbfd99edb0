"""Route one inbound text to the right flow by who sent it: a roster member, an officer,
or an unknown number. The body is parsed in memory and never stored or logged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import and_, bindparam, literal, select
from sqlalchemy.orm import Session

from dispatcher.durations import parse_duration
from dispatcher.errors import ValidationError
from dispatcher.flows import (
    checkins,
    debriefs,
    enrollment,
    gaps,
    members,
    needs,
    notify,
    offers,
    officers,
    routing,
    signups,
    texts,
    unknown,
)
from dispatcher.flows.care_texts import CheckinWhich
from dispatcher.flows.codes import looks_like_offer_code
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.flows.languages import learn_language, reader_language
from dispatcher.flows.partner_texts import NeedRequires
from dispatcher.flows.rostertexts import OfferHelp
from dispatcher.flows.voicetexts import CallConnecting
from dispatcher.phones import is_e164
from dispatcher.rosters import needstore
from dispatcher.rosters import service as rosters
from dispatcher.rosters.models import Officer, Person
from dispatcher.sms import officers as officer_texts
from dispatcher.sms.checkin_words import read_ok
from dispatcher.sms.commands import Command, CommandKind, cover_day, parse
from dispatcher.sms.officers import SILENT
from dispatcher.sms.routing import route_words
from dispatcher.web import Limiter

# The longest AWAY with a duration (AWAY alone lasts until BACK).
AWAY_LONGEST = timedelta(days=30)


def handle_text(
    session: Session, ctx: FlowContext, limiter: Limiter, number: str, body: str
) -> Reply | None:
    """Apply one text from ``number``; return the immediate reply, if any.

    A sender that is not an E.164 number (``alice``, ``whatsapp:+1...``) is neither looked
    up nor stored nor counted: it gets the referral (rate-limited) and nothing else.
    """
    if not is_e164(number):
        allowed = limiter.allow(number, ctx.now)
        return Reply(texts.Referral(), language=reader_language(None, body)) if allowed else None
    command = parse(body, needstore.current(session).keys)
    sender = find_sender(session, number)
    if isinstance(sender, Officer):
        learn_language(sender, body)
    if isinstance(sender, Person):
        reply = from_person(session, ctx, sender, command)
    elif isinstance(sender, Officer) and sender.pending:
        reply = None if command.kind in SILENT else Reply(texts.EnrollmentPending())
    elif isinstance(sender, Officer):
        reply = officer_texts.from_officer(session, ctx, sender, command, body)
    else:
        reply = from_unknown(session, ctx, number, command)
    if reply is None or (reply.template in LIMITED and not limiter.allow(number, ctx.now)):
        return None
    return replace(reply, language=reader_language(sender, body))


def find_sender(session: Session, number: str) -> Person | Officer | None:
    """Who holds ``number``: a roster member first, then an officer who was not revoked.

    One query for both (phones are unique in each table): an unknown number, the most
    common sender, costs one empty row instead of two empty look-ups.
    """
    row = session.execute(SENDER_BY_PHONE, {"phone": number}).first()
    if row is None:
        return None
    person, officer = row
    return person if person is not None else officer


# Built once: every text looks its sender up. One row whatever the number: the member
# and the officer holding it, each None when there is none.
_ONE_ROW = select(literal(1).label("one")).subquery()
SENDER_BY_PHONE = (
    select(Person, Officer)
    .select_from(_ONE_ROW)
    .outerjoin(Person, Person.phone == bindparam("phone"))
    .outerjoin(Officer, and_(Officer.phone == bindparam("phone"), Officer.revoked_at.is_(None)))
)


# Replies that answer a text we did not understand: a few per number per hour at most.
LIMITED = frozenset(
    {"help_person", "help_officer", "referral", "join_failed", "join_name_refused", "nothing_open"}
)


def from_person(
    session: Session, ctx: FlowContext, person: Person, command: Command
) -> Reply | None:
    """A roster member's reply: accept, decline, done, away, back, who, or words to relay."""
    kind, code = command.kind, command.code
    if kind == CommandKind.OPT_OUT:
        members.opt_out(session, ctx, person, "texted STOP")
        return None
    if kind == CommandKind.OPT_IN:
        members.opt_in(session, ctx, person)
        return None
    if kind == CommandKind.CARRIER_HELP:
        return None
    if kind == CommandKind.DURESS:
        return checkins.set_duress_word(person, command.argument)
    if checkins.has_duress_word(person, command.text):
        return checkins.duress(session, ctx, person)
    debriefed = _debrief(session, ctx, person, command)
    if debriefed is not None:
        return debriefed
    if kind in (CommandKind.ACCEPT, CommandKind.UNCLEAR):
        checked_in = _check_in(session, ctx, person, command)
        if checked_in is not None:
            return checked_in
    if kind in (CommandKind.ACCEPT, CommandKind.DECLINE) and code and looks_like_offer_code(code):
        answer = offers.take if kind == CommandKind.ACCEPT else offers.decline
        return answer(session, ctx, person, code)
    if kind == CommandKind.ACCEPT:
        return members.accept(session, ctx, person, code, command.count)
    if kind == CommandKind.DECLINE:
        return members.decline(session, ctx, person, code)
    if kind == CommandKind.COVER:
        return _cover(session, ctx, person, command.argument)
    if kind == CommandKind.SWAP:
        return offers.offer_swap(session, ctx, person, command.argument)
    if kind == CommandKind.SHIFTS:
        return signups.list_open(session, ctx, person, members.person_zone(session, ctx, person))
    if kind == CommandKind.TAKE:
        zone = members.person_zone(session, ctx, person)
        return signups.take_number(session, ctx, person, int(command.argument), zone)
    if kind == CommandKind.DONE:
        return members.done(session, ctx, person, code)
    if kind == CommandKind.STATUS:
        return open_codes(session, person)
    if kind in (CommandKind.ADD, CommandKind.DROP):
        return _change_need(session, ctx, person, command)
    if kind in (CommandKind.APPROVE, CommandKind.DENY) and person.coordinator:
        actor = f"sms:member {person.id}"
        number, approve = int(command.argument), kind == CommandKind.APPROVE
        return enrollment.decide(session, ctx, actor, number, approve=approve)
    if kind == CommandKind.AWAY:
        return _away(session, ctx, person, command.argument)
    if kind == CommandKind.BACK:
        return members.set_back(person)
    if kind == CommandKind.WHO:
        return who(session, ctx)
    return _words(session, ctx, person, command)


# Kinds a numbered debrief answer parses as ("1", "2 3", "0", "13"); never with a code.
NUMBER_KINDS = (CommandKind.ACCEPT, CommandKind.DECLINE, CommandKind.UNCLEAR, CommandKind.TEXT)


def _debrief(session: Session, ctx: FlowContext, person: Person, command: Command) -> Reply | None:
    """Numbers answering a pending debrief (``flows.debriefs``), while no page waits on the
    person; None when the text is not one."""
    if command.kind not in NUMBER_KINDS or command.code is not None:
        return None
    asked = debriefs.pending(session, person, ctx.now)
    if asked is None or members.pending_pages(session, person, None):
        return None
    return debriefs.answer(session, ctx, asked, command.text)


def _check_in(session: Session, ctx: FlowContext, person: Person, command: Command) -> Reply | None:
    """An OK that is a safety check-in (``sms.checkin_words``); None when it is not one."""
    running = {c.need.request.code: c for c in checkins.running(session, person)}
    if not running:
        return None
    waiting = [p.need.request.code for p in members.pending_pages(session, person, None)]
    route = read_ok(command, running, waiting)
    if route.action == "checkin" and route.code in running:
        return checkins.check_in(session, ctx, running[route.code])
    if route.action == "choose":
        return Reply(CheckinWhich(codes=tuple(route.codes)))
    return None


def _words(session: Session, ctx: FlowContext, person: Person, command: Command) -> Reply | None:
    """Words, an accept phrase or an unclear command: routed by what the person is on."""
    accepted = [n.request.code for n in members.accepted_needs(session, person)]
    waiting = [p.need.request.code for p in members.pending_pages(session, person, None)]
    route = route_words(command, accepted, waiting, members.paged_codes(session, person))
    if route.action == "relay" and route.code:
        return members.relay_to_officer(session, ctx, person, route.code, route.words)
    if route.action == "accept":
        return members.accept(session, ctx, person, route.code)
    if route.action == "choose":
        return Reply(texts.CodesNeeded(codes=tuple(route.codes)))
    if route.action == "not_sent":
        return Reply(texts.NotSent(codes=tuple(route.codes), waiting=tuple(sorted(set(waiting)))))
    return Reply(texts.HelpPerson())


def _change_need(session: Session, ctx: FlowContext, person: Person, command: Command) -> Reply:
    """ROOM/RIDE/ADVOCATE, NO ROOM/NO RIDE [code] from the advocate who accepted.

    The officer hears of the change as the advocate does.
    """
    mine = {request.code: request for request in needs.advocate_requests(session, person)}
    if not mine:
        return Reply(texts.NeedChangeRefused())
    request = officer_texts.one_named(mine, command.code)
    if request is None:
        word = officer_texts.word_of(command)
        return Reply(texts.OfficerWhich(codes=tuple(sorted(mine)), command=word))
    add = command.kind == CommandKind.ADD
    reply = needs.change_need(
        session, ctx, request, command.argument, add=add, requires=command.requires
    )
    if isinstance(reply.text, texts.NeedAdded | texts.NeedDroppedAck | NeedRequires):
        notify.to_officer(session, ctx, request, reply.text)
    return reply


def _away(session: Session, ctx: FlowContext, person: Person, argument: str) -> Reply:
    """AWAY, AWAY 8h: a duration of at most AWAY_LONGEST, or until BACK; the end shown in
    the person's time zone."""
    try:
        duration = parse_duration(argument) if argument.strip() else None
    except ValidationError:
        return Reply(texts.HelpPerson())
    if duration is not None and duration > AWAY_LONGEST:
        return Reply(texts.AwayTooLong(days=AWAY_LONGEST.days))
    zone = members.person_zone(session, ctx, person)
    reply = members.set_away(person, ctx.now, duration, zone)
    gaps.report_after_away(session, ctx, person)
    return reply


def _cover(session: Session, ctx: FlowContext, person: Person, argument: str) -> Reply:
    """COVER SAT / COVER 3/14 / COVER NEXT: the day read in the coalition's zone."""
    day = cover_day(argument, ctx.now.astimezone(ctx.settings.zone).date())
    if day is None:
        return Reply(OfferHelp())
    return offers.offer_cover(session, ctx, person, day if isinstance(day, date) else None)


def open_codes(session: Session, person: Person) -> Reply:
    """A member's STATUS: the codes waiting on them and the ones they are on."""
    waiting = {p.need.request.code for p in members.pending_pages(session, person, None)}
    working = {n.request.code for n in members.accepted_needs(session, person)}
    if not waiting and not working:
        return Reply(texts.NothingOpen())
    return Reply(texts.CodesNeeded(codes=tuple(sorted(waiting | working))))


def who(session: Session, ctx: FlowContext) -> Reply:
    """WHO: who is on call now on every roster."""
    listing = tuple(
        texts.OnCall(roster=roster, names=tuple(names))
        for roster, names in rosters.on_call_everywhere(session, ctx.now)
    )
    return Reply(texts.Who(rosters=listing))


def from_unknown(session: Session, ctx: FlowContext, number: str, command: Command) -> Reply | None:
    """An unknown number: JOIN enrolls an officer; anything else gets the safe referral.

    The number is never stored unless it enrolls; only an anonymous daily count remains.
    """
    if command.kind == CommandKind.JOIN and command.code:
        return enrollment.enroll(session, ctx, number, command.code, command.argument)
    if command.kind in SILENT:
        return None
    unknown.count(session, ctx.now, "unknown_sender")
    return Reply(texts.Referral())


@dataclass(frozen=True)
class CallAnswer:
    """What a call to the hotline hears (``reply``), then whom it rings (``leg``, if any)."""

    reply: Reply
    leg: routing.Leg | None = None
    request_id: int | None = None


def handle_call(session: Session, ctx: FlowContext, number: str) -> CallAnswer:
    """A call to the hotline, answered in the caller's language when they are listed.

    A listed officer's new request rings advocates at once (live call routing).
    """
    sender = find_sender(session, number) if is_e164(number) else None
    reply = _call(session, ctx, number, sender)
    answer = CallAnswer(replace(reply, language=reader_language(sender, "")))
    if not isinstance(reply.text, texts.CallOpened) or not isinstance(sender, Officer):
        return answer
    request = officers.open_request_of(session, sender)
    leg = routing.start(session, ctx, request) if request is not None else None
    if leg is None or request is None:
        return answer
    greeting = CallConnecting(code=request.code)
    return CallAnswer(replace(answer.reply, text=greeting), leg, request.id)


def _call(
    session: Session, ctx: FlowContext, number: str, officer: Person | Officer | None
) -> Reply:
    """A call to the hotline: an officer's call opens a request (nothing is recorded).

    The call carries no words, so the request pages an advocate with no note; the officer
    can text details, which are held for whoever accepts. A caller that is not an E.164
    number is neither looked up nor counted.
    """
    if not is_e164(number):
        return Reply(texts.CallReferral())
    if isinstance(officer, Person):
        return Reply(texts.CallPerson())
    if officer is None or officer.pending:
        unknown.count(session, ctx.now, "unknown_caller")
        return Reply(texts.CallReferral())
    request = officers.open_request_of(session, officer)
    if request is not None:
        return Reply(texts.CallOpenAlready(code=request.code))
    opened = officers.start_request(session, ctx, officer, "", channel="voice")
    return Reply(texts.CallOpened(code=opened.code))
