"""Failed sign-ins per e-mail address, so guessing passwords is throttled across workers.

Revision ID: 0006_sign_in_attempts
Revises: 0005_funded_lines
Create Date: 2026-11-24

Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006_sign_in_attempts"
down_revision: str | None = "0005_funded_lines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``sign_in_attempts``."""
    op.create_table(
        "sign_in_attempts",
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("address"),
    )


def downgrade() -> None:
    """Drop ``sign_in_attempts``."""
    op.drop_table("sign_in_attempts")
