"""Agencies: one name each, and every change in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.audit import AuditEntry, Auditor
from dispatcher.rosters.agencies import NAME_TAKEN, AgencyDetails, replace_code, save_agency
from dispatcher.rosters.contacts import Refused

AUDITOR = Auditor("coord@coalition.test", datetime(2026, 3, 2, 12, tzinfo=UTC))


def test_an_agency_is_created_renamed_and_given_a_new_code(session: Session) -> None:
    details = AgencyDetails(" Racine PD ", " Police ", "approve")
    agency = save_agency(session, AUDITOR, None, details, "K7QM-3XTA")
    assert (agency.name, agency.kind, agency.enrollment) == ("Racine PD", "police", "approve")
    save_agency(session, AUDITOR, agency, AgencyDetails("Racine PD", "police", "open"), "X")
    replace_code(session, AUDITOR, agency, "M4TX-9QAC")
    assert (agency.enrollment, agency.enrollment_code) == ("open", "M4TX-9QAC")
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.entity, e.actor) for e in entries] == [
        ("create", "agency", AUDITOR.actor),
        ("update", "agency", AUDITOR.actor),
        ("update", "agency", AUDITOR.actor),
    ]
    # The roster file leaves the default ("open") out, and so does the log.
    assert (entries[1].old, entries[1].new) == ({"enrollment": "approve"}, {"enrollment": None})
    assert entries[2].new == {"enrollment_code": "M4TX-9QAC"}


def test_two_agencies_may_not_share_a_name(session: Session) -> None:
    save_agency(session, AUDITOR, None, AgencyDetails("Racine PD", "police", "open"), "A")
    other = save_agency(session, AUDITOR, None, AgencyDetails("Kenosha PD", "police", "open"), "B")
    with pytest.raises(Refused) as refused:
        save_agency(session, AUDITOR, other, AgencyDetails("Racine PD", "police", "open"), "B")
    assert refused.value.problems == {"name": NAME_TAKEN}
    assert other.name == "Kenosha PD"
