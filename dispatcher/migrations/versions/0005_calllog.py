"""call log: durations as buckets, no accepted or closed hour, need outcomes as columns

Existing rows are converted: each duration in seconds becomes its bucket (under 5, 5-15,
15-30, 30-60, over 60 minutes), each need's seconds to accept too; then the seconds and
the accepted and closed hours are dropped. The reference code becomes optional, so that
it can be forgotten some time after the call.

Revision ID: 0005_calllog
Revises: 0003_engine
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005_calllog"
down_revision = "0003_engine"
branch_labels = None
depends_on = None

# A copy of the buckets as they were when this migration was written (key, upper bound).
BUCKETS = (("0-5", 300), ("5-15", 900), ("15-30", 1800), ("30-60", 3600), ("60+", None))
LOWER_BOUNDS = {"0-5": 0, "5-15": 300, "15-30": 900, "30-60": 1800, "60+": 3600}
NEED_KINDS = ("advocate", "room", "ride")
OLD_COLUMNS = ("seconds_to_first_page", "seconds_to_accept", "seconds_open")
COUNTS_INDEX = (
    "opened_hour",
    "advocate",
    "room",
    "ride",
    "time_to_accept",
    "accepted_member_id",
)


def bucket(seconds: int | None) -> str | None:
    """The bucket key of a duration in seconds (None stays None)."""
    if seconds is None:
        return None
    return next(key for key, upper in BUCKETS if upper is None or seconds < upper)


def call_log(*columns: str) -> sa.TableClause:
    """A light description of the call_log table with ``columns`` (and id, needs)."""
    kinds = {"needs": sa.JSON(), "id": sa.Integer()}
    return sa.table("call_log", *(sa.column(c, kinds.get(c, sa.String())) for c in columns))


def upgrade() -> None:
    with op.batch_alter_table("call_log") as batch:
        batch.alter_column("code", existing_type=sa.String(8), nullable=True)
        for name in ("time_to_first_page", "time_to_accept", "time_open"):
            batch.add_column(sa.Column(name, sa.String(8), nullable=True))
        for kind in NEED_KINDS:
            batch.add_column(sa.Column(kind, sa.String(12), nullable=True))
    convert_rows()
    with op.batch_alter_table("call_log") as batch:
        batch.alter_column("time_open", existing_type=sa.String(8), nullable=False)
        for name in (*OLD_COLUMNS, "accepted_hour", "closed_hour"):
            batch.drop_column(name)
        batch.create_index("ix_call_log_counts", list(COUNTS_INDEX))


def convert_rows() -> None:
    """Fill the buckets and need outcomes of every existing row from its seconds."""
    bind = op.get_bind()
    old = sa.table(
        "call_log",
        sa.column("id", sa.Integer()),
        sa.column("needs", sa.JSON()),
        *(sa.column(name, sa.Integer()) for name in OLD_COLUMNS),
    )
    new = call_log("id", "needs", "time_to_first_page", "time_to_accept", "time_open", *NEED_KINDS)
    for row in bind.execute(sa.select(old)).mappings().all():
        needs = [converted_need(n) for n in row["needs"] or []]
        values: dict[str, Any] = {
            "needs": needs,
            "time_to_first_page": bucket(row["seconds_to_first_page"]),
            "time_to_accept": bucket(row["seconds_to_accept"]),
            "time_open": bucket(row["seconds_open"] or 0),
        }
        values.update({kind: outcome_of(needs, kind) for kind in NEED_KINDS})
        bind.execute(sa.update(new).where(new.c.id == row["id"]).values(**values))


def converted_need(need: dict[str, Any]) -> dict[str, Any]:
    """A logged need with its seconds to accept replaced by a bucket."""
    kept = {key: value for key, value in need.items() if key != "seconds_to_accept"}
    return {**kept, "time_to_accept": bucket(need.get("seconds_to_accept"))}


def outcome_of(needs: list[dict[str, Any]], kind: str) -> str | None:
    """The outcome of the need of ``kind``, or None when it was not asked for."""
    return next((str(n.get("outcome")) for n in needs if n.get("kind") == kind), None)


def downgrade() -> None:
    """Back to seconds and hours: each bucket's lower bound, the opening hour for both hours."""
    with op.batch_alter_table("call_log") as batch:
        batch.drop_index("ix_call_log_counts")
        batch.add_column(sa.Column("accepted_hour", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("closed_hour", sa.DateTime(), nullable=True))
        for name in OLD_COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
    restore_rows()
    with op.batch_alter_table("call_log") as batch:
        batch.alter_column("closed_hour", existing_type=sa.DateTime(), nullable=False)
        batch.alter_column("seconds_open", existing_type=sa.Integer(), nullable=False)
        for name in ("time_to_first_page", "time_to_accept", "time_open", *NEED_KINDS):
            batch.drop_column(name)


def restore_rows() -> None:
    """Fill the old columns from the buckets (the exact seconds are gone for good)."""
    bind = op.get_bind()
    table = sa.table(
        "call_log",
        sa.column("id", sa.Integer()),
        sa.column("opened_hour", sa.DateTime()),
        sa.column("accepted_hour", sa.DateTime()),
        sa.column("closed_hour", sa.DateTime()),
        sa.column("time_to_first_page", sa.String()),
        sa.column("time_to_accept", sa.String()),
        sa.column("time_open", sa.String()),
        *(sa.column(name, sa.Integer()) for name in OLD_COLUMNS),
    )
    for row in bind.execute(sa.select(table)).mappings().all():
        accepted = row["time_to_accept"]
        bind.execute(
            sa.update(table)
            .where(table.c.id == row["id"])
            .values(
                accepted_hour=row["opened_hour"] if accepted else None,
                closed_hour=row["opened_hour"],
                seconds_to_first_page=LOWER_BOUNDS.get(row["time_to_first_page"] or ""),
                seconds_to_accept=LOWER_BOUNDS.get(accepted or ""),
                seconds_open=LOWER_BOUNDS.get(row["time_open"], 0),
            )
        )
