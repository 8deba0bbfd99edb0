"""people.language, officers.language, outbox.language: texts in the reader's language

Revision ID: 0011_lang
Revises: 0010_names
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_lang"
down_revision = "0010_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), server_default="en", nullable=False)
        )
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), server_default="en", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("language")
