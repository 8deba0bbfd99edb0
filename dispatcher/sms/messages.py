"""Every text the service sends: plain, calm, short, and aware of SMS segments.

``render(template, params)`` turns an outbox row's template name and JSON parameters into
the body. Pages always fit one GSM-7 segment: the agency name is shortened to fit. Only the
texts for the accepting person (``accepted``, ``relay_to_person``) carry an officer's words.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dispatcher.flows.intake import describe_tag
from dispatcher.flows.vocabulary import need_spec

# GSM 03.38 basic set (without the escape) and the extension table (two septets each).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

_GSM_LOOKALIKES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "″": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "…": "...",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\t": " ",
        "•": "-",
    }
)

NEED_STATES = {
    "paging": "still paging",
    "accepted": "accepted",
    "unfilled": "nobody reached",
    "done": "finished",
    "cancelled": "cancelled",
    "closed": "closed",
}
REFERRAL = (
    "If you are in danger, call 911. National Human Trafficking Hotline: "
    "call 1-888-373-7888 or text 233733."
)
_MIN_AGENCY = "An agency"


def is_gsm7(text: str) -> bool:
    """True when every character fits the GSM-7 alphabet (basic or extension table)."""
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def segments(text: str) -> int:
    """How many SMS segments ``text`` costs (0 for an empty text).

    GSM-7: 160 septets alone, 153 per part, extension characters take two and never
    straddle parts. Anything else is UCS-2: 70 UTF-16 units alone, 67 per part, and a
    surrogate pair never straddles parts.
    """
    if is_gsm7(text):
        costs = [2 if c in GSM7_EXTENSION else 1 for c in text]
        single, part = GSM7_SINGLE, GSM7_PART
    else:
        costs = [2 if ord(c) > 0xFFFF else 1 for c in text]
        single, part = UCS2_SINGLE, UCS2_PART
    if sum(costs) <= single:
        return 1 if costs else 0
    return _parts(costs, part)


def _parts(costs: Iterable[int], size: int) -> int:
    """Pack characters of the given costs into parts of ``size`` units, greedily."""
    count, used = 1, 0
    for cost in costs:
        if used + cost > size:
            count, used = count + 1, 0
        used += cost
    return count


def to_gsm7(text: str) -> str:
    """Replace curly quotes, dashes, ellipses and odd spaces with their GSM-7 equivalents."""
    return text.translate(_GSM_LOOKALIKES)


def plain(text: str) -> str:
    """``text`` reduced to GSM-7 on one line: accents dropped where needed, the rest removed."""
    kept = []
    for char in to_gsm7(" ".join(text.split())):
        if char in GSM7_BASIC or char in GSM7_EXTENSION:
            kept.append(char)
        else:
            kept.extend(c for c in unicodedata.normalize("NFKD", char) if c in GSM7_BASIC)
    return " ".join("".join(kept).split())


# Texts that carry someone's own words, or an officer's validated name in any alphabet:
# delivered as written (accents, Cyrillic), even if that costs UCS-2 segments; every other
# text is kept to GSM-7.
VERBATIM = frozenset(
    {
        "accepted",
        "relay_to_person",
        "relay_to_officer",
        "coordinator_enrolled",
        "coordinator_approve",
        "enrollment_approved",
        "enrollment_denied_ack",
    }
)


def render(template: str, params: dict[str, Any]) -> str:
    """The body for ``template`` with ``params``; KeyError for an unknown template."""
    text = TEMPLATES[template](params)
    return text if template in VERBATIM else to_gsm7(text)


def fit_one_segment(name: str, rest: str, fallback: str = _MIN_AGENCY) -> str:
    """``name + rest`` in one GSM-7 segment, shortening ``name`` (never ``rest``) to fit."""
    room = GSM7_SINGLE - _septets(rest)
    name = _shorten(plain(name) or fallback, room).rstrip(" ,.-&")
    return (name or fallback[: max(room, 0)]) + rest


def _shorten(name: str, room: int) -> str:
    """``name`` cut to ``room`` septets, at a word boundary when that keeps most of it."""
    cut = name
    while cut and _septets(cut) > room:
        cut = cut[:-1]
    if cut == name or name[len(cut)] == " ":
        return cut
    words = cut.rsplit(" ", 1)[0]
    return words if len(words) > len(cut) // 2 else cut


def _septets(text: str) -> int:
    """GSM-7 length of a GSM-7 text."""
    return sum(2 if c in GSM7_EXTENSION else 1 for c in text)


def describe_tags(tags: Iterable[str]) -> str:
    """Tags as words: ``["juvenile", "lang:es"]`` -> ``"juvenile, Spanish"``."""
    words = [describe_tag(tag) for tag in tags]
    return plain(", ".join(words))[:40].rstrip(" ,")


def need_phrase(need: str) -> str:
    """``"room"`` -> ``"a room"``; unknown needs are named as they are."""
    spec = need_spec(need)
    return spec.phrase if spec else plain(need)


def _list(words: Iterable[str]) -> str:
    """``["an advocate", "a room"]`` -> ``"an advocate and a room"``."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def spoken(code: str) -> str:
    """A reference code as a voice reads it: one character at a time."""
    return ", ".join(code)


