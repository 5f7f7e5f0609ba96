"""The programme's rules of governance: who submitted and who paid a claim, voided scores, quorum.

Revision ID: 0012_governance
Revises: 0013_browser_sessions (landed first; one line of history)
Create Date: 2026-12-06

Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_governance"
down_revision: str | None = "0013_browser_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Claims record their submitter, payments their payer (the two-person rule); a score
    voided by a later conflict is kept and marked; each committee has its quorum."""
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("submitted_by", sa.String(64), nullable=True))
    with op.batch_alter_table("disbursements") as batch:
        batch.add_column(sa.Column("paid_by", sa.String(64), nullable=True))
    with op.batch_alter_table("assessment_scores") as batch:
        batch.add_column(
            sa.Column("voided", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("committees") as batch:
        batch.add_column(sa.Column("quorum", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    """Drop the four columns."""
    with op.batch_alter_table("committees") as batch:
        batch.drop_column("quorum")
    with op.batch_alter_table("assessment_scores") as batch:
        batch.drop_column("voided")
    with op.batch_alter_table("disbursements") as batch:
        batch.drop_column("paid_by")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("submitted_by")
