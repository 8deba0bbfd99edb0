"""Shift reminders, gap reports and shift offers: people.remind_hours, rosters.handoff_notice,
shift_reminders, gap_reports, shift_offers

Revision ID: 0012_shifts
Revises: 0012_partners
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dispatcher.db import UTCDateTime

revision = "0012_shifts"
down_revision = "0012_partners"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("remind_hours", sa.Integer(), server_default="2", nullable=False)
        )
    with op.batch_alter_table("rosters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("handoff_notice", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "shift_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("shift_start", UTCDateTime(), nullable=False),
        sa.Column("shift_end", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["roster_id"], ["rosters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "roster_id", "kind", "shift_start"),
    )
    op.create_index("ix_shift_reminders_due", "shift_reminders", ["state", "due_at"])
    op.create_table(
        "shift_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("from_person_id", sa.Integer(), nullable=False),
        sa.Column("to_person_id", sa.Integer(), nullable=True),
        sa.Column("taker_id", sa.Integer(), nullable=True),
        sa.Column("shift_start", UTCDateTime(), nullable=False),
        sa.Column("shift_end", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["roster_id"], ["rosters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["from_person_id"], ["people.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["to_person_id"], ["people.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["taker_id"], ["people.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_shift_offers_open", "shift_offers", ["state", "expires_at"])
    op.create_table(
        "gap_reports",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade() -> None:
    op.drop_index("ix_shift_offers_open", table_name="shift_offers")
    op.drop_table("shift_offers")
    op.drop_table("gap_reports")
    op.drop_index("ix_shift_reminders_due", table_name="shift_reminders")
    op.drop_table("shift_reminders")
    with op.batch_alter_table("rosters", schema=None) as batch_op:
        batch_op.drop_column("handoff_notice")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("remind_hours")
