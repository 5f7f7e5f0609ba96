"""PostgreSQL: applications by id carrying scheme and enterprise: the report's probe per approval.

Revision ID: 0056_report_application_probe
Revises: 0057_ledger_approved_covering
Create Date: 2026-12-07

Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

from alembic import op

revision: str = "0056_report_application_probe"
down_revision: str | None = "0057_ledger_approved_covering"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ix_applications_id_report`` on PostgreSQL (issue 16, the report's cold view).

    The progress report's EMF pass walks the 118,000 in-term approvals and
    looks up each one's application (its scheme and enterprise). PostgreSQL
    probed ``ix_applications_scheme_id`` (scheme, id, enterprise_id) once an
    approval; probing by id alone, with scheme and enterprise carried in the
    leaf (``INCLUDE``), is an index-only probe with fewer key comparisons:
    the pass took 280-330 ms instead of 370-490 ms on the 1M-application
    bench (load ~2). SQLite has no ``INCLUDE`` and reads the scheme's index
    first (0055), so it gets nothing here. One more index entry a written
    application.
    """
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(
        "ix_applications_id_report",
        "applications",
        ["id"],
        postgresql_include=["scheme", "enterprise_id"],
    )


def downgrade() -> None:
    """Drop the index."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_applications_id_report", table_name="applications")
