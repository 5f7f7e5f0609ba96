"""Enterprises indexed by id with ``manufacturing``: the report reads approvals from indexes.

Revision ID: 0055_report_enterprise_index
Revises: 0048_report_data_version
Create Date: 2026-12-07

Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

from alembic import op

revision: str = "0055_report_enterprise_index"
down_revision: str | None = "0048_report_data_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ix_enterprises_id_manufacturing`` (issue 16, the report's first view after a write).

    The progress report's BUD Fund and EMF figures keep only approvals of
    manufacturing enterprises. SQLite walks the scheme's applications
    (``ix_applications_scheme_id``) and looks up each one's enterprise: by
    the primary key's index, then the table row for ``manufacturing``. With
    this index the lookup is index-only: the EMF pass over the seed's
    113,000 in-term approvals took 210-230 ms instead of 430-440 ms (CPU,
    quiet machine). PostgreSQL hashes the 32,000 enterprises and leaves it
    unused; it costs one small index entry per enterprise written.
    """
    op.create_index("ix_enterprises_id_manufacturing", "enterprises", ["id", "manufacturing"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_enterprises_id_manufacturing", table_name="enterprises")
