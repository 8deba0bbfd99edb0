"""shift_history and shift_ledgers: who was actually on call, written as it happens;
roster_uploads: the last roster file applied, to undo it

Revision ID: 0012_history
Revises: 0012_calendars
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dispatcher.db import UTCDateTime

revision = "0012_history"
down_revision = "0012_calendars"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shift_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_shift_history_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["rosters.id"],
            name=op.f("fk_shift_history_roster_id_rosters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_history")),
        sa.UniqueConstraint(
            "roster_id", "person_id", "starts_at", name=op.f("uq_shift_history_roster_id")
        ),
    )
    with op.batch_alter_table("shift_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shift_history_roster_id"), ["roster_id"], unique=False
        )
    op.create_table(
        "shift_ledgers",
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["rosters.id"],
            name=op.f("fk_shift_ledgers_roster_id_rosters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("roster_id", name=op.f("pk_shift_ledgers")),
    )
    with op.batch_alter_table("shift_ledgers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shift_ledgers_due_at"), ["due_at"], unique=False)
    op.create_table(
        "roster_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("created", sa.JSON(), nullable=False),
        sa.Column("version_after", sa.Integer(), nullable=False),
        sa.Column("undone_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_uploads")),
    )


def downgrade() -> None:
    op.drop_table("roster_uploads")
    with op.batch_alter_table("shift_ledgers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shift_ledgers_due_at"))
    op.drop_table("shift_ledgers")
    with op.batch_alter_table("shift_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shift_history_roster_id"))
    op.drop_table("shift_history")
