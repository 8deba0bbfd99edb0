"""regions: agencies belong to one, rosters serve some, mutual-aid steps call on one

Revision ID: 0012_partners
Revises: 0012_lists
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_partners"
down_revision = "0012_lists"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regions")),
        sa.UniqueConstraint("name", name=op.f("uq_regions_name")),
    )
    op.create_table(
        "roster_regions",
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_roster_regions_region_id_regions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["rosters.id"],
            name=op.f("fk_roster_regions_roster_id_rosters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("roster_id", "region_id", name=op.f("pk_roster_regions")),
    )
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_agencies_region_id_regions"), "regions", ["region_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("escalation_steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_escalation_steps_region_id_regions"),
            "regions",
            ["region_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("call_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mutual_aid", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("call_log", schema=None) as batch_op:
        batch_op.drop_column("mutual_aid")
    with op.batch_alter_table("escalation_steps", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_escalation_steps_region_id_regions"), type_="foreignkey")
        batch_op.drop_column("region_id")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_agencies_region_id_regions"), type_="foreignkey")
        batch_op.drop_column("region_id")
    op.drop_table("roster_regions")
    op.drop_table("regions")
