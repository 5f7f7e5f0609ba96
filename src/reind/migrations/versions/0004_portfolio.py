"""Programme records for the progress report: TSSSU products and revenue, R&D tax
claims, ITF R&D projects, the register of bulk imports, and an index for "as at" approvals.

Revision ID: 0004_portfolio
Revises: 0003_accounts
Create Date: 2026-11-25

Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_portfolio"
down_revision: str | None = "0003_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the five tables."""
    op.create_table(
        "tsssu_products",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("university", sa.String(length=10), nullable=False),
        sa.Column("startup", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("launched_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tsssu_products")),
    )
    for column in ("university", "startup", "launched_on"):
        op.create_index(op.f(f"ix_tsssu_products_{column}"), "tsssu_products", [column])
    op.create_table(
        "tsssu_revenues",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("university", sa.String(length=10), nullable=False),
        sa.Column("startup", sa.String(length=200), nullable=False),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("revenue_cents", sa.BigInteger(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tsssu_revenues")),
        sa.UniqueConstraint(
            "university", "startup", "financial_year", name=op.f("uq_tsssu_revenues_university")
        ),
    )
    for column in ("university", "financial_year"):
        op.create_index(op.f(f"ix_tsssu_revenues_{column}"), "tsssu_revenues", [column])
    op.create_table(
        "rd_tax_claims",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("taxpayer", sa.String(length=40), nullable=False),
        sa.Column("year_of_assessment", sa.Integer(), nullable=False),
        sa.Column("type_a_cents", sa.BigInteger(), nullable=False),
        sa.Column("type_b_cents", sa.BigInteger(), nullable=False),
        sa.Column("deduction_cents", sa.BigInteger(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("rules_version", sa.String(length=64), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rd_tax_claims")),
        sa.UniqueConstraint(
            "taxpayer", "year_of_assessment", name=op.f("uq_rd_tax_claims_taxpayer")
        ),
    )
    op.create_index(
        op.f("ix_rd_tax_claims_year_of_assessment"), "rd_tax_claims", ["year_of_assessment"]
    )
    op.create_table(
        "itf_projects",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("lead", sa.String(length=200), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("total_cost_cents", sa.BigInteger(), nullable=False),
        sa.Column("funding_cents", sa.BigInteger(), nullable=False),
        sa.Column("rules_version", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_itf_projects")),
        sa.UniqueConstraint("reference", name=op.f("uq_itf_projects_reference")),
    )
    for column in ("programme", "approved_on"):
        op.create_index(op.f(f"ix_itf_projects_{column}"), "itf_projects", [column])
    op.create_table(
        "bulk_imports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("tables", sa.Text(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("rules_version", sa.String(length=64), nullable=True),
        sa.Column("audit_seq", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_imports")),
    )
    op.create_index(op.f("ix_bulk_imports_kind"), "bulk_imports", ["kind"])
    # The report counts approvals "as at" a date from the ledger entries: this partial,
    # covering index answers those range queries without touching the 10M-row table
    # (bench/report.py). Partial, so a planner never prefers it to the application_id
    # index for joins on one application's entries.
    op.create_index(
        "ix_ledger_entries_approved_at",
        "ledger_entries",
        ["recorded_at", "application_id", "amount_cents"],
        sqlite_where=sa.text("movement = 'approved'"),
        postgresql_where=sa.text("movement = 'approved'"),
    )


def downgrade() -> None:
    """Drop the index and the five tables."""
    op.drop_index("ix_ledger_entries_approved_at", table_name="ledger_entries")
    for table in ("bulk_imports", "itf_projects", "rd_tax_claims", "tsssu_revenues"):
        op.drop_table(table)
    op.drop_table("tsssu_products")
