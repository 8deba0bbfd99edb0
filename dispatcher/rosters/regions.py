"""Regions (jurisdictions): create one, rename it, choose its agencies and its rosters.

There is no deleting a region here: a mutual-aid step may name it (edit the roster file).

Services take the session first, flush and never commit; each change is recorded by the
``Auditor`` they are given, as the region's roster-file table (name, agencies, rosters).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.rosters.contacts import Refused
from dispatcher.rosters.file.export import region_table
from dispatcher.rosters.models import Agency, Region, Roster

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
