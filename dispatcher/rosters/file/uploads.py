"""Roster file uploads with a preview, a warning for stale files, and an undo.

``preview_upload`` applies a file inside a savepoint, words every change (``describe``)
and rolls back: nothing is written. It also says whether the file is older than the data
(its ``version`` below the data version) and, by name, which of the changes logged since
it would undo. ``apply_upload`` applies for real and keeps the data as it was before (only
for the last upload); ``undo_last_upload`` puts it back, refusing once anything else
changed. Services take the session first, may flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dispatcher.audit import AuditEntry, Auditor
from dispatcher.errors import Conflict, NotFound, ValidationError
from dispatcher.rosters.file.apply import ApplySummary, apply_roster_file
from dispatcher.rosters.file.data import RosterFile
from dispatcher.rosters.file.describe import NOUNS, describe, describe_all
from dispatcher.rosters.file.export import DATA_ENTITIES, data_version, export_roster_file
from dispatcher.rosters.file.read import load_roster_file
from dispatcher.rosters.models import (
    Agency,
    Officer,
    Partner,
    Person,
    Region,
    Roster,
    RosterUpload,
)

# What an undo deletes first: officers, then agencies, regions, rosters and people.
_MODELS: dict[str, type[Any]] = {
    "officers": Officer,
    "agencies": Agency,
    "regions": Region,
    "partners": Partner,
    "rosters": Roster,
    "people": Person,
}


@dataclass(frozen=True)
class Preview:
    """What a file would change, and what it would undo if it is older than the data.

    ``lines``: the change list. ``version``: the data version now (the confirmation
    posts it back, so a change made meanwhile is noticed). ``since``: the changes logged
    after the file's version, by name (empty when the file is current or unversioned).
    ``lost``: the lines of the change list that touch those changed entities.
    """

    source: str
    lines: list[str]
    file_version: int
    version: int
    since: list[str]
    lost: list[str]

    @property
    def stale(self) -> bool:
        """True when the file was exported before the data's last change."""
        return bool(self.since)


def preview_upload(session: Session, data: RosterFile, auditor: Auditor) -> Preview:
    """Check ``data`` and describe what applying it would do; nothing is written.

    Raises RosterFileError (a ValidationError) listing every problem.
    """
    version = data_version(session)
    savepoint = session.begin_nested()
    try:
        summary = apply_roster_file(session, data, auditor)
    finally:
        savepoint.rollback()
    since_entries = _changes_since(session, data.version) if data.version else []
    touched = {(e.entity, e.entity_id) for e in since_entries}
    lost = [
        line
        for change in summary.changes
        if (NOUNS[change.entity], change.item_id) in touched
        for line in describe(change)
    ]
    return Preview(
        source=data.source,
        lines=describe_all(summary.changes),
        file_version=data.version,
        version=version,
        since=[_said(session, e) for e in since_entries],
        lost=lost,
    )


def apply_upload(session: Session, data: RosterFile, auditor: Auditor) -> ApplySummary:
    """Apply ``data`` and keep what it replaced, so that it can be undone (audited)."""
    before = export_roster_file(session)
    summary = apply_roster_file(session, data, auditor)
    session.execute(delete(RosterUpload))
    upload = RosterUpload(
        applied_at=auditor.now,
        actor=auditor.actor,
        source=data.source[:200],
        before=before,
        created=[[c.entity, c.item_id] for c in summary.changes if c.old is None],
        version_after=data_version(session),
    )
    session.add(upload)
    session.flush()
    changes = len(summary.changes)
    auditor.record(
        session,
        "import",
        "roster_file",
        upload.id,
        None,
        {"from": upload.source, "changes": changes},
    )
    return summary


def last_upload(session: Session) -> RosterUpload | None:
    """The last upload, if it has not been undone."""
    query = select(RosterUpload).where(RosterUpload.undone_at.is_(None))
    return session.scalars(query.order_by(RosterUpload.id.desc()).limit(1)).one_or_none()


def undo_last_upload(
    session: Session, auditor: Auditor, *, region: str, hotline: str
) -> RosterUpload:
    """Put the data back as it was before the last upload (audited); return the upload.

    Raises NotFound when there is nothing to undo, and Conflict naming the changes made
    since the upload (an undo would lose them).
    """
    upload = last_upload(session)
    if upload is None:
        raise NotFound("there is no upload to undo")
    since = _changes_since(session, upload.version_after)
    if since:
        names = "; ".join(_said(session, e) for e in since)
        raise Conflict(f"the data changed after the upload ({names}); undoing it would lose that")
    for entity in _MODELS:
        for kind, item_id in upload.created:
            item = session.get(_MODELS[entity], item_id) if kind == entity else None
            if item is not None:
                auditor.record(session, "delete", NOUNS[entity], item_id, {"name": item.name}, None)
                session.delete(item)
    session.flush()
    data = load_roster_file(
        upload.before, name="the data before the upload", region=region, hotline=hotline
    )
    if data.errors:
        raise ValidationError("; ".join(data.errors))
    apply_roster_file(session, data, auditor)
    upload.undone_at, upload.before = auditor.now, ""
    auditor.record(session, "undo", "roster_file", upload.id, None, {"from": upload.source})
    session.flush()
    return upload


def _changes_since(session: Session, version: int) -> list[AuditEntry]:
    """The changes to people, rosters, agencies and officers logged after ``version``."""
    query = select(AuditEntry).where(
        AuditEntry.id > version,
        AuditEntry.entity.in_(DATA_ENTITIES),
        AuditEntry.action != "export",
    )
    return list(session.scalars(query.order_by(AuditEntry.id)))


def _said(session: Session, entry: AuditEntry) -> str:
    """``coord@coalition.test updated roster Advocates (Tue 10 Mar 12:00 UTC)``."""
    name = _entity_name(session, entry)
    verb = {"create": "created", "update": "updated", "delete": "deleted"}.get(
        entry.action, entry.action
    )
    return f"{entry.actor} {verb} {entry.entity} {name} ({entry.at:%a %d %b %H:%M} UTC)"


def _entity_name(session: Session, entry: AuditEntry) -> str:
    """The entity's name now, or as the log recorded it, or its id."""
    model = {NOUNS[k]: m for k, m in _MODELS.items()}.get(entry.entity)
    item = session.get(model, entry.entity_id) if model and entry.entity_id else None
    if item is not None:
        return str(item.name)
    for table in (entry.new, entry.old):
        if table and table.get("name"):
            return str(table["name"])
    return f"#{entry.entity_id}"
