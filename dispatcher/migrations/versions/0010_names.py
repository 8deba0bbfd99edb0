"""incidents -> requests, needs.incident_id -> needs.request_id: one word for the domain object

The rows stay where they are: the table and column are renamed in place (SQLite rewrites
the references in ``needs`` itself), never copied, so no cascade can fire. PostgreSQL also
renames the constraints and the id sequence to follow the naming convention; SQLite keeps
constraint names only in each table's CREATE text, which is edited in place (writable_schema)
because rebuilding ``requests`` or ``needs`` would cascade-delete their children.

Revision ID: 0010_names
Revises: 0009_grammar
"""

from __future__ import annotations

from alembic import op

revision = "0010_names"
down_revision = "0009_grammar"
branch_labels = None
depends_on = None

# (table after the rename, old name, new name), for PostgreSQL's RENAME CONSTRAINT.
CONSTRAINTS = [
    ("requests", "pk_incidents", "pk_requests"),
    ("requests", "uq_incidents_code", "uq_requests_code"),
    ("requests", "fk_incidents_agency_id_agencies", "fk_requests_agency_id_agencies"),
    ("requests", "fk_incidents_officer_id_officers", "fk_requests_officer_id_officers"),
    ("needs", "fk_needs_incident_id_incidents", "fk_needs_request_id_requests"),
]


def upgrade() -> None:
    """Rename the table, the column, the index, and (PostgreSQL) constraints and sequence."""
    op.drop_index("ix_incidents_open", table_name="incidents")
    op.execute("ALTER TABLE incidents RENAME TO requests")
    op.execute("ALTER TABLE needs RENAME COLUMN incident_id TO request_id")
    op.create_index("ix_requests_open", "requests", ["status", "last_activity_at"])
    _rename_constraints(forward=True)


def downgrade() -> None:
    """Give the table, column, index, constraints and sequence their old names back."""
    _rename_constraints(forward=False)
    op.drop_index("ix_requests_open", table_name="requests")
    op.execute("ALTER TABLE needs RENAME COLUMN request_id TO incident_id")
    op.execute("ALTER TABLE requests RENAME TO incidents")
    op.create_index("ix_incidents_open", "incidents", ["status", "last_activity_at"])


def _rename_constraints(forward: bool) -> None:
    """Constraint names forward (to requests) or back, on whichever database this is."""
    pairs = [(table, old, new) if forward else (table, new, old) for table, old, new in CONSTRAINTS]
    if op.get_bind().dialect.name == "postgresql":
        _rename_postgres(pairs, forward)
    else:
        _rename_sqlite(pairs)


def _rename_postgres(pairs: list[tuple[str, str, str]], forward: bool) -> None:
    """RENAME CONSTRAINT for each pair, and the id sequence."""
    for table, src, dst in pairs:
        op.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {src} TO {dst}")
    src, dst = ("incidents", "requests") if forward else ("requests", "incidents")
    op.execute(f"ALTER SEQUENCE IF EXISTS {src}_id_seq RENAME TO {dst}_id_seq")


def _rename_sqlite(pairs: list[tuple[str, str, str]]) -> None:
    """Edit the names inside the tables' CREATE text, then make SQLite reread its schema."""
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    for table, src, dst in pairs:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = ?",
            (f"CONSTRAINT {src} ", f"CONSTRAINT {dst} ", table),
        )
    bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")
