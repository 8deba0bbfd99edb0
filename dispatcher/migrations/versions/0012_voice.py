"""people.channels, rosters.voice_after_seconds, pages.follow_up_at, outbox.channel,
needs.held_until: voice pages and calls routed live to advocates

Revision ID: 0012_voice
Revises: 0012_history
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dispatcher.db import UTCDateTime

revision = "0012_voice"
down_revision = "0012_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channels", sa.String(length=16), server_default="sms", nullable=False)
        )
    with op.batch_alter_table("rosters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voice_after_seconds", sa.Integer(), nullable=True))
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=8), server_default="sms", nullable=False)
        )
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_until", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_column("held_until")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("channel")
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_column("follow_up_at")
    with op.batch_alter_table("rosters", schema=None) as batch_op:
        batch_op.drop_column("voice_after_seconds")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("channels")
