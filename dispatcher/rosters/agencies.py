"""Agencies: create, rename, change how officers enroll, replace the enrollment code.

Services take the session first, flush and never commit; each change is recorded by the
``Auditor`` they are given. Enrollment codes are made by the caller (they share the
reference codes' alphabet, which belongs to the flows).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.rosters.contacts import Refused
from dispatcher.rosters.file.export import agency_record
from dispatcher.rosters.models import Agency

NAME_TAKEN = "An agency has this name already."


@dataclass(frozen=True)
class AgencyDetails:
    """An agency as a form gives it: name and kind as typed, ``open`` or ``approve``."""

    name: str
    kind: str
    enrollment: str


def save_agency(
    session: Session, auditor: Auditor, agency: Agency | None, details: AgencyDetails, code: str
) -> Agency:
    """Create an agency with enrollment ``code`` (``agency`` None) or change one; record it.

    Names are trimmed and kinds lower-cased. ``code`` is ignored for an existing agency.
    Raises Refused (nothing changed) when another agency has the name.
    """
    name = details.name.strip()
    taken = select(Agency.id).where(Agency.name == name)
    if session.scalar(taken.where(Agency.id != agency.id) if agency else taken) is not None:
        raise Refused({"name": NAME_TAKEN})
    old = None if agency is None else agency_record(agency)
    if agency is None:
        agency = Agency(name=name, kind="", enrollment_code=code)
        session.add(agency)
    agency.name, agency.kind = name, details.kind.strip().lower()
    agency.enrollment = details.enrollment
    session.flush()
    action = "create" if old is None else "update"
    auditor.record(session, action, "agency", agency.id, old, agency_record(agency))
    return agency


def replace_code(session: Session, auditor: Auditor, agency: Agency, code: str) -> None:
    """Give ``agency`` enrollment ``code`` (the old one stops working at once); record it."""
    old = {"enrollment_code": agency.enrollment_code}
    agency.enrollment_code = code
    session.flush()
    auditor.record(session, "update", "agency", agency.id, old, {"enrollment_code": code})
