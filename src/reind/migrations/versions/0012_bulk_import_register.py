"""The register of records each bulk import wrote (issue 12: verify names each one).

Revision ID: 0012_bulk_import_register
Revises: 0016_outbox
Create Date: 2026-12-06

Kept by hand, like 0002: a migration is history and never imports the models.
Imports made before this migration have no register; ``verify`` still vouches
for their records by count, as it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_bulk_import_register"
down_revision: str | None = "0016_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the register, keyed by table and record, indexed by import."""
    op.create_table(
        "bulk_import_records",
        sa.Column("table_name", sa.String(60), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("import_id", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["bulk_imports.id"],
            name=op.f("fk_bulk_import_records_import_id_bulk_imports"),
        ),
        sa.PrimaryKeyConstraint("table_name", "record_id", name=op.f("pk_bulk_import_records")),
    )
    op.create_index(op.f("ix_bulk_import_records_import_id"), "bulk_import_records", ["import_id"])


def downgrade() -> None:
    """Drop the register."""
    op.drop_index(op.f("ix_bulk_import_records_import_id"), table_name="bulk_import_records")
    op.drop_table("bulk_import_records")
