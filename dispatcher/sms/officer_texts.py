"""Texts to officers: their request opened, accepted, its progress and status, enrollment.

Each template is ``(t, params) -> text``; every sentence goes through ``t.gettext`` so that
it is read in the officer's language.
"""

from __future__ import annotations

from typing import Any

from dispatcher.languages import N_
from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import plain
from dispatcher.sms.wording import (
    REFERRAL,
    ROLE_OF_NEED,
    Template,
    listed,
    need_kind,
    need_phrase,
    need_state,
    role_of,
)


def _officer_accepted(t: Words, p: dict[str, Any]) -> str:
    """Who accepted the officer's request, and that texts now reach an advocate."""
    text = t.gettext("{name} ({role}) accepted {code}.").format(
        name=plain(p["first_name"]), role=role_of(p["role"], t), code=p["code"]
    )
    if p["role"] == "advocate":
        text += " " + t.gettext("Your texts to this number now reach them.")
    return text


def _officer_status(t: Words, p: dict[str, Any]) -> str:
    """One request's needs and their states: ``K7Q4: advocate: accepted by Ana.``"""
    parts = []
    for need in p["needs"]:
        state = need_state(need["state"], t)
        if need.get("first_name"):
            state = t.gettext("{state} by {name}").format(
                state=state, name=plain(need["first_name"])
            )
        parts.append(f"{need_kind(need['kind'], t)}: {state}")
    return f"{p['code']}: " + "; ".join(parts) + "."


def _officer_status_list(t: Words, p: dict[str, Any]) -> str:
    """STATUS with several open requests: each one's status."""
    statuses = " ".join(_officer_status(t, request) for request in p["requests"])
    return t.gettext("Open: {statuses}").format(statuses=statuses)


def _officer_progress(t: Words, p: dict[str, Any]) -> str:
    """A later escalation step started and nobody has accepted yet."""
    asked, role = int(p["asked"]), ROLE_OF_NEED.get(p["need"], "person")
    people = {
        "advocate": t.ngettext("{n} advocate asked", "{n} advocates asked", asked),
        "hotel": t.ngettext("{n} hotel asked", "{n} hotels asked", asked),
        "driver": t.ngettext("{n} driver asked", "{n} drivers asked", asked),
    }.get(role) or t.ngettext("{n} person asked", "{n} persons asked", asked)
    return t.gettext(
        "Still paging for {code}: {people}, none free yet. Text STATUS any time."
    ).format(code=p["code"], people=people.format(n=asked))


def _officer_which(t: Words, p: dict[str, Any]) -> str:
    """Words or a command that needs a code, from an officer with several requests open."""
    codes = list(p["codes"])
    command = p.get("command")
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


def _officer_opened(t: Words, p: dict[str, Any]) -> str:
    """The officer's request is open: its code and what is being paged."""
    return t.gettext(
        "Got it. Ref {code}. Paging {needs} now; you will get a text when someone accepts. "
        "Reply STATUS for progress, DONE to close."
    ).format(code=p["code"], needs=listed((need_phrase(n, t) for n in p["needs"]), t))


def _officer_unfilled(t: Words, p: dict[str, Any]) -> str:
    """Nobody could be reached for a need: the fallback, and that a late accept is told."""
    return t.gettext(
        "{code}: we could not reach anyone for {need}. Please contact the {fallback}. The "
        "coordinators have been told; if someone accepts later, we will text you."
    ).format(code=p["code"], need=need_phrase(p["need"], t), fallback=t.gettext(p["fallback"]))


def _need(message: str) -> Template:
    """A template naming the request's code and one of its needs (``need``)."""
    return lambda t, p: t.gettext(message).format(
        code=p["code"], need=need_phrase(p["need"], t), kind=need_kind(p["need"], t)
    )


def _code(message: str) -> Template:
    """A template whose only parameter is the request's code."""
    return lambda t, p: t.gettext(message).format(code=p["code"])


def _agency(message: str) -> Template:
    """A template naming the agency (``agency``)."""
    return lambda t, p: t.gettext(message).format(agency=plain(p.get("agency", "")))


OFFICER_TEMPLATES: dict[str, Template] = {
    "officer_accepted": _officer_accepted,
    "officer_status": _officer_status,
    "officer_status_list": _officer_status_list,
    "officer_progress": _officer_progress,
    "officer_which": _officer_which,
    "officer_opened": _officer_opened,
    "officer_unfilled": _officer_unfilled,
    "relay_to_officer": lambda t, p: f"[{p['code']}] {plain(p['first_name'])}: {p['text']}",
    "need_added": _need(N_("{code}: paging for {need} now.")),
    "need_already": _need(N_("{code} already has {need} being paged or on the way.")),
    "need_not_open": _need(
        N_("{code}: no {kind} is being paged or on the way, so nothing changed.")
    ),
    "need_dropped_ack": _need(
        N_("{code}: stopped paging for {need}. Whoever was asked has been told.")
    ),
    "officer_closed": _code(N_("{code} is closed. Thank you. Text again to start a new one.")),
    "officer_held": _code(
        N_("{code}: nobody has accepted yet. Your message is kept for whoever accepts.")
    ),
    "officer_not_kept": _code(
        N_(
            "{code}: nobody is being paged for an advocate now, so your message was not kept "
            "and nobody will receive it. Text ADVOCATE {code} to page again."
        )
    ),
    "officer_already_open": _code(
        N_(
            "{code} is still open. Reply STATUS for progress or DONE to close it; other texts "
            "go to whoever accepts."
        )
    ),
    "help_officer": lambda t, p: t.gettext(
        "Text what you need to page an advocate (add room, ride, juvenile, a language). STATUS "
        "for progress, DONE to close, NEW to open another, ROOM or RIDE to add one."
    ),
    "enrolled": _agency(
        N_(
            "Welcome. You are enrolled with {agency}. Text this number any time to page an "
            "advocate."
        )
    ),
    "join_name_refused": lambda t, p: t.gettext(
        "Not enrolled, nothing was kept. Text JOIN, the enrollment code and your rank and "
        "name, e.g. JOIN CODE Sgt. Ada Byrne (letters, spaces, periods, hyphens, apostrophes; "
        "at most 40 characters)."
    ),
    "enrollment_waiting": _agency(
        N_(
            "Thank you. Your enrollment with {agency} is waiting for a coordinator's approval; "
            "you will get a text when it is done."
        )
    ),
    "enrollment_pending": lambda t, p: (
        t.gettext("Your enrollment is still waiting for a coordinator's approval.")
        + " "
        + t.gettext(REFERRAL)
    ),
    "enrollment_denied": _agency(
        N_("Your enrollment with {agency} was not approved. Ask your coordinator.")
    ),
    "join_failed": lambda t, p: t.gettext(
        "That enrollment code did not work. Ask your coordinator, then text JOIN CODE Your Name."
    ),
}
