"""Texts to roster members and coordinators: pages, answers to their replies, notices.

Each writer is ``(t, text) -> body`` for one class of ``dispatcher.flows.texts``; every
sentence goes through ``t.gettext`` so that it is read in the member's language.
"""

from __future__ import annotations

from dispatcher.flows import texts
from dispatcher.languages import N_
from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import fit_segments, plain
from dispatcher.sms.wording import describe_tags, fixed, need_phrase, with_code, with_need, writes

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


@writes(texts.Page)
def _page(t: Words, p: texts.Page) -> str:
    """A page: the agency (shortened to fit), the need, the code and how to answer."""
    code = p.code
    details = describe_tags(p.tags, t)
    what = need_phrase(p.need, t) + (f" ({details})" if details else "")
    rest = " " + t.gettext(
        "needs {what}. Ref {code}. Reply 1 {code} to accept, 2 {code} to pass."
    ).format(what=what, code=code)
    if p.open_codes > 1:
        rest += " " + t.gettext("{n} pages open.").format(n=p.open_codes)
    limit = PAGE_SEGMENTS.get(t.language, PAGE_SEGMENTS_OTHER)
    return fit_segments(p.agency, rest, limit, t.gettext("An agency"))


@writes(texts.Accepted, verbatim=True)
def _accepted(t: Words, p: texts.Accepted) -> str:
    """The details for whoever accepted: agency, officer, how to reach them, the notes."""
    code = p.code
    lines = [
        t.gettext(
            "You accepted {code}: {need} for {agency}, officer {officer}. Text this number to "
            "reach the officer; DONE {code} when finished."
        ).format(
            code=code,
            need=need_phrase(p.need, t),
            agency=plain(p.agency),
            officer=plain(p.officer_name),
        )
    ]
    if p.tags:
        lines.append(t.gettext("Needed: {tags}").format(tags=describe_tags(p.tags, t)))
    officer = t.gettext("Officer: {words}")
    lines += [officer.format(words=note) for note in p.notes]
    return "\n".join(lines)


@writes(texts.Who)
def _who(t: Words, p: texts.Who) -> str:
    """WHO: who is on call now on each roster."""
    lines = []
    for roster in p.rosters:
        names = ", ".join(plain(n) for n in roster.names) or t.gettext("nobody")
        lines.append(f"{plain(roster.roster)}: {names}")
    if not lines:
        return t.gettext("No rosters are set up.")
    return t.gettext("On call now:") + "\n" + "\n".join(lines)


@writes(texts.CodesNeeded)
def _codes_needed(t: Words, p: texts.CodesNeeded) -> str:
    """Several pages wait on the member: which code to answer."""
    codes = list(p.codes)
    return t.gettext(
        "You have {n} open pages: {codes}. Add the code, e.g. 1 {code} to accept or 2 {code} "
        "to pass."
    ).format(n=len(codes), codes=", ".join(codes), code=codes[0])


@writes(texts.NotSent)
def _not_sent(t: Words, p: texts.NotSent) -> str:
    """Words that went to nobody: how to write to the officer, or how to answer a page."""
    codes, waiting = list(p.codes), list(p.waiting)
    if codes:
        return t.gettext(
            "Not sent. To write to the officer, start with the code: {code} your words. "
            "You are on {codes}."
        ).format(code=codes[0], codes=", ".join(codes))
    example = waiting[0] if waiting else "CODE"
    return t.gettext("Not sent to anyone. Reply 1 {code} to accept or 2 {code} to pass.").format(
        code=example
    )


@writes(texts.Alert)
def _alert(t: Words, p: texts.Alert) -> str:
    """An operational alert for the coordinators: what kind of trouble, how often; no content."""
    what = t.gettext(ALERTS[p.kind]).format(n=p.count)
    return t.gettext("Dispatcher alert: {what}. Check the service log.").format(what=what)


@writes(texts.CoordinatorUnfilled)
def _coordinator_unfilled(t: Words, p: texts.CoordinatorUnfilled) -> str:
    """Coordinators: a need went unfilled."""
    return t.gettext(
        "Unfilled: nobody accepted {code} ({need} for {agency}). The officer was given the "
        "national hotline."
    ).format(code=p.code, need=need_phrase(p.need, t), agency=plain(p.agency))


