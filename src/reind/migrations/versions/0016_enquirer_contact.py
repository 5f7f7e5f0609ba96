"""The enquirer's name and contact on an enquiry (issue 16: the desk calls people back).

Revision ID: 0016_enquirer_contact
Revises: 0012_report_acceptance
Create Date: 2026-12-06

Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0016_enquirer_contact"
down_revision: str | None = "0012_report_acceptance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add who asked and how to reach them; empty for the enquiries already stored."""
    with op.batch_alter_table("enquiries") as batch:
        batch.add_column(
            sa.Column("enquirer_name", sa.String(200), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("enquirer_contact", sa.String(200), nullable=False, server_default="")
        )


def downgrade() -> None:
    """Drop the enquirer's name and contact."""
    with op.batch_alter_table("enquiries") as batch:
        batch.drop_column("enquirer_contact")
        batch.drop_column("enquirer_name")