def _page(p: dict[str, Any]) -> str:
    code = p["code"]
    details = describe_tags(p.get("tags", []))
    what = need_phrase(p["need"]) + (f" ({details})" if details else "")
    rest = f" needs {what}. Ref {code}. Reply 1 {code} to accept, 2 {code} to pass."
    if int(p.get("open_codes", 1)) > 1:
        rest += f" {int(p['open_codes'])} pages open."
    return fit_one_segment(p["agency"], rest)


def _accepted(p: dict[str, Any]) -> str:
    code = p["code"]
    lines = [
        f"You accepted {code}: {need_phrase(p['need'])} for {plain(p['agency'])}, "
        f"officer {plain(p['officer_name'])}. Text this number to reach the officer; "
        f"DONE {code} when finished."
    ]
    lines += [f"Officer: {note}" for note in p.get("notes", [])]
    return "\n".join(lines)


def _officer_accepted(p: dict[str, Any]) -> str:
    text = f"{plain(p['first_name'])} ({p['role']}) accepted {p['code']}."
    if p["role"] == "advocate":
        text += " Your texts to this number now reach them."
    return text


def _officer_status(p: dict[str, Any]) -> str:
    parts = []
    for need in p["needs"]:
        state = NEED_STATES.get(need["state"], need["state"])
        who = f" by {plain(need['first_name'])}" if need.get("first_name") else ""
        parts.append(f"{need['kind']}: {state}{who}")
    return f"{p['code']}: " + "; ".join(parts) + "."


def _covered(p: dict[str, Any]) -> str:
    name = p.get("first_name")
    by = f" by {plain(name)}" if name else ""
    return f"{p['code']} is already covered{by}. Thank you."


def _officer_progress(p: dict[str, Any]) -> str:
    asked = int(p["asked"])
    spec = need_spec(p["need"])
    role = spec.role if spec else "person"
    people = f"{asked} {role}{'' if asked == 1 else 's'} asked"
    return f"Still paging for {p['code']}: {people}, none free yet. Text STATUS any time."


def _officer_status_list(p: dict[str, Any]) -> str:
    return "Open: " + " ".join(_officer_status(request) for request in p["requests"])


def _officer_which(p: dict[str, Any]) -> str:
    codes = list(p["codes"])
    command = p.get("command")
    if command and codes:
        return f"Which one? {' or '.join(f'{command} {c}' for c in codes)}."
    listed = ", ".join(codes)
    example = codes[0] if codes else "CODE"
    return (
        f"Not sent. You have {len(codes)} open requests: {listed}. Start with the code: "
        f"{example} your words. DONE {example} closes one; NEW opens another."
        if len(codes) > 1
        else f"Not sent. To write to whoever accepts, start with the code: {example} your words."
    )


def _who(p: dict[str, Any]) -> str:
    lines = []
    for roster in p["rosters"]:
        names = ", ".join(plain(n) for n in roster["names"]) or "nobody"
        lines.append(f"{plain(roster['roster'])}: {names}")
    return "On call now:\n" + "\n".join(lines) if lines else "No rosters are set up."


def _codes_needed(p: dict[str, Any]) -> str:
    codes = list(p["codes"])
    return (
        f"You have {len(codes)} open pages: {', '.join(codes)}. Add the code, "
        f"e.g. 1 {codes[0]} to accept or 2 {codes[0]} to pass."
    )


def _not_sent(p: dict[str, Any]) -> str:
    codes, waiting = list(p.get("codes", [])), list(p.get("waiting", []))
    if codes:
        return (
            f"Not sent. To write to the officer, start with the code: {codes[0]} your words. "
            f"You are on {', '.join(codes)}."
        )
    example = waiting[0] if waiting else "CODE"
    return f"Not sent to anyone. Reply 1 {example} to accept or 2 {example} to pass."


