"""Open shifts and shared rate limits: the signups and open_slots tables, and rate_windows
(requests per key per minute, counted in the database)

Revision ID: 0013_openshifts
Revises: 0012_care
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dispatcher.db


revision = "0013_openshifts"
down_revision = "0013_partners"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_windows",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("window_start", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_rate_windows")),
    )
    op.create_table(
        "signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("deadline", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("reminded_at", dispatcher.db.UTCDateTime(), nullable=True),
        sa.Column("closed_at", dispatcher.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["rosters.id"],
            name=op.f("fk_signups_roster_id_rosters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signups")),
    )
    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.create_index("ix_signups_open", ["state", "deadline"], unique=False)

    op.create_table(
        "open_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signup_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("start", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("end", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("taker_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", dispatcher.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["signup_id"],
            ["signups.id"],
            name=op.f("fk_open_slots_signup_id_signups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["taker_id"],
            ["people.id"],
            name=op.f("fk_open_slots_taker_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_slots")),
        sa.UniqueConstraint("signup_id", "start", name=op.f("uq_open_slots_signup_id")),
    )
    with op.batch_alter_table("open_slots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open_slots_taker_id"), ["taker_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("open_slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_slots_taker_id"))

    op.drop_table("open_slots")
    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.drop_index("ix_signups_open")

    op.drop_table("signups")
    op.drop_table("rate_windows")
