"""The configured need table in the database, cached per process.

``current`` reads the ``need_kinds`` rows once per database and process, then serves them
from memory; a change made here (``save``) installs the new table when its transaction
commits, and a table older than ``REFRESH`` is read again, so other processes (the
worker, other web workers) see a change within that time. The built-in needs are always
in the table: rows reconfigure them or add needs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from dispatcher.audit import Auditor
from dispatcher.errors import ValidationError
from dispatcher.languages import LANGUAGES
from dispatcher.rosters.contacts import Refused
from dispatcher.rosters.models import NeedKindRow
from dispatcher.rosters.needkinds import (
    DEFAULT_NEEDS,
    NeedSpec,
    NeedTable,
    clashing_words,
    make_need,
    remember,
)

log = logging.getLogger("dispatcher.needs")
REFRESH = 60.0  # seconds a process keeps a table read from the database
_cache: dict[str, tuple[NeedTable, float]] = {}  # by database URL


def current(session: Session) -> NeedTable:
    """The need table of ``session``'s database (from this process's cache when fresh)."""
    engine = _engine(session)
    cached = _cache.get(engine)
    if cached is not None and time.monotonic() - cached[1] < REFRESH:
        return cached[0]
    rows = session.scalars(select(NeedKindRow).order_by(NeedKindRow.position))
    table = DEFAULT_NEEDS.with_needs(spec_of(row) for row in rows)
    _install(engine, table)
    return table


def save(session: Session, table: NeedTable) -> None:
    """Store ``table``; this process uses it once the transaction commits."""
    engine = _engine(session)
    _cache.pop(engine, None)
    session.execute(delete(NeedKindRow))
    session.add_all(row_of(spec, position) for position, spec in enumerate(table.specs))
    session.flush()
    _when_settled(session, engine, table)
    log.info("needs.saved needs=%d", len(table.specs))


def _when_settled(session: Session, engine: str, table: NeedTable) -> None:
    """Install ``table`` when ``session``'s transaction commits; forget the cached one if it
    rolls back. Only the first of the two acts (the other stays a no-op on the session)."""
    settled = [False]

    def committed(_session: Session) -> None:
        if not settled[0]:
            settled[0] = True
            _install(engine, table)

    def rolled_back(_session: Session) -> None:
        if not settled[0]:
            settled[0] = True
            _cache.pop(engine, None)

    event.listen(session, "after_commit", committed, once=True)
    event.listen(session, "after_rollback", rolled_back, once=True)


def change(
    session: Session, specs: Iterable[NeedSpec], auditor: Auditor | None
) -> list[tuple[str, str]]:
    """Add ``specs`` to the stored table (a spec with a key already there replaces it);
    each creation or change is recorded by ``auditor``. Each need's key and outcome
    (``created``, ``updated`` or ``unchanged``)."""
    before = current(session)
    given = list(specs)
    outcomes = [
        (s.key, "created" if before.get(s.key) is None else "unchanged" if before.get(s.key) == s
         else "updated")
        for s in given
    ]  # fmt: skip
    wanted = [spec for spec in given if before.get(spec.key) != spec]
    if not wanted:
        return outcomes
    for spec in wanted:
        old = before.get(spec.key)
        if auditor is not None:
            action = "create" if old is None else "update"
            old_table = _audited(old) if old is not None else None
            auditor.record(session, action, "need", None, old_table, _audited(spec))
    save(session, before.with_needs(wanted))
    return outcomes


def add_need(session: Session, auditor: Auditor, fields: NeedFields) -> NeedSpec:
    """Add a need from a coordinator's form, audited. Refused (naming the form's fields)
    when its key is taken, a field is wrong or an intake word opens another need."""
    table = current(session)
    if table.get(fields.key) is not None:
        raise Refused({"key": "A need has this key already."})
    try:
        spec = make_need(
            fields.key,
            fields.roster_kind,
            fields.labels,
            fields.words,
            role=fields.role,
            learns=fields.learns,
            in_person=fields.in_person,
        )
    except ValidationError as exc:
        raise Refused({_field_of(str(exc)): str(exc)}) from exc
    clashes = [
        problem for key, problem in clashing_words(table.with_needs([spec])) if key == spec.key
    ]
    if clashes:
        raise Refused({"words_en": "; ".join(clashes)})
    change(session, [spec], auditor)
    return spec


@dataclass(frozen=True)
class NeedFields:
    """A need as a form gives it: labels and intake words by language."""

    key: str
    roster_kind: str
    role: str
    labels: dict[str, str]
    words: dict[str, tuple[str, ...]]
    learns: tuple[str, ...]
    in_person: bool


def _field_of(problem: str) -> str:
    """The form field a ``make_need`` problem is about."""
    for prefix, name in (("key", "key"), ("roster", "roster_kind"), ("an English", "label_en")):
        if problem.startswith(prefix):
            return name
    return "words_en" if "word" in problem else "learns" if "learns" in problem else "key"


def need_table(spec: NeedSpec) -> dict[str, Any]:
    """A need as the roster file writes it (``[[needs]]``) and the audit log records it."""
    table: dict[str, Any] = {"key": spec.key, "roster": spec.roster_kind}
    if spec.role != spec.roster_kind:
        table["role"] = spec.role
    table["label"] = dict(spec.labels)
    if spec.words:
        table["words"] = {language: list(words) for language, words in spec.words}
    table["learns"] = list(spec.learns)
    if spec.in_person:
        table["in_person"] = True
    return table


def _audited(spec: NeedSpec) -> dict[str, Any]:
    """A need as the audit log records it: its intake words under ``intake_words`` (the
    audit log withholds anything called ``words``, which elsewhere are an officer's)."""
    table = need_table(spec)
    if "words" in table:
        table["intake_words"] = table.pop("words")
    return table


def forget() -> None:
    """Drop every cached table (the next ``current`` reads the database)."""
    _cache.clear()


def spec_of(row: NeedKindRow) -> NeedSpec:
    """A stored row as a need."""
    return NeedSpec(
        key=row.key,
        roster_kind=row.roster_kind,
        role=row.role,
        labels=tuple((lang, row.labels[lang]) for lang in LANGUAGES if row.labels.get(lang)),
        words=tuple((lang, tuple(row.words[lang])) for lang in LANGUAGES if row.words.get(lang)),
        learns=tuple(row.learns),
        in_person=row.in_person,
    )


def row_of(spec: NeedSpec, position: int) -> NeedKindRow:
    """A need as a row to store at ``position``."""
    return NeedKindRow(
        key=spec.key,
        position=position,
        roster_kind=spec.roster_kind,
        role=spec.role,
        labels=dict(spec.labels),
        words={lang: list(words) for lang, words in spec.words},
        learns=list(spec.learns),
        in_person=spec.in_person,
    )


def _install(engine: str, table: NeedTable) -> None:
    """Keep ``table`` as the current one of the database at URL ``engine``."""
    _cache[engine] = (table, time.monotonic())
    remember(table)


def _engine(session: Session) -> str:
    """The URL of the database behind ``session`` (the cache is per database)."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    return engine.url.render_as_string(hide_password=True)