@writes(texts.CoordinatorLateAccept)
def _coordinator_late_accept(t: Words, p: texts.CoordinatorLateAccept) -> str:
    """Coordinators: someone took a need after it had gone unfilled."""
    return t.gettext("Late accept: {name} took {code} ({need}) after it had gone unfilled.").format(
        name=plain(p.name), code=p.code, need=need_phrase(p.need, t)
    )


@writes(texts.CoordinatorOptedOut)
def _coordinator_opted_out(t: Words, p: texts.CoordinatorOptedOut) -> str:
    """Coordinators: a member opted out of texts (STOP or a carrier report)."""
    return t.gettext(
        "{name} opted out of texts ({cause}) and will not be paged by SMS until they text START."
    ).format(name=plain(p.name), cause=t.gettext(p.cause))


@writes(texts.CoordinatorOptedIn)
def _coordinator_opted_in(t: Words, p: texts.CoordinatorOptedIn) -> str:
    """Coordinators: a member texted START."""
    return t.gettext("{name} texted START and can be paged again.").format(name=plain(p.name))


def _enrollment(kind: type[texts.Enrollment], message: str) -> None:
    """``kind`` is ``message`` naming the officer as validated, the agency and the number."""
    writes(kind, verbatim=True)(
        lambda t, p: t.gettext(message).format(
            name=p.officer_name, agency=plain(p.agency), number=p.number
        )
    )


@writes(texts.RelayToPerson, verbatim=True)
def _relay_to_person(t: Words, p: texts.RelayToPerson) -> str:
    """An officer's words for the member who accepted."""
    return t.gettext("[{code}] Officer: {words}").format(code=p.code, words=p.text)


@writes(texts.AwayTooLong)
def _away_too_long(t: Words, p: texts.AwayTooLong) -> str:
    """AWAY for too long: the longest, and how to pause until BACK."""
    return t.gettext(
        "AWAY takes up to {days}d, e.g. AWAY 8h or AWAY 3d. Text AWAY alone to pause until "
        "you text BACK."
    ).format(days=p.days)


@writes(texts.EnrollmentNotPending)
def _enrollment_not_pending(t: Words, p: texts.EnrollmentNotPending) -> str:
    """APPROVE or DENY of a number that waits for nothing."""
    return t.gettext("No enrollment {number} is waiting.").format(number=p.number)


with_code(texts.AlreadyYours, N_("You already accepted {code}."))
with_code(texts.PageClosed, N_("{code} is already closed; nothing to answer. Thank you."))
with_code(texts.Declined, N_("You passed on {code}. Thank you."))
with_code(texts.PersonClosed, N_("{code} is closed. Thank you."))
with_need(texts.NeedDropped, N_("{code}: {need} is no longer needed. Thank you."))
fixed(
    texts.NeedChangeRefused,
    N_("Only the officer or the advocate who accepted can add or drop a need of a request."),
)
fixed(texts.BackAck, N_("Welcome back. You can be paged again."))
fixed(texts.NothingOpen, N_("Nothing is open for you right now."))
fixed(
    texts.HelpPerson,
    N_(
        "Reply 1 CODE to accept, 2 CODE to pass, DONE CODE when finished, CODE and your "
        "words to write to the officer. AWAY 8h to pause paging, BACK to resume, WHO for "
        "who is on call."
    ),
)
_enrollment(
    texts.CoordinatorEnrolled,
    N_(
        "{name} enrolled as an officer of {agency} by text. Revoke it in the admin pages "
        "if that is wrong."
    ),
)
_enrollment(
    texts.CoordinatorApprove,
    N_("Approve {name} ({agency})? Reply APPROVE {number} or DENY {number}"),
)
_enrollment(texts.EnrollmentApproved, N_("Approved: {name} is enrolled with {agency}."))
_enrollment(
    texts.EnrollmentDeniedAck, N_("Denied: {name} is not enrolled and the number was removed.")
)
