"""Indexes for the office's paged lists: queues by state in reference order, claims by state.

Revision ID: 0010_list_indexes
Revises: 0007_report_approvals
Create Date: 2026-12-06

Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

from alembic import op

revision: str = "0010_list_indexes"
down_revision: str | None = "0007_report_approvals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the indexes each keyset page walks (``reind.core.paging``).

    An officer's queue is one state in reference order: with only the index
    on ``state`` the 112,756 closed applications were all read and sorted
    for every page; with ``(state, reference)`` a page is an index range.
    The same for amounts, claims by state and age, and enquiries by state.
    """
    op.create_index("ix_applications_state_reference", "applications", ["state", "reference"])
    op.create_index(
        "ix_applications_state_amount",
        "applications",
        ["state", "amount_requested_cents", "reference"],
    )
    op.create_index("ix_claims_state_submitted", "claims", ["state", "submitted_on", "id"])
    op.create_index("ix_enquiries_received_id", "enquiries", ["received_at", "id"])
    op.create_index("ix_enquiries_state_received", "enquiries", ["state", "received_at", "id"])
    op.create_index("ix_audit_events_actor_seq", "audit_events", ["actor", "seq"])


def downgrade() -> None:
    """Drop the list indexes."""
    op.drop_index("ix_audit_events_actor_seq", table_name="audit_events")
    op.drop_index("ix_enquiries_state_received", table_name="enquiries")
    op.drop_index("ix_enquiries_received_id", table_name="enquiries")
    op.drop_index("ix_claims_state_submitted", table_name="claims")
    op.drop_index("ix_applications_state_amount", table_name="applications")
    op.drop_index("ix_applications_state_reference", table_name="applications")
