"""Texts about partners: the address of the partner that took a need, a pledge at 80% or
used up, a need's requirements, and the thank-you summary.

The address is the partner's, never the victim's; it goes only to the officer and the
accepting advocate of the request.
"""

from __future__ import annotations

from dispatcher.flows import partner_texts as pt
from dispatcher.languages import N_
from dispatcher.sms.catalogs import Words
from dispatcher.sms.wording import need_kind, need_phrase, writes

# What a partner feature is called in a text.
FEATURES = {"carseat": N_("a car seat"), "wheelchair": N_("wheelchair access")}


def units(t: Words, need: str, n: int) -> str:
    """``n`` units of ``need``: room-nights for a room, rides for a ride, else times."""
    if need == "room":
        return t.ngettext("{n} room-night", "{n} room-nights", n).format(n=n)
    if need == "ride":
        return t.ngettext("{n} ride", "{n} rides", n).format(n=n)
    return t.ngettext("{n} time", "{n} times", n).format(n=n)


def feature_list(t: Words, features: tuple[str, ...]) -> str:
    """The features in the reader's language, joined with "and"."""
    named = [t.gettext(FEATURES[f]) if f in FEATURES else f for f in features]
    if len(named) < 2:
        return "".join(named)
    return t.gettext("{first} and {last}").format(first=", ".join(named[:-1]), last=named[-1])


@writes(pt.PartnerAddress, verbatim=True)
def _partner_address(t: Words, p: pt.PartnerAddress) -> str:
    """Who took the room or ride, for how long, and where it is."""
    if p.nights:
        took = t.ngettext(
            "{code}: {partner} gives the room for {n} night. Address: {address}",
            "{code}: {partner} gives the room for {n} nights. Address: {address}",
            p.nights,
        )
        return took.format(code=p.code, partner=p.partner, n=p.nights, address=p.address)
    return t.gettext("{code}: {partner} gives {need}. Address: {address}").format(
        code=p.code, partner=p.partner, need=need_phrase(p.need, t), address=p.address
    )


@writes(pt.CoordinatorPledge, verbatim=True)
def _coordinator_pledge(t: Words, p: pt.CoordinatorPledge) -> str:
    """A pledge at 80%, or used up (its contacts are skipped until next month)."""
    used = units(t, p.need, p.used)
    if p.level >= 100:
        text = t.gettext(
            "{partner} has given {used} of {pledged} pledged this month. "
            "It is skipped when paging until next month."
        )
    else:
        text = t.gettext("{partner} has given {used} of {pledged} pledged this month (80%).")
    return text.format(partner=p.partner, used=used, pledged=p.pledged)


@writes(pt.NeedRequires)
def _need_requires(t: Words, p: pt.NeedRequires) -> str:
    """Only partners with the requirements are paged from now on."""
    return t.gettext(
        "{code}: the {kind} needs {features}. Only those who have it are paged."
    ).format(code=p.code, kind=need_kind(p.need, t), features=feature_list(t, p.requires))


@writes(pt.PartnerThanks, verbatim=True)
def _partner_thanks(t: Words, p: pt.PartnerThanks) -> str:
    """The thank-you summary of a period: how many were helped, and how much was given."""
    if p.need == "room":
        text = t.ngettext(
            "Thank you, {partner}: your rooms sheltered {n} guest in {period} ({units}).",
            "Thank you, {partner}: your rooms sheltered {n} guests in {period} ({units}).",
            p.accepted,
        )
    else:
        text = t.ngettext(
            "Thank you, {partner}: you answered {n} request in {period} ({units}).",
            "Thank you, {partner}: you answered {n} requests in {period} ({units}).",
            p.accepted,
        )
    given = units(t, p.need, p.units)
    return text.format(partner=p.partner, n=p.accepted, period=p.period, units=given)
