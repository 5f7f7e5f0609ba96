"""Indexes for the progress report's approvals: by application, and applications by scheme.

Revision ID: 0007_report_approvals
Revises: 0006_sign_in_attempts
Create Date: 2026-11-24

Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007_report_approvals"
down_revision: str | None = "0006_sign_in_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the two covering indexes.

    The report computes each scheme's approvals in one statement
    (docs/decisions/0076-report-benchmark.md). For the smaller schemes (BUD
    Fund, RTTP: a tenth of a million-application portfolio each) the planner
    then walks that scheme's applications in id order and looks up each one's
    approval, reading only these two indexes: 0.5 s a scheme instead of
    1.3 s with the single-column indexes and the heap on the bench. Partial
    like ``ix_ledger_entries_approved_at``, so joins on one application's
    entries keep using the plain application_id index.
    """
    op.create_index(
        "ix_ledger_entries_approved_by_application",
        "ledger_entries",
        ["application_id", "recorded_at", "amount_cents"],
        sqlite_where=sa.text("movement = 'approved'"),
        postgresql_where=sa.text("movement = 'approved'"),
    )
    op.create_index(
        "ix_applications_scheme_id",
        "applications",
        ["scheme", "id", "enterprise_id"],
    )


def downgrade() -> None:
    """Drop the two indexes."""
    op.drop_index("ix_applications_scheme_id", table_name="applications")
    op.drop_index("ix_ledger_entries_approved_by_application", table_name="ledger_entries")