def show_time(value: str, zone: str | None = None) -> str:
    """An ISO-8601 instant as ``Tue 10 Mar 14:00`` in ``zone`` (UTC, named, if none given).

    Text that is not an ISO-8601 instant is shown as it is.
    """
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        return value
    if instant.tzinfo is None:
        return value
    shown = instant.astimezone(ZoneInfo(zone)) if zone else instant.astimezone(UTC)
    return shown.strftime("%a %d %b %H:%M") + ("" if zone else " UTC")


ALERTS = {
    "message_failed": "{n} message(s) could not be sent and were dropped; paging moved on",
    "text_unprocessed": "{n} text(s) to the hotline could not be processed; the senders were "
    "told to call 911 if anyone is in danger",
    "engine_failing": "the paging engine failed {n} time(s); pages may be late",
    "message_stuck": "messages or escalation steps are running late ({n})",
    "redaction_failed": "{n} copies of messages could not be deleted from Twilio; delete them "
    "in the Twilio console",
}


def _alert(p: dict[str, Any]) -> str:
    """An operational alert for the coordinators: what kind of trouble, how often; no content."""
    what = ALERTS[p["kind"]].format(n=p["count"])
    return f"Dispatcher alert: {what}. Check the service log."


def _away_ack(p: dict[str, Any]) -> str:
    until = p.get("until")
    if until:
        when = show_time(str(until), p.get("zone"))
        return f"You are away until {when} and will not be paged. Text BACK to return early."
    return "You are away and will not be paged until you text BACK."


