"""Ledgers of one scheme in order of their grant: an index from the scheme.

Revision ID: 0039_ledgers_by_scheme
Revises: 0039_list_orderings
Create Date: 2026-12-07

Kept by hand, like 0010: a migration is history and never imports the models.
"""

from __future__ import annotations

from alembic import op

revision: str = "0039_ledgers_by_scheme"
down_revision: str | None = "0039_list_orderings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index the ledgers by (scheme, grant approved, application).

    Finance's ledgers of BUD by grant, smallest first, walked the index of all
    971,000 ledgers by grant: the small grants are EMF's, so it read nearly all
    of them before the first BUD one (47 s at 1M applications, load 18). The
    list narrows a scheme on the ledger's own copy of it (``money.lists``), so
    this index starts the walk at the scheme.
    """
    op.create_index(
        "ix_project_ledgers_scheme_approved",
        "project_ledgers",
        ["scheme", "approved_cents", "application_id"],
    )


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_project_ledgers_scheme_approved", table_name="project_ledgers")
