"""Texts to roster members and coordinators: pages, answers to their replies, notices.

Each template is ``(t, params) -> text``; every sentence goes through ``t.gettext`` so that
it is read in the member's language.
"""

from __future__ import annotations

from typing import Any

from dispatcher.languages import N_
from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import fit_segments, plain
from dispatcher.sms.wording import Template, describe_tags, need_phrase

# The most segments a page may cost: one GSM-7 segment in English; a translation may need
# UCS-2 for its accents, and then two.
PAGE_SEGMENTS = {"en": 1}
PAGE_SEGMENTS_OTHER = 2
ALERTS = {
    "message_failed": N_("{n} message(s) could not be sent and were dropped; paging moved on"),
    "text_unprocessed": N_(
        "{n} text(s) to the hotline could not be processed; the senders were told to call "
        "911 if anyone is in danger"
    ),
    "engine_failing": N_("the paging engine failed {n} time(s); pages may be late"),
    "message_stuck": N_("messages or escalation steps are running late ({n})"),
    "redaction_failed": N_(
        "{n} copies of messages could not be deleted from Twilio; delete them in the Twilio console"
    ),
}


def _page(t: Words, p: dict[str, Any]) -> str:
    """A page: the agency (shortened to fit), the need, the code and how to answer."""
    code = p["code"]
    details = describe_tags(p.get("tags", []), t)
    what = need_phrase(p["need"], t) + (f" ({details})" if details else "")
    rest = " " + t.gettext(
        "needs {what}. Ref {code}. Reply 1 {code} to accept, 2 {code} to pass."
    ).format(what=what, code=code)
    if int(p.get("open_codes", 1)) > 1:
        rest += " " + t.gettext("{n} pages open.").format(n=int(p["open_codes"]))
    limit = PAGE_SEGMENTS.get(t.language, PAGE_SEGMENTS_OTHER)
    return fit_segments(p["agency"], rest, limit, t.gettext("An agency"))


def _accepted(t: Words, p: dict[str, Any]) -> str:
    """The details for whoever accepted: agency, officer, how to reach them, the notes."""
    code = p["code"]
    lines = [
        t.gettext(
            "You accepted {code}: {need} for {agency}, officer {officer}. Text this number to "
            "reach the officer; DONE {code} when finished."
        ).format(
            code=code,
            need=need_phrase(p["need"], t),
            agency=plain(p["agency"]),
            officer=plain(p["officer_name"]),
        )
    ]
    officer = t.gettext("Officer: {words}")
    lines += [officer.format(words=note) for note in p.get("notes", [])]
    return "\n".join(lines)


def _who(t: Words, p: dict[str, Any]) -> str:
    """WHO: who is on call now on each roster."""
    lines = []
    for roster in p["rosters"]:
        names = ", ".join(plain(n) for n in roster["names"]) or t.gettext("nobody")
        lines.append(f"{plain(roster['roster'])}: {names}")
    if not lines:
        return t.gettext("No rosters are set up.")
    return t.gettext("On call now:") + "\n" + "\n".join(lines)


def _codes_needed(t: Words, p: dict[str, Any]) -> str:
    """Several pages wait on the member: which code to answer."""
    codes = list(p["codes"])
    return t.gettext(
        "You have {n} open pages: {codes}. Add the code, e.g. 1 {code} to accept or 2 {code} "
        "to pass."
    ).format(n=len(codes), codes=", ".join(codes), code=codes[0])


def _not_sent(t: Words, p: dict[str, Any]) -> str:
    """Words that went to nobody: how to write to the officer, or how to answer a page."""
    codes, waiting = list(p.get("codes", [])), list(p.get("waiting", []))
    if codes:
        return t.gettext(
            "Not sent. To write to the officer, start with the code: {code} your words. "
            "You are on {codes}."
        ).format(code=codes[0], codes=", ".join(codes))
    example = waiting[0] if waiting else "CODE"
    return t.gettext("Not sent to anyone. Reply 1 {code} to accept or 2 {code} to pass.").format(
        code=example
    )


def _alert(t: Words, p: dict[str, Any]) -> str:
    """An operational alert for the coordinators: what kind of trouble, how often; no content."""
    what = t.gettext(ALERTS[p["kind"]]).format(n=p["count"])
    return t.gettext("Dispatcher alert: {what}. Check the service log.").format(what=what)


def _code(message: str) -> Template:
    """A template whose only parameter is the request's code."""
    return lambda t, p: t.gettext(message).format(code=p["code"])