TEMPLATES: dict[str, Callable[[dict[str, Any]], str]] = {
    "page": _page,
    "covered": lambda p: _covered(p),
    "already_covered": lambda p: _covered(p),
    "already_yours": lambda p: f"You already accepted {p['code']}.",
    "page_closed": lambda p: f"{p['code']} is already closed; nothing to answer. Thank you.",
    "declined": lambda p: f"You passed on {p['code']}. Thank you.",
    "accept_other_open": lambda p: (
        f"{p['code']} is still open for you: reply 1 {p['code']} to accept "
        f"or 2 {p['code']} to pass."
    ),
    "accepted": _accepted,
    "relay_to_person": lambda p: f"[{p['code']}] Officer: {p['text']}",
    "relay_to_officer": lambda p: f"[{p['code']}] {plain(p['first_name'])}: {p['text']}",
    "officer_opened": lambda p: (
        f"Got it. Ref {p['code']}. Paging {_list(need_phrase(n) for n in p['needs'])} now; "
        "you will get a text when someone accepts. Reply STATUS for progress, DONE to close."
    ),
    "officer_accepted": _officer_accepted,
    "officer_unfilled": lambda p: (
        f"{p['code']}: we could not reach anyone for {need_phrase(p['need'])}. "
        f"Please contact the {p['fallback']}. The coordinators have been told; "
        "if someone accepts later, we will text you."
    ),
    "officer_status": _officer_status,
    "officer_status_list": _officer_status_list,
    "officer_progress": _officer_progress,
    "officer_which": _officer_which,
    "need_added": lambda p: f"{p['code']}: paging for {need_phrase(p['need'])} now.",
    "need_already": lambda p: (
        f"{p['code']} already has {need_phrase(p['need'])} being paged or on the way."
    ),
    "need_not_open": lambda p: (
        f"{p['code']}: no {plain(p['need'])} is being paged or on the way, so nothing changed."
    ),
    "need_dropped_ack": lambda p: (
        f"{p['code']}: stopped paging for {need_phrase(p['need'])}. "
        "Whoever was asked has been told."
    ),
    "need_dropped": lambda p: (
        f"{p['code']}: {need_phrase(p['need'])} is no longer needed. Thank you."
    ),
    "need_change_refused": lambda p: (
        "Only the officer or the advocate who accepted can add or drop a need of a request."
    ),
    "officer_closed": lambda p: f"{p['code']} is closed. Thank you. Text again to start a new one.",
    "officer_held": lambda p: (
        f"{p['code']}: nobody has accepted yet. Your message is kept for whoever accepts."
    ),
    "officer_not_kept": lambda p: (
        f"{p['code']}: nobody is being paged for an advocate now, so your message was not "
        f"kept and nobody will receive it. Text ADVOCATE {p['code']} to page again."
    ),
    "officer_already_open": lambda p: (
        f"{p['code']} is still open. Reply STATUS for progress or DONE to close it; "
        "other texts go to whoever accepts."
    ),
    "coordinator_unfilled": lambda p: (
        f"Unfilled: nobody accepted {p['code']} ({need_phrase(p['need'])} for "
        f"{plain(p['agency'])}). The officer was given the national hotline."
    ),
    "coordinator_late_accept": lambda p: (
        f"Late accept: {plain(p['name'])} took {p['code']} ({need_phrase(p['need'])}) "
        "after it had gone unfilled."
    ),
    "coordinator_opted_out": lambda p: (
        f"{plain(p['name'])} opted out of texts ({p['cause']}) and will not be paged by SMS "
        "until they text START."
    ),
    "coordinator_opted_in": lambda p: f"{plain(p['name'])} texted START and can be paged again.",
    "coordinator_enrolled": lambda p: (
        f"{p['officer_name']} enrolled as an officer of {plain(p['agency'])} by text. "
        "Revoke it in the admin pages if that is wrong."
    ),
    "alert": _alert,
    "person_closed": lambda p: f"{p['code']} is closed. Thank you.",
    "away_ack": _away_ack,
    "away_too_long": lambda p: (
        f"AWAY takes up to {p['days']}d, e.g. AWAY 8h or AWAY 3d. "
        "Text AWAY alone to pause until you text BACK."
    ),
    "back_ack": lambda p: "Welcome back. You can be paged again.",
    "who": _who,
    "codes_needed": _codes_needed,
    "not_sent": _not_sent,
    "nothing_open": lambda p: "Nothing is open for you right now.",
    "help_person": lambda p: (
        "Reply 1 CODE to accept, 2 CODE to pass, DONE CODE when finished, CODE and your words "
        "to write to the officer. AWAY 8h to pause paging, BACK to resume, WHO for who is on call."
    ),
    "help_officer": lambda p: (
        "Text what you need to page an advocate (add room, ride, juvenile, a language). "
        "STATUS for progress, DONE to close, NEW to open another, ROOM or RIDE to add one."
    ),
    "enrolled": lambda p: (
        f"Welcome. You are enrolled with {plain(p['agency'])}. "
        "Text this number any time to page an advocate."
    ),
    "join_name_refused": lambda p: (
        "Not enrolled, nothing was kept. Text JOIN, the enrollment code and your rank and "
        "name, e.g. JOIN CODE Sgt. Ada Byrne (letters, spaces, periods, hyphens, "
        "apostrophes; at most 40 characters)."
    ),
    "enrollment_waiting": lambda p: (
        f"Thank you. Your enrollment with {plain(p['agency'])} is waiting for a coordinator's "
        "approval; you will get a text when it is done."
    ),
    "enrollment_pending": lambda p: (
        "Your enrollment is still waiting for a coordinator's approval. " + REFERRAL
    ),
    "enrollment_denied": lambda p: (
        f"Your enrollment with {plain(p['agency'])} was not approved. Ask your coordinator."
    ),
    "enrollment_approved": lambda p: (
        f"Approved: {p['officer_name']} is enrolled with {plain(p['agency'])}."
    ),
    "enrollment_denied_ack": lambda p: (
        f"Denied: {p['officer_name']} is not enrolled and the number was removed."
    ),
    "enrollment_not_pending": lambda p: f"No enrollment {p['number']} is waiting.",
    "coordinator_approve": lambda p: (
        f"Approve {p['officer_name']} ({plain(p['agency'])})? "
        f"Reply APPROVE {p['number']} or DENY {p['number']}"
    ),
    "join_failed": lambda p: (
        "That enrollment code did not work. Ask your coordinator, then text JOIN CODE Your Name."
    ),
    "referral": lambda p: REFERRAL,
    # Spoken on a call to the hotline (TwiML <Say>); codes are read out letter by letter.
    "call_opened": lambda p: (
        f"Your request is open. Reference {spoken(p['code'])}. An advocate is being paged now, "
        "and you will get a text message when someone accepts. Text this number with details."
    ),
    "call_open_already": lambda p: (
        f"Your request {spoken(p['code'])} is still open. Text STATUS to this number for "
        "progress, or text the details you want passed on."
    ),
    "call_person": lambda p: (
        "This line is for officers. To answer a page, text 1 and the reference code to accept, "
        "or 2 and the code to pass."
    ),
    "call_referral": lambda p: (
        "If you are in danger, hang up and call 9 1 1. The National Human Trafficking Hotline "
        "is 1 8 8 8, 3 7 3, 7 8 8 8, or text 2 3 3 7 3 3."
    ),
}
