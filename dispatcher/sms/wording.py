"""Words shared by many texts: need phrases, roles, states, lists, tags, the referral.

Texts are English source strings marked for extraction (``N_``) and translated where they
are used (``t.gettext``), so the catalogs hold every one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from dispatcher.flows.intake import describe_tag
from dispatcher.flows.texts import CodeText, Fixed, NeedText, Text
from dispatcher.flows.vocabulary import NEEDS
from dispatcher.languages import N_
from dispatcher.rosters import needkinds
from dispatcher.sms.catalogs import Words, words_for
from dispatcher.sms.segments import plain

ENGLISH = words_for(None)
TextT = TypeVar("TextT", bound=Text)
Writer = Callable[[Words, TextT], str]

WRITERS: dict[type[Text], Callable[[Words, Any], str]] = {}
"""Each text class's writer: ``(words of the reader's language, text) -> body``."""
VERBATIM: set[type[Text]] = set()
"""Texts that carry someone's own words, or an officer's validated name in any alphabet:
delivered as written (accents, Cyrillic), even if that costs UCS-2 segments."""


def writes(*kinds: type[TextT], verbatim: bool = False) -> Callable[[Writer[TextT]], Writer[TextT]]:
    """Register the decorated function as the writer of ``kinds``."""

    def register(writer: Writer[TextT]) -> Writer[TextT]:
        for kind in kinds:
            if kind in WRITERS:
                raise ValueError(f"two writers for {kind.__name__}")
            WRITERS[kind] = writer
            if verbatim:
                VERBATIM.add(kind)
        return writer

    return register


def fixed(kind: type[Fixed], message: str) -> None:
    """``kind`` is always ``message`` (an English source text marked with ``N_``)."""
    writes(kind)(lambda t, p: t.gettext(message))


def with_code(kind: type[CodeText], message: str) -> None:
    """``kind`` is ``message`` with the request's ``{code}``."""
    writes(kind)(lambda t, p: t.gettext(message).format(code=p.code))


def with_need(kind: type[NeedText], message: str) -> None:
    """``kind`` is ``message`` with ``{code}``, the ``{need}`` phrase and its bare ``{kind}``."""
    writes(kind)(
        lambda t, p: t.gettext(message).format(
            code=p.code, need=need_phrase(p.need, t), kind=need_kind(p.need, t)
        )
    )


# Each built-in need kind's phrase and role word come from the one need table; configured
# needs are named by their labels (``configured_label``).
NEED_PHRASES: dict[str, str] = {kind: spec.phrase for kind, spec in NEEDS.items()}
ROLES = {"advocate": N_("advocate"), "hotel": N_("hotel"), "driver": N_("driver")}
ROLE_OF_NEED: dict[str, str] = {kind: spec.role for kind, spec in NEEDS.items()}
NEED_KINDS = {"advocate": N_("advocate"), "room": N_("room"), "ride": N_("ride")}
NEED_STATES = {
    "paging": N_("still paging"),
    "accepted": N_("accepted"),
    "unfilled": N_("nobody reached"),
    "done": N_("finished"),
    "cancelled": N_("cancelled"),
    "closed": N_("closed"),
}
# Tag words as describe_tag names them, marked so that the catalogs translate them.
TAG_WORDS = (
    N_("juvenile"), N_("Spanish"), N_("French"), N_("Vietnamese"), N_("Hmong"), N_("Arabic"),
    N_("Somali"), N_("Chinese"), N_("Portuguese"), N_("Russian"), N_("Korean"), N_("Tagalog"),
    N_("ASL"), N_("Haitian Creole"), N_("Ukrainian"),
)  # fmt: skip
# Why a member stopped getting texts, as the flows name it for the coordinators.
OPT_OUT_CAUSES = (N_("texted STOP"), N_("carrier opt-out (21610)"))
REFERRAL = N_(
    "If you are in danger, call 911. National Human Trafficking Hotline: "
    "call 1-888-373-7888 or text 233733."
)
# The default fallback the officer is pointed to (settings may name another, kept as is).
FALLBACK = N_("National Human Trafficking Hotline: call 1-888-373-7888 or text 233733")


def need_phrase(need: str, t: Words = ENGLISH) -> str:
    """``"room"`` -> ``"a room"`` in ``t``'s language; a configured need by its label;
    unknown needs are named as they are."""
    label = configured_label(need, t)
    if label is not None:
        return label
    phrase = NEED_PHRASES.get(need)
    return t.gettext(phrase) if phrase else plain(need)


def need_kind(need: str, t: Words = ENGLISH) -> str:
    """``"room"`` -> ``"room"`` (a need's bare name) in ``t``'s language."""
    kind = NEED_KINDS.get(need)
    if kind:
        return t.gettext(kind)
    return configured_label(need, t) or plain(need)


def configured_label(need: str, t: Words) -> str | None:
    """The label of a need configured beyond the built-in table (or reconfigured with
    another English label) in ``t``'s language; None for a built-in one."""
    spec = needkinds.latest().get(need)
    if spec is None or spec.phrase == NEED_PHRASES.get(need):
        return None
    return plain(spec.label(t.language))


def role_of(role: str, t: Words = ENGLISH) -> str:
    """A responder's role (``advocate``, ``hotel``, ``driver``) in ``t``'s language."""
    name = ROLES.get(role)
    return t.gettext(name) if name else plain(role)


def need_state(state: str, t: Words = ENGLISH) -> str:
    """A need's state as the officer reads it, in ``t``'s language."""
    name = NEED_STATES.get(state)
    return t.gettext(name) if name else state


def describe_tags(tags: Iterable[str], t: Words = ENGLISH) -> str:
    """Tags as words: ``["juvenile", "lang:es"]`` -> ``"juvenile, Spanish"`` (at most 40)."""
    names = [t.gettext(describe_tag(tag)) for tag in tags]
    return plain(", ".join(names))[:40].rstrip(" ,")


def listed(items: Iterable[str], t: Words = ENGLISH) -> str:
    """``["an advocate", "a room"]`` -> ``"an advocate and a room"``."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return t.gettext("{items} and {last}").format(items=", ".join(words[:-1]), last=words[-1])


def spoken(code: str) -> str:
    """A reference code as a voice reads it: one character at a time."""
    return ", ".join(code)
