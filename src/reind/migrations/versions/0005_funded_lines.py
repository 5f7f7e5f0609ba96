"""Funded production lines and declared baselines: the link from a funded project to its line.

Revision ID: 0005_funded_lines
Revises: 0004_portfolio
Create Date: 2026-11-26

Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005_funded_lines"
down_revision: str | None = "0004_portfolio"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``funded_lines`` and ``declared_baselines``."""
    op.create_table(
        "funded_lines",
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("series_prefix", sa.String(length=200), nullable=False),
        sa.Column("line_name_en", sa.String(length=200), nullable=False),
        sa.Column("line_name_zh", sa.String(length=200), nullable=False),
        sa.Column("commissioned_on", sa.Date(), nullable=False),
        sa.Column("pru_seconds", sa.Float(), nullable=False),
        sa.Column("operators", sa.Float(), nullable=False),
        sa.Column("operators_before", sa.Float(), nullable=True),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_funded_lines_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_funded_lines")),
    )
    op.create_index(op.f("ix_funded_lines_series_prefix"), "funded_lines", ["series_prefix"])
    op.create_table(
        "declared_baselines",
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("throughput_per_hour", sa.Float(), nullable=True),
        sa.Column("oee", sa.Float(), nullable=True),
        sa.Column("labour_hours_per_unit", sa.Float(), nullable=True),
        sa.Column("energy_kwh_per_unit", sa.Float(), nullable=True),
        sa.Column("yield_ratio", sa.Float(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("declared_by", sa.String(length=64), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_declared_baselines_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_declared_baselines")),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("declared_baselines")
    op.drop_index(op.f("ix_funded_lines_series_prefix"), table_name="funded_lines")
    op.drop_table("funded_lines")
