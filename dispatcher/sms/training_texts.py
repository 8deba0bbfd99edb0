"""How the training texts read (``flows.training_texts``), in the reader's language."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from dispatcher.flows.training_texts import CoordinatorTrainingExpiring, TrainingExpiring
from dispatcher.sms.catalogs import Words
from dispatcher.sms.segments import plain
from dispatcher.sms.wording import writes


def show_day(value: str, language: str) -> str:
    """An ISO date as ``Tue 07 Apr 2026`` with names in ``language``; other text as it is."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return format_date(day, "EEE dd MMM yyyy", locale=language or "en")


@writes(TrainingExpiring)
def _training_expiring(t: Words, p: TrainingExpiring) -> str:
    """The holder: renew before the date or stop being paged for what requires it."""
    return t.gettext(
        "Your {training} training expires on {day}. Renew it before then to keep being paged."
    ).format(training=plain(p.training), day=show_day(p.expires, t.language))


@writes(CoordinatorTrainingExpiring)
def _coordinator_training_expiring(t: Words, p: CoordinatorTrainingExpiring) -> str:
    """Coordinators: whose training expires, and when."""
    return t.gettext(
        "{name}'s {training} training expires on {day}; after that they are not paged where "
        "it is required."
    ).format(name=plain(p.name), training=plain(p.training), day=show_day(p.expires, t.language))