def _fixed(message: str) -> Template:
    """A template without parameters."""
    return lambda t, p: t.gettext(message)


def _coordinator_unfilled(t: Words, p: dict[str, Any]) -> str:
    """Coordinators: a need went unfilled."""
    return t.gettext(
        "Unfilled: nobody accepted {code} ({need} for {agency}). The officer was given the "
        "national hotline."
    ).format(code=p["code"], need=need_phrase(p["need"], t), agency=plain(p["agency"]))


def _coordinator_late_accept(t: Words, p: dict[str, Any]) -> str:
    """Coordinators: someone took a need after it had gone unfilled."""
    return t.gettext("Late accept: {name} took {code} ({need}) after it had gone unfilled.").format(
        name=plain(p["name"]), code=p["code"], need=need_phrase(p["need"], t)
    )


def _coordinator_opted_out(t: Words, p: dict[str, Any]) -> str:
    """Coordinators: a member opted out of texts (STOP or a carrier report)."""
    return t.gettext(
        "{name} opted out of texts ({cause}) and will not be paged by SMS until they text START."
    ).format(name=plain(p["name"]), cause=t.gettext(p["cause"]))


def _named(message: str, name: str = "name", *, verbatim: bool = False) -> Template:
    """A template naming a person (``name``) and maybe an agency (``agency``)."""

    def text(t: Words, p: dict[str, Any]) -> str:
        who = p[name] if verbatim else plain(p[name])
        return t.gettext(message).format(
            name=who, agency=plain(p.get("agency", "")), number=p.get("number", "")
        )

    return text


PERSON_TEMPLATES: dict[str, Template] = {
    "page": _page,
    "accepted": _accepted,
    "who": _who,
    "codes_needed": _codes_needed,
    "not_sent": _not_sent,
    "alert": _alert,
    "coordinator_unfilled": _coordinator_unfilled,
    "coordinator_late_accept": _coordinator_late_accept,
    "coordinator_opted_out": _coordinator_opted_out,
    "already_yours": _code(N_("You already accepted {code}.")),
    "page_closed": _code(N_("{code} is already closed; nothing to answer. Thank you.")),
    "declined": _code(N_("You passed on {code}. Thank you.")),
    "accept_other_open": _code(
        N_("{code} is still open for you: reply 1 {code} to accept or 2 {code} to pass.")
    ),
    "relay_to_person": lambda t, p: t.gettext("[{code}] Officer: {words}").format(
        code=p["code"], words=p["text"]
    ),
    "need_dropped": lambda t, p: t.gettext("{code}: {need} is no longer needed. Thank you.").format(
        code=p["code"], need=need_phrase(p["need"], t)
    ),
    "need_change_refused": _fixed(
        N_("Only the officer or the advocate who accepted can add or drop a need of a request.")
    ),
    "person_closed": _code(N_("{code} is closed. Thank you.")),
    "away_too_long": lambda t, p: t.gettext(
        "AWAY takes up to {days}d, e.g. AWAY 8h or AWAY 3d. Text AWAY alone to pause until "
        "you text BACK."
    ).format(days=p["days"]),
    "back_ack": _fixed(N_("Welcome back. You can be paged again.")),
    "nothing_open": _fixed(N_("Nothing is open for you right now.")),
    "help_person": _fixed(
        N_(
            "Reply 1 CODE to accept, 2 CODE to pass, DONE CODE when finished, CODE and your "
            "words to write to the officer. AWAY 8h to pause paging, BACK to resume, WHO for "
            "who is on call."
        )
    ),
    "coordinator_opted_in": _named(N_("{name} texted START and can be paged again.")),
    "coordinator_enrolled": _named(
        N_(
            "{name} enrolled as an officer of {agency} by text. Revoke it in the admin pages "
            "if that is wrong."
        ),
        "officer_name",
        verbatim=True,
    ),
    "coordinator_approve": _named(
        N_("Approve {name} ({agency})? Reply APPROVE {number} or DENY {number}"),
        "officer_name",
        verbatim=True,
    ),
    "enrollment_approved": _named(
        N_("Approved: {name} is enrolled with {agency}."), "officer_name", verbatim=True
    ),
    "enrollment_denied_ack": _named(
        N_("Denied: {name} is not enrolled and the number was removed."),
        "officer_name",
        verbatim=True,
    ),
    "enrollment_not_pending": lambda t, p: t.gettext("No enrollment {number} is waiting.").format(
        number=p["number"]
    ),
}
