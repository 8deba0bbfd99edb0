"""An officer's texts: open requests (several at once), words, STATUS, DONE, needs.

ROOM/RIDE/ADVOCATE [code] add a need and NO ROOM/NO RIDE [code] drop one, here and
for the advocate who accepted (``inbound``).

The body is parsed in memory and never stored or logged; words go only to a request of
this officer, named by its code when two or more are open.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatcher.flows import needs, officers, texts
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.flows.models import Request
from dispatcher.rosters.models import Officer
from dispatcher.sms.commands import Command, CommandKind
from dispatcher.sms.routing import route_officer_words

# The carrier answers these itself.
SILENT = (CommandKind.OPT_OUT, CommandKind.OPT_IN, CommandKind.CARRIER_HELP)


def from_officer(
    session: Session, ctx: FlowContext, officer: Officer, command: Command, body: str
) -> Reply | None:
    """An officer's text: opens a request, or acts on their open ones."""
    if command.kind in SILENT:
        return None
    if command.kind == CommandKind.NEW:
        return officers.open_request(session, ctx, officer, command.argument)
    theirs = officers.open_requests_of(session, officer)
    if not theirs:
        if command.kind in (CommandKind.STATUS, CommandKind.DONE, CommandKind.JOIN):
            return Reply(texts.HelpOfficer())
        return officers.open_request(session, ctx, officer, body)
    by_code = {request.code: request for request in theirs}
    if command.kind == CommandKind.STATUS:
        chosen = [by_code[command.code]] if command.code in by_code else theirs
        return officers.status(session, chosen)
    if command.kind == CommandKind.DONE:
        return _done(session, ctx, by_code, command.code)
    if command.kind in (CommandKind.ADD, CommandKind.DROP):
        request = one_named(by_code, command.code)
        if request is None:
            return Reply(texts.OfficerWhich(codes=tuple(by_code), command=word_of(command)))
        add = command.kind == CommandKind.ADD
        return needs.change_need(
            session, ctx, request, command.argument, add=add, requires=command.requires
        )
    return _words(session, ctx, by_code, command)


def one_named(by_code: dict[str, Request], code: str | None) -> Request | None:
    """The request named by ``code``; without a code, the only one; else None."""
    if code is None:
        return next(iter(by_code.values())) if len(by_code) == 1 else None
    return by_code.get(code)


def word_of(command: Command) -> str:
    """The command word to quote back: ``ROOM``, ``NO RIDE``, ``DONE``..."""
    if command.kind == CommandKind.DROP:
        return f"NO {command.argument.upper()}"
    return command.argument.upper() if command.kind == CommandKind.ADD else command.kind.upper()


def _done(
    session: Session, ctx: FlowContext, by_code: dict[str, Request], code: str | None
) -> Reply:
    """DONE [code]: close that request; without a code, the only one (else ask which)."""
    request = one_named(by_code, code)
    if request is None:
        return Reply(texts.OfficerWhich(codes=tuple(by_code), command="DONE"))
    officers.close(session, ctx, request, by="officer")
    return Reply(texts.OfficerClosed(code=request.code))


def _words(
    session: Session, ctx: FlowContext, by_code: dict[str, Request], command: Command
) -> Reply | None:
    """Words for whoever accepts one request; with several open they must name it."""
    route = route_officer_words(command, by_code)
    if route.action == "relay" and route.code:
        return officers.officer_wrote(session, ctx, by_code[route.code], route.words)
    return Reply(texts.OfficerWhich(codes=tuple(route.codes)))
