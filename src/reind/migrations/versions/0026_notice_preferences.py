"""Notice preferences per user, and the register of due notices sent (issue 16).

Revision ID: 0026_notice_preferences
Revises: 0016_full_text_search
Create Date: 2026-12-06

``notice_preferences`` keeps a user's choice per kind of notice (a missing
row means "send it"); ``due_notices`` keeps each due date notified, unique
per kind, subject and date, so a due date is notified once however often
the job runs (``reind notices due``). Kept by hand, like 0002.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0026_notice_preferences"
down_revision: str | None = "0016_full_text_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create both tables."""
    op.create_table(
        "notice_preferences",
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("email", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "due_notices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("about_type", sa.String(40), nullable=False),
        sa.Column("about_id", sa.String(64), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.UniqueConstraint("kind", "about_type", "about_id", "due_on", name="uq_due_notice_once"),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("due_notices")
    op.drop_table("notice_preferences")
