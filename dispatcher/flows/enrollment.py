"""Officers enrolling themselves by text: JOIN <agency code> <rank and name>."""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher.flows import notify
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.rosters.models import Agency, Officer
from dispatcher.rosters.officernames import EXPECTED_FORM, officer_name

log = logging.getLogger("dispatcher.enrollment")


def enroll(
    session: Session, ctx: FlowContext, phone: str, enrollment_code: str, text: str
) -> Reply:
    """JOIN <code> <rank and name>: list a new officer under the agency with that code.

    A name that is not a rank and a name (``officernames``) is refused and nothing is
    stored; no reply repeats what was typed.
    """
    agency = session.scalars(
        select(Agency).where(func.upper(Agency.enrollment_code) == enrollment_code.strip().upper())
    ).first()
    known = session.scalar(select(Officer.id).where(Officer.phone == phone))
    if agency is None or known is not None:
        return Reply("join_failed")
    name = officer_name(text)
    if name is None:
        return Reply("join_name_refused", {"form": EXPECTED_FORM})
    officer = Officer(
        agency_id=agency.id, name=name, phone=phone, enrolled_by="sms", enrolled_at=ctx.now
    )
    session.add(officer)
    session.flush()
    notify.to_coordinators(
        session, ctx, "coordinator_enrolled", {"officer_name": name, "agency": agency.name}
    )
    log.info("officer.enrolled officer=%s agency=%s", officer.id, agency.id)
    return Reply("enrolled", {"agency": agency.name})
