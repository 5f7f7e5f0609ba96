"""The plant's own append-only, hash-chained command log.

Revision ID: 0013_plant_command_log
Revises: 0012_bulk_import_register
Create Date: 2026-12-06

Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0013_plant_command_log"
down_revision: str | None = "0012_bulk_import_register"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``plant_command_log``."""
    op.create_table(
        "plant_command_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("line_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=400), nullable=False),
        sa.Column("action", sa.String(length=200), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_plant_command_log")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_plant_command_log_prev_hash")),
        sa.UniqueConstraint("hash", name=op.f("uq_plant_command_log_hash")),
    )
    op.create_index(
        op.f("ix_plant_command_log_line_id"), "plant_command_log", ["line_id"], unique=False
    )


def downgrade() -> None:
    """Drop ``plant_command_log``."""
    op.drop_index(op.f("ix_plant_command_log_line_id"), table_name="plant_command_log")
    op.drop_table("plant_command_log")
