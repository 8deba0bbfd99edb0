"""incidents.progress_sent_at ("still paging" texts); agencies.enrollment, officers.pending

Revision ID: 0009_grammar
Revises: 0008_ops
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dispatcher.db

revision = "0009_grammar"
down_revision = "0008_ops"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("progress_sent_at", dispatcher.db.UTCDateTime(), nullable=True)
        )

    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("enrollment", sa.String(length=10), server_default="open", nullable=False)
        )
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pending", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.drop_column("pending")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("enrollment")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("progress_sent_at")
