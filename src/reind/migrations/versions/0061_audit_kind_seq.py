"""The audit log by kind in the chain's order: ``(kind, seq)`` in place of ``(kind)``.

Revision ID: 0061_audit_kind_seq
Revises: 0060_report_data_tables
Create Date: 2026-12-07

The auditor's log and its CSV export narrowed to one kind are keyset pages in
``seq`` order (newest or oldest first). With only ``(kind)`` a page either
walked the ``seq`` index testing each event's kind (a rare kind: most of the
log for every page) or read all the kind's events and sorted them. With
``(kind, seq)`` each page is one range of the index, either way round. The
old ``(kind)`` is its prefix and is dropped: a lookup by kind alone reads the
new one as well. The actor filter has its ``(actor, seq)`` since 0010; a
subject's events are few (a case's history), and several subjects at once
(a case and its claims) are merged and sorted whatever the index, so
``(subject_id)`` stays.

Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

from alembic import op

revision: str = "0061_audit_kind_seq"
down_revision: str | None = "0060_report_data_tables"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ix_audit_events_kind_seq``, then drop ``ix_audit_events_kind`` (its prefix)."""
    op.create_index("ix_audit_events_kind_seq", "audit_events", ["kind", "seq"])
    op.drop_index("ix_audit_events_kind", table_name="audit_events")


def downgrade() -> None:
    """Put ``(kind)`` back and drop ``(kind, seq)``."""
    op.create_index("ix_audit_events_kind", "audit_events", ["kind"])
    op.drop_index("ix_audit_events_kind_seq", table_name="audit_events")
