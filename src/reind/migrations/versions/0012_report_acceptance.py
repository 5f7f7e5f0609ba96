"""Reports are accepted by an officer: who submitted one, who accepted it and when.

Revision ID: 0012_report_acceptance
Revises: 0012_governance
Create Date: 2026-12-06

RFS pays on completion: milestones achieved and the completion (final)
report accepted. Kept by hand, like 0002.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_report_acceptance"
down_revision: str | None = "0012_governance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Three nullable columns on ``progress_reports``."""
    with op.batch_alter_table("progress_reports") as batch:
        batch.add_column(sa.Column("submitted_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("accepted_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("accepted_by", sa.String(64), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("progress_reports") as batch:
        batch.drop_column("accepted_by")
        batch.drop_column("accepted_on")
        batch.drop_column("submitted_by")
