"""Officers enrolling themselves by text: JOIN <agency code> <rank and name>.

An agency's ``enrollment`` is ``open`` (JOIN enrolls at once) or ``approve`` (the officer
is pending until a coordinator texts APPROVE n or DENY n, or uses the agency page).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.flows import notify, texts
from dispatcher.flows.context import FlowContext, Reply
from dispatcher.rosters.contacts import phone_holder
from dispatcher.rosters.models import Agency, Officer
from dispatcher.rosters.officernames import officer_name

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
    if agency is None or phone_holder(session, phone) is not None:
        return Reply(texts.JoinFailed())
    name = officer_name(text)
    if name is None:
        return Reply(texts.JoinNameRefused())
    pending = agency.enrollment == "approve"
    officer = Officer(
        agency_id=agency.id,
        name=name,
        phone=phone,
        enrolled_by="sms",
        enrolled_at=ctx.now,
        pending=pending,
    )
    session.add(officer)
    session.flush()
    Auditor("sms", ctx.now).record(session, "create", "officer", officer.id, None, _record(officer))
    log.info("officer.enrolled officer=%s agency=%s pending=%s", officer.id, agency.id, pending)
    if pending:
        approve = texts.CoordinatorApprove(officer_name=name, agency=agency.name, number=officer.id)
        notify.to_coordinators(session, ctx, approve)
        return Reply(texts.EnrollmentWaiting(agency=agency.name))
    enrolled = texts.CoordinatorEnrolled(officer_name=name, agency=agency.name, number=officer.id)
    notify.to_coordinators(session, ctx, enrolled)
    return Reply(texts.Enrolled(agency=agency.name))


def decide(
    session: Session, ctx: FlowContext, actor: str, officer_id: int, *, approve: bool
) -> Reply:
    """APPROVE n / DENY n (or the agency page's buttons): settle a pending enrollment.

    Approved, the officer is told they are enrolled; denied, they are told so and the
    officer (their number too) is deleted. ``actor`` names who decided, for the audit log.
    Raises nothing: a number that is not pending gets ``enrollment_not_pending``.
    """
    officer = session.get(Officer, officer_id)
    if officer is None or not officer.pending:
        return Reply(texts.EnrollmentNotPending(number=officer_id))
    agency, old, auditor = officer.agency.name, _record(officer), Auditor(actor, ctx.now)
    told = texts.EnrollmentApproved if approve else texts.EnrollmentDeniedAck
    answer = told(officer_name=officer.name, agency=agency, number=officer_id)
    if approve:
        officer.pending = False
        auditor.record(session, "update", "officer", officer.id, old, _record(officer), whole=True)
        notify.to_enrolled(session, ctx, officer, texts.Enrolled(agency=agency))
    else:
        notify.to_enrolled(session, ctx, officer, texts.EnrollmentDenied(agency=agency))
        auditor.record(session, "delete", "officer", officer.id, old, None)
        session.delete(officer)
    session.flush()
    log.info("officer.%s officer=%s", "approved" if approve else "denied", officer_id)
    return Reply(answer)


def _record(officer: Officer) -> dict[str, Any]:
    """What the audit log keeps of an officer enrolled by text (the name is validated)."""
    return {"name": officer.name, "agency_id": officer.agency_id, "pending": officer.pending}
