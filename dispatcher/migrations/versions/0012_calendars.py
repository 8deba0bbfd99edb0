"""calendar_feeds (revocable iCal feeds); trainings and their notices; API tokens

Revision ID: 0012_calendars
Revises: 0012_shifts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dispatcher.db

revision = "0012_calendars"
down_revision = "0012_shifts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("roster_id", sa.Integer(), nullable=True),
        sa.Column("created_at", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", dispatcher.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(person_id IS NULL) <> (roster_id IS NULL)",
            name=op.f("ck_calendar_feeds_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_calendar_feeds_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["rosters.id"],
            name=op.f("fk_calendar_feeds_roster_id_rosters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("public_id", name=op.f("uq_calendar_feeds_public_id")),
    )
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_feeds_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_calendar_feeds_roster_id"), ["roster_id"], unique=False
        )


    op.create_table(
        "trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("completed", sa.Date(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_trainings_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainings")),
        sa.UniqueConstraint("person_id", "name", name=op.f("uq_trainings_person_id")),
    )
    op.create_table(
        "training_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=False),
        sa.Column("sent_at", dispatcher.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["trainings.id"],
            name=op.f("fk_training_notices_training_id_trainings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_notices")),
        sa.UniqueConstraint(
            "training_id", "expires", name=op.f("uq_training_notices_training_id")
        ),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", dispatcher.db.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", dispatcher.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("rosters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requires_training", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("juvenile_training", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rosters", schema=None) as batch_op:
        batch_op.drop_column("juvenile_training")
        batch_op.drop_column("requires_training")
    op.drop_table("api_tokens")
    op.drop_table("training_notices")
    op.drop_table("trainings")
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_feeds_roster_id"))
        batch_op.drop_index(batch_op.f("ix_calendar_feeds_person_id"))
    op.drop_table("calendar_feeds")
