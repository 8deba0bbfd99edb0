"""Texts to officers: their request opened, accepted, its progress and status, enrollment.

Each writer is ``(t, text) -> body`` for one class of ``dispatcher.flows.texts``; every
sentence goes through ``t.gettext`` so that it is read in the officer's language.
"""

from __future__ import annotations

from dispatcher.flows import texts
from dispatcher.languages import N_
from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import plain
from dispatcher.sms.wording import (
    REFERRAL,
    ROLE_OF_NEED,
    fixed,
    listed,
    need_kind,
    need_phrase,
    need_state,
    role_of,
    with_code,
    with_need,
    writes,
)


@writes(texts.OfficerAccepted)
def _officer_accepted(t: Words, p: texts.OfficerAccepted) -> str:
    """Who accepted the officer's request, and that texts now reach an advocate."""
    text = t.gettext("{name} ({role}) accepted {code}.").format(
        name=plain(p.first_name), role=role_of(p.role, t), code=p.code
    )
    if p.role == "advocate":
        text += " " + t.gettext("Your texts to this number now reach them.")
    return text


@writes(texts.OfficerStatus)
def _officer_status(t: Words, p: texts.OfficerStatus) -> str:
    """One request's needs and their states: ``K7Q4: advocate: accepted by Ana.``"""
    parts = []
    for need in p.needs:
        state = need_state(need.state, t)
        if need.first_name:
            state = t.gettext("{state} by {name}").format(state=state, name=plain(need.first_name))
        parts.append(f"{need_kind(need.kind, t)}: {state}")
    return f"{p.code}: " + "; ".join(parts) + "."


@writes(texts.OfficerStatusList)
def _officer_status_list(t: Words, p: texts.OfficerStatusList) -> str:
    """STATUS with several open requests: each one's status."""
    statuses = " ".join(_officer_status(t, request) for request in p.requests)
    return t.gettext("Open: {statuses}").format(statuses=statuses)


@writes(texts.OfficerProgress)
def _officer_progress(t: Words, p: texts.OfficerProgress) -> str:
    """A later escalation step started and nobody has accepted yet."""
    asked, role = p.asked, ROLE_OF_NEED.get(p.need, "person")
    people = {
        "advocate": t.ngettext("{n} advocate asked", "{n} advocates asked", asked),
        "hotel": t.ngettext("{n} hotel asked", "{n} hotels asked", asked),
        "driver": t.ngettext("{n} driver asked", "{n} drivers asked", asked),
    }.get(role) or t.ngettext("{n} person asked", "{n} persons asked", asked)
    return t.gettext(
        "Still paging for {code}: {people}, none free yet. Text STATUS any time."
    ).format(code=p.code, people=people.format(n=asked))


@writes(texts.OfficerWhich)
def _officer_which(t: Words, p: texts.OfficerWhich) -> str:
    """Words or a command that needs a code, from an officer with several requests open."""
    codes = list(p.codes)
    command = p.command
    if command and codes:
        choices = t.gettext(" or ").join(f"{command} {c}" for c in codes)
        return t.gettext("Which one? {choices}.").format(choices=choices)
    example = codes[0] if codes else "CODE"
    if len(codes) > 1:
        return t.gettext(
            "Not sent. You have {n} open requests: {codes}. Start with the code: {code} your "
            "words. DONE {code} closes one; NEW opens another."
        ).format(n=len(codes), codes=", ".join(codes), code=example)
    return t.gettext(
        "Not sent. To write to whoever accepts, start with the code: {code} your words."
    ).format(code=example)


@writes(texts.OfficerOpened)
def _officer_opened(t: Words, p: texts.OfficerOpened) -> str:
    """The officer's request is open: its code and what is being paged."""
    return t.gettext(
        "Got it. Ref {code}. Paging {needs} now; you will get a text when someone accepts. "
        "Reply STATUS for progress, DONE to close."
    ).format(code=p.code, needs=listed((need_phrase(n, t) for n in p.needs), t))


@writes(texts.OfficerUnfilled)
def _officer_unfilled(t: Words, p: texts.OfficerUnfilled) -> str:
    """Nobody could be reached for a need: the fallback, and that a late accept is told."""
    return t.gettext(
        "{code}: we could not reach anyone for {need}. Please contact the {fallback}. The "
        "coordinators have been told; if someone accepts later, we will text you."
    ).format(code=p.code, need=need_phrase(p.need, t), fallback=t.gettext(p.fallback))


@writes(texts.RelayToOfficer, verbatim=True)
def _relay_to_officer(t: Words, p: texts.RelayToOfficer) -> str:
    """A member's words for the officer, after the code and the member's first name."""
    return f"[{p.code}] {plain(p.first_name)}: {p.text}"


@writes(texts.EnrollmentPending)
def _enrollment_pending(t: Words, p: texts.EnrollmentPending) -> str:
    """A text from an officer whose enrollment still waits: that, and the referral."""
    return (
        t.gettext("Your enrollment is still waiting for a coordinator's approval.")
        + " "
        + t.gettext(REFERRAL)
    )


def _with_agency(kind: type[texts.AgencyText], message: str) -> None:
    """``kind`` is ``message`` naming the officer's ``{agency}``."""
    writes(kind)(lambda t, p: t.gettext(message).format(agency=plain(p.agency)))


with_need(texts.NeedAdded, N_("{code}: paging for {need} now."))
with_need(texts.NeedAlready, N_("{code} already has {need} being paged or on the way."))
with_need(
    texts.NeedNotOpen, N_("{code}: no {kind} is being paged or on the way, so nothing changed.")
)
with_need(
    texts.NeedDroppedAck, N_("{code}: stopped paging for {need}. Whoever was asked has been told.")
)
with_code(texts.OfficerClosed, N_("{code} is closed. Thank you. Text again to start a new one."))
with_code(
    texts.OfficerHeld,
    N_("{code}: nobody has accepted yet. Your message is kept for whoever accepts."),
)
with_code(
    texts.OfficerNotKept,
    N_(
        "{code}: nobody is being paged for an advocate now, so your message was not kept "
        "and nobody will receive it. Text ADVOCATE {code} to page again."
    ),
)
fixed(
    texts.HelpOfficer,
    N_(
        "Text what you need to page an advocate (add room, ride, juvenile, a language). STATUS "
        "for progress, DONE to close, NEW to open another, ROOM or RIDE to add one."
    ),
)
_with_agency(
    texts.Enrolled,
    N_("Welcome. You are enrolled with {agency}. Text this number any time to page an advocate."),
)
fixed(
    texts.JoinNameRefused,
    N_(
        "Not enrolled, nothing was kept. Text JOIN, the enrollment code and your rank and "
        "name, e.g. JOIN CODE Sgt. Ada Byrne (letters, spaces, periods, hyphens, apostrophes; "
        "at most 40 characters)."
    ),
)
_with_agency(
    texts.EnrollmentWaiting,
    N_(
        "Thank you. Your enrollment with {agency} is waiting for a coordinator's approval; "
        "you will get a text when it is done."
    ),
)
_with_agency(
    texts.EnrollmentDenied,
    N_("Your enrollment with {agency} was not approved. Ask your coordinator."),
)
fixed(
    texts.JoinFailed,
    N_("That enrollment code did not work. Ask your coordinator, then text JOIN CODE Your Name."),
)
