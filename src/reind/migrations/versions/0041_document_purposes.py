"""A document may be a claim's evidence or a progress report's attachment (issue 13).

Revision ID: 0041_document_purposes
Revises: 0039_ledgers_by_scheme
Create Date: 2026-12-07

After submission, documents come only through the paths that need them: an
information request (the application's own documents), a claim's evidence, a
progress report's attachment. Two nullable columns say which. Kept by hand, like 0002.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0041_document_purposes"
down_revision: str | None = "0039_ledgers_by_scheme"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Two nullable references on ``documents``."""
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("claim_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("report_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_documents_claim", "claims", ["claim_id"], ["id"])
        batch.create_foreign_key("fk_documents_report", "progress_reports", ["report_id"], ["id"])


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint("fk_documents_report", type_="foreignkey")
        batch.drop_constraint("fk_documents_claim", type_="foreignkey")
        batch.drop_column("report_id")
        batch.drop_column("claim_id")
