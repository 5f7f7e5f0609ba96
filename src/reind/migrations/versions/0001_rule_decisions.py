"""Stored rule decisions, so any of them can be recomputed later.

Revision ID: 0001_rule_decisions
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001_rule_decisions"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``rule_decisions``."""
    op.create_table(
        "rule_decisions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("scheme", sa.String(32), nullable=False, index=True),
        sa.Column("as_at", sa.Date, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop ``rule_decisions``."""
    op.drop_table("rule_decisions")
