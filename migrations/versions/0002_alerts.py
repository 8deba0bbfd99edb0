"""operational alerts

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dispatcher.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("unreported", sa.Integer(), nullable=False),
        sa.Column("first_at", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("last_at", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("reported_at", dispatcher.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_alerts")),
    )


def downgrade() -> None:
    op.drop_table("alerts")
