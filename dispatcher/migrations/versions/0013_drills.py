"""Drills: the drills table and requests.drill (a drill's request, kept out of the call log)

Revision ID: 0013_drills
Revises: 0012_care
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dispatcher.db

revision = "0013_drills"
down_revision = "0012_care"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("drill", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "drills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("window_end", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("due_at", dispatcher.db.UTCDateTime(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("started_at", dispatcher.db.UTCDateTime(), nullable=True),
        sa.Column("ended_at", dispatcher.db.UTCDateTime(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("seconds_to_accept", sa.Integer(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["accepted_by_id"], ["people.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["roster_id"], ["rosters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.create_index("ix_drills_due", ["state", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.drop_index("ix_drills_due")
    op.drop_table("drills")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("drill")
