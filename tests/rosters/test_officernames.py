"""Officer names: a rank and a name, in any alphabet, nothing more."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.audit import AuditEntry, Auditor
from dispatcher.rosters.file import apply_roster_file, load_roster_file
from dispatcher.rosters.models import Agency, Officer
from dispatcher.rosters.officernames import (
    MAX_LENGTH,
    NOT_A_NAME,
    name_for_the_record,
    officer_name,
    to_officer_name,
)

NAMES = [
    ("Sgt. Ada Byrne", "Sgt. Ada Byrne"),
    ("Inv. N. Lofy", "Inv. N. Lofy"),
    ("  sgt.   ada\tbyrne ", "sgt. ada byrne"),
    ("Det. María Núñez-O'Brien", "Det. María Núñez-O'Brien"),
    ("Ms. O\u2019Neil", "Ms. O\u2019Neil"),
    ("Лейт. Иван Петров", "Лейт. Иван Петров"),
    ("Cpl. Jo" + "e" * (MAX_LENGTH - 8), "Cpl. Jo" + "e" * (MAX_LENGTH - 8)),
    ("Byrne", None),
    ("", None),
    ("Sgt. Ada Byrne, victim Dana Ruiz 2009-04-01", None),
    ("Sgt. Ada Byrne 262-555-0101", None),
    ("Sgt. Ada Byrne dana@example.org", None),
    ("Sgt. Ada Byrne (Racine)", None),
    ("Sgt. Ada_Byrne x", None),
    ("Cpl. Jo" + "e" * (MAX_LENGTH - 6), None),
    (". -", None),
]


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_officer_names(text: str, expected: str | None) -> None:
    assert officer_name(text) == expected


def test_the_error_names_the_expected_form_not_the_text() -> None:
    with pytest.raises(ValueError, match="must be a rank and a name") as caught:
        to_officer_name("Sgt. Byrne, girl is 16")
    assert "16" not in str(caught.value).split("at most")[0]


@given(st.text(max_size=60))
def test_a_name_is_short_and_has_no_digits_or_symbols(text: str) -> None:
    name = officer_name(text)
    if name is not None:
        assert len(name) <= MAX_LENGTH and " " in name
        assert all(c.isalpha() or c in " .'-\u2019" for c in name)
        assert officer_name(name) == name


def test_the_record_keeps_valid_names_only() -> None:
    assert name_for_the_record("Sgt. Ada Byrne") == "Sgt. Ada Byrne"
    assert name_for_the_record("Sgt. Byrne girl 16 at Motel 6") == NOT_A_NAME


def test_a_roster_file_correcting_a_name_logs_the_change_without_the_old_text(
    session: Session,
) -> None:
    text = """
[[agencies]]
name = "Racine Police Department"
kind = "police"
enrollment_code = "RPD-4821"
officers = [{ name = "Inv. N. Lofy", phone = "+12625550150" }]
"""
    agency = Agency(name="Racine Police Department", kind="police", enrollment_code="RPD-4821")
    session.add(Officer(agency=agency, name="Lofy, victim Dana 16", phone="+12625550150"))
    session.flush()
    apply_roster_file(session, load_roster_file(text), Auditor("test", datetime.now(UTC)))
    logged = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert ("update", "officer") in [(entry.action, entry.entity) for entry in logged]
    changed = next(entry for entry in logged if entry.entity == "officer")
    assert changed.old and changed.new
    assert changed.old["name"] == NOT_A_NAME and changed.new["name"] == "Inv. N. Lofy"
    assert "Dana" not in repr([(entry.old, entry.new) for entry in logged])
