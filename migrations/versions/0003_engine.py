"""engine: failure reasons, message parts, copies tied to their outbox row

Revision ID: 0003_engine
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_engine"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("failure", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("provider_copies") as batch:
        batch.add_column(sa.Column("outbox_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("provider_copies") as batch:
        batch.drop_column("outbox_id")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("parts_sent")
        batch.drop_column("failure")
