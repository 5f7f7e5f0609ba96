"""Indexes for the orderings the office's lists offer: ledgers by grant, the register by name.

Revision ID: 0039_list_orderings
Revises: 0036_case_assignment
Create Date: 2026-12-07

Kept by hand, like 0010: a migration is history and never imports the models.
"""

from __future__ import annotations

from alembic import op

revision: str = "0039_list_orderings"
down_revision: str | None = "0036_case_assignment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the indexes each new keyset ordering walks (``reind.core.paging.Sort``).

    Finance's ledgers grow with the portfolio (about 900,000 with a grant at
    1M applications): ordered by the grant approved, a page without an index
    read and sorted them all. The register (32,000 enterprises) and the
    claims are smaller, but are walked by the same rule: each ordering is an
    index range, its last key unique.
    """
    op.create_index(
        "ix_project_ledgers_approved", "project_ledgers", ["approved_cents", "application_id"]
    )
    op.create_index("ix_enterprises_name_en_br", "enterprises", ["name_en", "br_number"])
    op.create_index("ix_enterprises_employees_br", "enterprises", ["employees", "br_number"])
    op.create_index("ix_claims_amount_id", "claims", ["amount_cents", "id"])


def downgrade() -> None:
    """Drop the ordering indexes."""
    op.drop_index("ix_claims_amount_id", table_name="claims")
    op.drop_index("ix_enterprises_employees_br", table_name="enterprises")
    op.drop_index("ix_enterprises_name_en_br", table_name="enterprises")
    op.drop_index("ix_project_ledgers_approved", table_name="project_ledgers")
