"""The debrief without identifiers: after an accepter's DONE on an in-person need they get
one text asking which services they provided, answered with numbers
(``flows.services``). The answer is kept only as service keys: on the request while it is
open (copied to the call log at close), on its call-log entry once it has closed. Nothing
else of the reply is read, stored, logged or relayed.

A reply is a debrief answer when a debrief is pending for the sender (asked in the last
ASKED_FOR, unanswered), no page waits on them, and the text starts with a number. With
several pending, it answers the most recent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dispatcher.flows import care_texts as ct
from dispatcher.flows import notify
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.flows.models import CallLogEntry, Debrief, Need, Request
from dispatcher.flows.services import read_services
from dispatcher.flows.vocabulary import RequestStatus, need_spec
from dispatcher.rosters import needstore
from dispatcher.rosters.models import Person

log = logging.getLogger("dispatcher.debriefs")
ASKED_FOR = timedelta(hours=24)


def ask(session: Session, ctx: FlowContext, need: Need, person: Person) -> None:
    """After ``person``'s DONE on ``need``: one text asking what they provided (in-person
    needs only, once per person and request)."""
    spec = need_spec(need.kind, needstore.current(session))
    if spec is None or not spec.in_person:
        return
    code = need.request.code
    asked = select(Debrief.id).where(Debrief.person_id == person.id, Debrief.code == code)
    if session.scalar(asked) is not None:
        return
    session.add(Debrief(person_id=person.id, code=code, asked_at=ctx.now))
    text = ct.Debrief(code=code, services=tuple(ctx.settings.services))
    notify.to_person(session, ctx, person, text)
    log.info("debrief.asked request=%s member=%s", code, person.id)


def pending(session: Session, person: Person, now: datetime) -> Debrief | None:
    """The person's most recent unanswered debrief, if asked within ASKED_FOR."""
    query = (
        select(Debrief)
        .where(Debrief.person_id == person.id, Debrief.asked_at > now - ASKED_FOR)
        .order_by(Debrief.asked_at.desc(), Debrief.id.desc())
    )
    return session.scalars(query).first()


def answer(session: Session, ctx: FlowContext, debrief: Debrief, text: str) -> Reply | None:
    """Record the services a reply names; None when the text is no debrief answer (it
    then goes through the usual grammar)."""
    services = read_services(text, ctx.settings.services)
    if services is None:
        return None
    code = debrief.code
    session.delete(debrief)
    request = session.scalars(select(Request).where(Request.code == code)).first()
    if request is not None and request.status == RequestStatus.OPEN:
        request.services = _merged(request.services, services, ctx.settings.services)
    else:
        entry = session.scalars(select(CallLogEntry).where(CallLogEntry.code == code)).first()
        if entry is not None:
            entry.services = _merged(entry.services, services, ctx.settings.services)
    log.info("debrief.answered request=%s services=%s", code, len(services))
    return Reply(ct.DebriefAck(code=code))


def _merged(old: list[str], new: tuple[str, ...], order: tuple[str, ...]) -> list[str]:
    """Both lists' keys once each, in the configured order (unknown keys last)."""
    keys = set(old) | set(new)
    return [k for k in order if k in keys] + sorted(keys - set(order))


def purge(session: Session, now: datetime) -> None:
    """Forget debriefs nobody answered within ASKED_FOR."""
    session.execute(delete(Debrief).where(Debrief.asked_at <= now - ASKED_FOR))
