"""PostgreSQL: each project ledger's grant approved, read with its key alone (issue 16).

Revision ID: 0057_ledger_approved_covering
Revises: 0055_report_enterprise_index
Create Date: 2026-12-07

Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

from alembic import op

revision: str = "0057_ledger_approved_covering"
down_revision: str | None = "0055_report_enterprise_index"
branch_labels = None
depends_on = None

INDEX = "ix_project_ledgers_id_approved"


def upgrade() -> None:
    """Create ``ix_project_ledgers_id_approved`` on PostgreSQL: the key, with ``approved_cents``.

    Finance's "Project ledgers" searched ("food") counts its first 1,001
    matches: PostgreSQL finds the applications, then looks up each one's
    ledger to keep those with a grant (``approved_cents > 0``). By the
    primary key that is a read of the ledger's table row for each; with
    ``approved_cents`` in this index it is index-only: the count took 18-24 ms
    instead of 35-46 ms at 1M applications (8 µs against 27 µs a ledger).
    SQLite is left as it was: its plans are steered by hand and it keeps no
    statistics, so a second index on the key could change them.
    """
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            INDEX,
            "project_ledgers",
            ["application_id"],
            postgresql_include=["approved_cents"],
        )


def downgrade() -> None:
    """Drop the index (PostgreSQL)."""
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(INDEX, table_name="project_ledgers")
