"""Safety check-ins and debriefs: the checkins and debriefs tables, rosters.checkin_seconds,
people.duress_hash, requests.services, and the call log's check-in counts and services

Revision ID: 0012_care
Revises: 0011_lang
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dispatcher.db

revision = "0012_care"
down_revision = "0012_voice"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("started_at", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("last_at", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("due_at", dispatcher.db.UTCDateTime(), nullable=True),
        sa.Column("ended_at", dispatcher.db.UTCDateTime(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("missed", sa.Integer(), nullable=False),
        sa.Column("alarms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["need_id"], ["needs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("need_id"),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index("ix_checkins_due", ["state", "due_at"], unique=False)
    op.create_table(
        "debriefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("asked_at", dispatcher.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "code"),
    )
    with op.batch_alter_table("debriefs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_debriefs_asked_at"), ["asked_at"], unique=False)
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("services", sa.JSON(), server_default="[]", nullable=False))
    with op.batch_alter_table("rosters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("checkin_seconds", sa.Integer(), server_default="2700", nullable=False)
        )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duress_hash", sa.String(length=200), nullable=True))
    with op.batch_alter_table("call_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("checkins", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("checkin_alerts", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("services", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("call_log", schema=None) as batch_op:
        batch_op.drop_column("services")
        batch_op.drop_column("checkin_alerts")
        batch_op.drop_column("checkins")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("duress_hash")
    with op.batch_alter_table("rosters", schema=None) as batch_op:
        batch_op.drop_column("checkin_seconds")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("services")
    with op.batch_alter_table("debriefs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_debriefs_asked_at"))
    op.drop_table("debriefs")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_checkins_due")
    op.drop_table("checkins")
