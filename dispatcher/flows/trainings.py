"""The notice a month before a training expires: durable, once-only, run by the engine.

Each due training is handled in a savepoint of its own: a notice row (unique per training
and expiry date) and the texts to the holder and the coordinators are written together,
so a notice is sent once even with two engines, and one bad row never stops the others.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatcher.flows import notify
from dispatcher.flows.context import FlowContext
from dispatcher.flows.training_texts import CoordinatorTrainingExpiring, TrainingExpiring
from dispatcher.rosters.models import Person, Training, TrainingNotice

log = logging.getLogger("dispatcher.trainings")
NOTICE_AHEAD = timedelta(days=30)


def due_trainings(session: Session, ctx: FlowContext) -> list[Training]:
    """Trainings of active people that expire within NOTICE_AHEAD of today (the
    coalition's local date) and have had no notice for that expiry date yet."""
    today = ctx.now.astimezone(ctx.settings.zone).date()
    noticed = exists().where(
        TrainingNotice.training_id == Training.id, TrainingNotice.expires == Training.expires
    )
    query = (
        select(Training)
        .join(Person, Person.id == Training.person_id)
        .where(
            Person.active.is_(True),
            Training.expires.is_not(None),
            Training.expires > today,
            Training.expires <= today + NOTICE_AHEAD,
            ~noticed,
        )
        .order_by(Training.expires, Training.id)
    )
    return list(session.scalars(query))


def send_expiry_notices(session: Session, ctx: FlowContext) -> int:
    """Tell each due training's holder and the coordinators; return how many were sent."""
    sent = 0
    for training in due_trainings(session, ctx):
        try:
            with session.begin_nested():
                _notify(session, ctx, training)
            sent += 1
        except IntegrityError:
            log.info("training.notice_taken training=%s", training.id)
        except Exception:
            log.exception("training.notice_failed training=%s", training.id)
    return sent


def _notify(session: Session, ctx: FlowContext, training: Training) -> None:
    """Record the notice first (the claim), then queue its texts."""
    assert training.expires is not None
    session.add(TrainingNotice(training_id=training.id, expires=training.expires, sent_at=ctx.now))
    session.flush()
    expires = training.expires.isoformat()
    person = training.person
    notify.to_person(session, ctx, person, TrainingExpiring(training.name, expires))
    notify.to_coordinators(
        session, ctx, CoordinatorTrainingExpiring(person.name, training.name, expires)
    )
    log.info("training.notice_sent training=%s member=%s", training.id, person.id)
