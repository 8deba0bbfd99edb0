"""Regions (jurisdictions): create one, rename it, choose its agencies and its rosters,
delete one that nothing uses any more.

Services take the session first, flush and never commit; each change is recorded by the
``Auditor`` they are given, as the region's roster-file table (name, agencies, rosters).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.errors import Conflict
from dispatcher.rosters.contacts import Refused
from dispatcher.rosters.file.export import region_table
from dispatcher.rosters.models import Agency, EscalationStep, Region, Roster

NAME_TAKEN = "A region has this name already."
NAME_MISSING = "A region needs a name."


def save_region(
    session: Session,
    auditor: Auditor,
    region: Region | None,
    name: str,
    agency_ids: Iterable[int],
    roster_ids: Iterable[int],
) -> Region:
    """Create a region (``region`` None) or change one: its name, agencies and rosters.

    An agency put in this region leaves the one it was in (an agency is in one region at
    most). Raises Refused (nothing changed) when the name is empty or another region's.
    """
    name = name.strip()
    if not name:
        raise Refused({"name": NAME_MISSING})
    taken = select(Region.id).where(Region.name == name)
    if session.scalar(taken.where(Region.id != region.id) if region else taken) is not None:
        raise Refused({"name": NAME_TAKEN})
    old = None if region is None else region_table(region)
    if region is None:
        region = Region(name=name)
        session.add(region)
    region.name = name
    wanted = set(agency_ids)
    for agency in list(region.agencies):
        if agency.id not in wanted:
            agency.region = None
    for agency in session.scalars(select(Agency).where(Agency.id.in_(wanted))):
        agency.region = region
    region.rosters = list(
        session.scalars(select(Roster).where(Roster.id.in_(set(roster_ids))).order_by(Roster.name))
    )
    session.flush()
    action = "create" if old is None else "update"
    auditor.record(session, action, "region", region.id, old, region_table(region))
    return region


def region_uses(session: Session, region: Region) -> list[str]:
    """What still uses ``region``, in words: its agencies, the rosters that serve it, and
    the rosters whose mutual-aid steps call on it (empty when nothing does)."""
    uses = []
    if region.agencies:
        uses.append("agencies in it: " + ", ".join(a.name for a in region.agencies))
    if region.rosters:
        uses.append("rosters that serve it: " + ", ".join(r.name for r in region.rosters))
    steps = select(Roster.name).join(EscalationStep, EscalationStep.roster_id == Roster.id)
    aid = sorted(set(session.scalars(steps.where(EscalationStep.region_id == region.id))))
    if aid:
        uses.append("mutual-aid steps of: " + ", ".join(aid))
    return uses


def delete_region(session: Session, auditor: Auditor, region: Region) -> None:
    """Delete a region nothing uses (audited).

    Raises Conflict naming what still uses it: agencies in it, rosters that serve it, or
    mutual-aid steps that call on it (deleting it would silently drop those steps).
    """
    uses = region_uses(session, region)
    if uses:
        raise Conflict(f"{region.name} is still in use ({'; '.join(uses)}); change those first")
    auditor.record(session, "delete", "region", region.id, region_table(region), None)
    session.delete(region)
    session.flush()
