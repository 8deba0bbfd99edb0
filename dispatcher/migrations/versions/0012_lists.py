"""people.languages and people.skills hold only known values (language codes, skills)

Revision ID: 0012_lists
Revises: 0011_lang

Languages and skills are now chosen from lists. Stored entries are rewritten as the keys
they name ("Spanish" and "ES" become "es"); an entry that names nothing known is dropped:
no request could ever have matched it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_lists"
down_revision = "0011_lang"
branch_labels = None
depends_on = None

# The lists as this revision knows them (later changes to the lists do not rewrite history).
SPOKEN = {
    "en": "English", "es": "Spanish", "fr": "French", "vi": "Vietnamese", "hmn": "Hmong",
    "ar": "Arabic", "so": "Somali", "zh": "Chinese", "pt": "Portuguese", "ru": "Russian",
    "ko": "Korean", "tl": "Tagalog", "asl": "ASL", "ht": "Haitian Creole", "uk": "Ukrainian",
}  # fmt: skip
SKILLS = {"juvenile": "Juvenile-trained"}
PEOPLE = sa.table(
    "people",
    sa.column("id", sa.Integer),
    sa.column("languages", sa.JSON),
    sa.column("skills", sa.JSON),
)


def normalised(words: list[str], values: dict[str, str]) -> list[str]:
    """The words that name a value (by key or name, any case) as keys, each once."""
    by_word = {k.lower(): k for k in values} | {n.lower(): k for k, n in values.items()}
    keys = (by_word.get(str(word).strip().lower()) for word in words)
    return list(dict.fromkeys(key for key in keys if key))


def upgrade() -> None:
    connection = op.get_bind()
    for row in connection.execute(sa.select(PEOPLE)).all():
        languages = normalised(row.languages or [], SPOKEN)
        skills = normalised(row.skills or [], SKILLS)
        if (languages, skills) != (row.languages or [], row.skills or []):
            connection.execute(
                PEOPLE.update()
                .where(PEOPLE.c.id == row.id)
                .values(languages=languages, skills=skills)
            )


def downgrade() -> None:
    """Nothing to undo: the kept values are what they were, written as keys."""
