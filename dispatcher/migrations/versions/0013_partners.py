"""partners: organisations with contacts, an address and a monthly pledge; their monthly
ledger; what a need requires of a partner (a car seat, a wheelchair)

Revision ID: 0013_partners
Revises: 0012_care
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_partners"
down_revision = "0013_needs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("need", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=300), server_default="", nullable=False),
        sa.Column("pledge", sa.Integer(), server_default="0", nullable=False),
        sa.Column("unit_value", sa.Integer(), nullable=True),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("name", name=op.f("uq_partners_name")),
    )
    op.create_table(
        "partner_contacts",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_contacts_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_partner_contacts_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", "person_id", name=op.f("pk_partner_contacts")),
        sa.UniqueConstraint("person_id", name=op.f("uq_partner_contacts_person_id")),
    )
    op.create_table(
        "partner_months",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("pledged", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("declined", sa.Integer(), nullable=False),
        sa.Column("unanswered", sa.Integer(), nullable=False),
        sa.Column("alerted", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_months_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", "month", name=op.f("pk_partner_months")),
    )
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requires", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_column("requires")
    op.drop_table("partner_months")
    op.drop_table("partner_contacts")
    op.drop_table("partners")
