"""The texts of a readiness drill: the page marked DRILL (texted or spoken), the thanks to
whoever accepted it, and the notice to the others paged that it is over.

A drill page names no agency and no officer: nobody is waiting on it. It is answered
exactly like a real page (``1 CODE`` or a key press), so the drill measures the real habit.
"""

from __future__ import annotations

from dispatcher.flows import drill_texts as d
from dispatcher.sms.catalogs import Words
from dispatcher.sms.wording import describe_tags, need_phrase, spoken, writes


@writes(d.DrillPage)
def _drill_page(t: Words, p: d.DrillPage) -> str:
    """A page marked DRILL: the need, the code and how to answer, as a real page has them."""
    details = describe_tags(p.tags, t)
    what = need_phrase(p.need, t) + (f" ({details})" if details else "")
    return t.gettext(
        "DRILL, practice only: {what} needed. Ref {code}. Reply 1 {code} to accept, "
        "2 {code} to pass, as for a real page."
    ).format(what=what, code=p.code)


@writes(d.DrillVoicePage, verbatim=True)
def _voice_drill_page(t: Words, p: d.DrillVoicePage) -> str:
    """A drill page spoken on a call, ending with the keys to press."""
    what = need_phrase(p.need, t)
    return t.gettext(
        "This is the hotline with a drill, for practice only. {what} needed. Reference "
        "{code}. Press 1 to accept, or 2 to pass, as for a real page."
    ).format(what=what, code=spoken(p.code))


@writes(d.DrillAccepted)
def _drill_accepted(t: Words, p: d.DrillAccepted) -> str:
    """To whoever accepted a drill page: how long it took; nothing to do."""
    return t.gettext(
        "DRILL {code}: you accepted after {minutes} min. Thank you; nothing else to do."
    ).format(code=p.code, minutes=p.minutes)


@writes(d.DrillOver)
def _drill_over(t: Words, p: d.DrillOver) -> str:
    """To the others paged on a drill: it is over."""
    return t.gettext("DRILL {code} is over. Thank you; nothing to do.").format(code=p.code)
