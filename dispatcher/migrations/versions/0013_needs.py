"""Kinds of need are configuration: the need_kinds table seeded with the three built-in
needs, and the call log's outcomes of configured needs (in its counting index)

Revision ID: 0013_needs
Revises: 0012_care
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_needs"
down_revision = "0013_drills"
branch_labels = None
depends_on = None

COUNTS_INDEX = ["opened_hour", "advocate", "room", "ride", "time_to_accept", "accepted_member_id"]
# The built-in needs as ``rosters.needkinds.DEFAULT_NEEDS`` had them when this was written.
ROOM_EN = [
    "room", "rooms", "hotel", "hotels", "motel", "lodging", "shelter", "bed", "housing", "hsg",
    "htl", "hotle", "hotal", "motle", "shleter", "sheltr", "place to stay", "place to sleep",
    "somewhere to stay", "nowhere to stay", "no place to stay",
]  # fmt: skip
ROOM_ES = [
    "habitacion", "habitaciones", "cuarto", "refugio", "albergue", "alojamiento", "hospedaje",
    "donde quedarse", "sin donde quedarse",
]  # fmt: skip
RIDE_EN = [
    "ride", "rides", "transport", "transportation", "transpo", "tranport", "drive", "driver",
    "car", "lift",
]  # fmt: skip
RIDE_ES = ["transporte", "aventon", "llevar", "llevarla", "llevarlo", "raite"]
SEED = [
    {
        "key": "advocate", "position": 0, "roster_kind": "advocate", "role": "advocate",
        "labels": {"en": "an advocate", "es": "una persona intercesora"}, "words": {},
        "learns": ["words"], "in_person": True,
    },
    {
        "key": "room", "position": 1, "roster_kind": "hotel", "role": "hotel",
        "labels": {"en": "a room", "es": "un cuarto"}, "words": {"en": ROOM_EN, "es": ROOM_ES},
        "learns": [], "in_person": False,
    },
    {
        "key": "ride", "position": 2, "roster_kind": "ride", "role": "driver",
        "labels": {"en": "a ride", "es": "transporte"}, "words": {"en": RIDE_EN, "es": RIDE_ES},
        "learns": [], "in_person": True,
    },
]  # fmt: skip


def upgrade() -> None:
    need_kinds = op.create_table(
        "need_kinds",
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("roster_kind", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("learns", sa.JSON(), nullable=False),
        sa.Column("in_person", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.bulk_insert(need_kinds, SEED)
    with op.batch_alter_table("call_log", schema=None) as batch:
        batch.add_column(sa.Column("more_needs", sa.String(length=240), nullable=True))
        batch.drop_index("ix_call_log_counts")
        batch.create_index("ix_call_log_counts", [*COUNTS_INDEX, "more_needs"])


def downgrade() -> None:
    with op.batch_alter_table("call_log", schema=None) as batch:
        batch.drop_index("ix_call_log_counts")
        batch.create_index("ix_call_log_counts", COUNTS_INDEX)
        batch.drop_column("more_needs")
    op.drop_table("need_kinds")
