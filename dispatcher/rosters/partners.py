"""Partner organisations and their monthly ledger: who answers for whom, what is pledged,
what was used, and who may be paged while a pledge lasts.

A month is a calendar month in the service's zone (``month_of``). The ledger holds counts
per partner and month, nothing per request. Counters move by one conditional UPDATE each,
so two engines or webhooks at once never lose a count. Services take the session first,
flush and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.db import dialect_of, dialect_upsert, table_of
from dispatcher.rosters import needstore
from dispatcher.rosters.contacts import Refused
from dispatcher.rosters.file.export import partner_table
from dispatcher.rosters.models import (
    PARTNER_FEATURES,
    Partner,
    PartnerMonth,
    Person,
    partner_contacts,
)

# The shares of a pledge the coordinators are told of, once each per partner and month.
ALERT_LEVELS = (80, 100)
COUNTERS = ("used", "accepted", "declined", "unanswered")


def month_of(now: datetime, zone: ZoneInfo) -> date:
    """The first day of the month holding ``now`` (aware) in ``zone``."""
    return now.astimezone(zone).date().replace(day=1)


def partner_of(session: Session, person_id: int) -> Partner | None:
    """The partner ``person_id`` answers for, if any."""
    query = (
        select(Partner)
        .join(partner_contacts, partner_contacts.c.partner_id == Partner.id)
        .where(partner_contacts.c.person_id == person_id)
    )
    return session.scalars(query).first()


class Known:
    """The partners of a set of people (a roster's pool), looked up once, on first use:
    ``partners_of`` reads no row again for any of them (a tick keeps one per pool)."""

    def __init__(self, people: Iterable[int] = ()) -> None:
        self.people = frozenset(people)
        self._found: dict[int, Partner] | None = None

    def found(self, session: Session) -> dict[int, Partner]:
        """The partner of each of the people that answers for one, by person id."""
        if self._found is None:
            self._found = partners_of(session, self.people)
        return self._found


def partners_of(
    session: Session, person_ids: Iterable[int], known: Known | None = None
) -> dict[int, Partner]:
    """The partner of each of ``person_ids`` that answers for one, by person id; the
    people of ``known`` are answered from it."""
    ids = set(person_ids)
    found: dict[int, Partner] = {}
    if known is not None and ids & known.people:
        found = {i: p for i, p in known.found(session).items() if i in ids}
        ids -= known.people
    if not ids:
        return found
    query = select(partner_contacts.c.person_id, Partner).join(
        Partner, Partner.id == partner_contacts.c.partner_id
    )
    rows = session.execute(query.where(partner_contacts.c.person_id.in_(ids)))
    return found | {person_id: partner for person_id, partner in rows}


def ledger_row(session: Session, partner: Partner, month: date) -> PartnerMonth:
    """The partner's row for ``month``, created (with the pledge as it is now) if missing.

    An insert that loses a race to another process's insert is simply ignored.
    """
    table = table_of(PartnerMonth)
    values = {"partner_id": partner.id, "month": month, "pledged": partner.pledge}
    zeros = {name: 0 for name in (*COUNTERS, "alerted")}
    statement = dialect_upsert(dialect_of(session), table).on_conflict_do_nothing()
    session.execute(statement.values(**values, **zeros))
    row = session.get(PartnerMonth, (partner.id, month), populate_existing=True)
    assert row is not None  # just inserted, or there already
    return row


def count(session: Session, partner: Partner, month: date, **by: int) -> PartnerMonth:
    """Add ``by`` (counter name -> amount) to the partner's month, in one UPDATE."""
    ledger_row(session, partner, month)
    table = table_of(PartnerMonth)
    changes = {name: table.c[name] + amount for name, amount in by.items() if name in COUNTERS}
    session.execute(
        update(table)
        .where(table.c.partner_id == partner.id, table.c.month == month)
        .values(**changes)
    )
    row = session.get(PartnerMonth, (partner.id, month), populate_existing=True)
    assert row is not None
    return row


def alert_level(row: PartnerMonth) -> int:
    """The highest of ALERT_LEVELS the month's use has reached (0: none, or no pledge)."""
    if row.pledged <= 0:
        return 0
    reached = [level for level in ALERT_LEVELS if row.used * 100 >= row.pledged * level]
    return reached[-1] if reached else 0


def claim_alert(session: Session, row: PartnerMonth, level: int) -> bool:
    """Mark ``level`` as told for the row; True only for the one caller that moved it up."""
    table = table_of(PartnerMonth)
    moved = session.execute(
        update(table)
        .where(
            table.c.partner_id == row.partner_id,
            table.c.month == row.month,
            table.c.alerted < level,
        )
        .values(alerted=level)
    )
    return bool(getattr(moved, "rowcount", 0))


def used_up(session: Session, partners: Iterable[Partner], month: date) -> frozenset[int]:
    """Ids of ``partners`` with a pledge whose month is used up."""
    pledging = {p.id: p for p in partners if p.pledge > 0}
    if not pledging:
        return frozenset()
    query = select(PartnerMonth).where(
        PartnerMonth.partner_id.in_(set(pledging)), PartnerMonth.month == month
    )
    return frozenset(
        row.partner_id
        for row in session.scalars(query)
        if row.used >= (row.pledged or pledging[row.partner_id].pledge)
    )


@dataclass(frozen=True)
class Unavailable:
    """People not to page for a need now: their partner's pledge is used up, or their
    partner (or they, answering for none) lack what the need requires."""

    pledge: frozenset[int]
    requirement: frozenset[int]

    @property
    def everyone(self) -> frozenset[int]:
        """Both kinds together."""
        return self.pledge | self.requirement


def unavailable(
    session: Session,
    people: Iterable[int],
    requires: Iterable[str],
    month: date,
    exempt: Iterable[int] = (),
    known: Known | None = None,
) -> Unavailable:
    """Which of ``people`` not to page for a need requiring ``requires`` in ``month``.

    ``exempt`` (the coordinators) are never left out for a requirement: they arrange help
    themselves. ``known`` answers for the people it has looked up (``partners_of``).
    """
    ids, wanted, spared = set(people), set(requires), set(exempt)
    partners = partners_of(session, ids, known)
    spent = used_up(session, {p.id: p for p in partners.values()}.values(), month)
    pledge = frozenset(i for i, p in partners.items() if p.id in spent)
    lacking = frozenset(
        i
        for i in ids - spared
        if wanted and (i not in partners or not wanted <= set(partners[i].features))
    )
    return Unavailable(pledge=pledge, requirement=lacking)


NAME_TAKEN = "A partner has this name already."
NAME_MISSING = "A partner needs a name."
NEED_UNKNOWN = "Choose one of the configured needs."


@dataclass(frozen=True)
class PartnerValues:
    """What a coordinator sets on a partner (contacts by person id)."""

    name: str
    need: str
    address: str = ""
    pledge: int = 0
    unit_value: int | None = None
    features: tuple[str, ...] = ()
    contact_ids: tuple[int, ...] = ()


def save_partner(
    session: Session,
    auditor: Auditor,
    partner: Partner | None,
    values: PartnerValues,
    zone: ZoneInfo,
) -> Partner:
    """Create a partner (``partner`` None) or change one, audited (the address withheld).

    The pledge of the month under way follows a changed pledge. Raises Refused (nothing
    changed) for a missing or taken name, a need that is not configured, or a contact who
    answers for another partner.
    """
    name = values.name.strip()
    if not name:
        raise Refused({"name": NAME_MISSING})
    if needstore.current(session).get(values.need) is None:
        raise Refused({"need": NEED_UNKNOWN})
    taken = select(Partner.id).where(Partner.name == name)
    if session.scalar(taken.where(Partner.id != partner.id) if partner else taken) is not None:
        raise Refused({"name": NAME_TAKEN})
    others = partners_of(session, values.contact_ids)
    elsewhere = sorted(
        f"{session.get_one(Person, i).name} answers for {p.name}."
        for i, p in others.items()
        if partner is None or p.id != partner.id
    )
    if elsewhere:
        raise Refused({"contacts": " ".join(elsewhere)})
    old = None if partner is None else partner_table(partner)
    if partner is None:
        partner = Partner(name=name)
        session.add(partner)
    partner.name, partner.need, partner.address = name, values.need, values.address.strip()
    partner.pledge, partner.unit_value = values.pledge, values.unit_value
    partner.features = sorted(f for f in values.features if f in PARTNER_FEATURES)
    ids = set(values.contact_ids)
    partner.contacts = list(session.scalars(select(Person).where(Person.id.in_(ids))))
    session.flush()
    current = session.get(PartnerMonth, (partner.id, month_of(auditor.now, zone)))
    if current is not None:
        current.pledged = partner.pledge
    action = "create" if old is None else "update"
    auditor.record(session, action, "partner", partner.id, old, partner_table(partner))
    return partner


def delete_partner(session: Session, auditor: Auditor, partner: Partner) -> None:
    """Delete a partner and its ledger (audited); its contacts stay on their rosters."""
    auditor.record(session, "delete", "partner", partner.id, partner_table(partner), None)
    session.delete(partner)
    session.flush()
