"""Cases assigned to an officer and to assessors (issues 16 and 13).

Revision ID: 0036_case_assignment
Revises: 0026_notice_preferences
Create Date: 2026-12-06

``applications.assigned_officer`` holds the actor id of the officer who runs
the case, indexed with the reference so an officer's "My cases" is one index
range at any size; ``case_assessors`` holds the assessors of a case, the only
cases an assessor reads. Who assigned whom and why is in the audit chain.
Kept by hand, like 0002.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0036_case_assignment"
down_revision: str | None = "0026_notice_preferences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the officer column and its index, and the assessors table."""
    op.add_column("applications", sa.Column("assigned_officer", sa.String(64), nullable=True))
    op.create_index(
        "ix_applications_assigned_officer", "applications", ["assigned_officer", "reference"]
    )
    op.create_table(
        "case_assessors",
        sa.Column(
            "application_id", sa.String(36), sa.ForeignKey("applications.id"), primary_key=True
        ),
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_case_assessors_person_id", "case_assessors", ["person_id"])


def downgrade() -> None:
    """Drop the assessors table and the officer column."""
    op.drop_index("ix_case_assessors_person_id", table_name="case_assessors")
    op.drop_table("case_assessors")
    op.drop_index("ix_applications_assigned_officer", table_name="applications")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("assigned_officer")
