"""Migration 0012_lists on both databases: languages and skills become known keys."""

from __future__ import annotations

import json

import sqlalchemy as sa

from dispatcher.db import upgrade_database
from tests.test_migration_calllog import downgrade_database, fresh_url  # noqa: F401

PEOPLE = [
    ("Ana Ruiz", "+12625550101", ["EN", "Spanish", "es"], ["Juvenile", "trauma"]),
    ("Ben Okafor", "+12625550102", ["klingon"], []),
    ("Cruz Lee", "+12625550103", ["vi"], ["juvenile"]),
]


def test_stored_languages_and_skills_become_the_keys_they_name(fresh_url: str) -> None:  # noqa: F811
    upgrade_database(fresh_url, "0011_lang")
    engine = sa.create_engine(fresh_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO people (name, phone, languages, skills, coordinator, active,"
                " opted_out) VALUES (:name, :phone, :languages, :skills, false, true, false)"
            ),
            [
                {"name": n, "phone": p, "languages": json.dumps(a), "skills": json.dumps(b)}
                for n, p, a, b in PEOPLE
            ],
        )
    engine.dispose()
    upgrade_database(fresh_url)
    engine = sa.create_engine(fresh_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT name, languages, skills FROM people ORDER BY name"))
        stored = {name: (_list(languages), _list(skills)) for name, languages, skills in rows}
    engine.dispose()
    assert stored == {
        "Ana Ruiz": (["en", "es"], ["juvenile"]),
        "Ben Okafor": ([], []),
        "Cruz Lee": (["vi"], ["juvenile"]),
    }


def _list(value: object) -> object:
    """A JSON column as read without the ORM: text on SQLite, a list on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value
