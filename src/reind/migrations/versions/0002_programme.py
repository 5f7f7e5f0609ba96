"""The programme office: enterprises, applications, committees, money, audit chain.

Revision ID: 0002_programme
Revises: 0001_rule_decisions
Create Date: 2026-11-24

Generated once from the models in ``reind/programme/store*.py`` (since ADR 0092
``reind/programme/<aggregate>/store.py``) and then kept by hand: a migration
is history, so it never imports the current models.
The audit chain starts with its head row (sequence 0, the genesis hash).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002_programme"
down_revision: str | None = "0001_rule_decisions"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    """Create the programme office's tables and the audit chain's head."""
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_events_hash")),
    )
    op.create_index(op.f("ix_audit_events_kind"), "audit_events", ["kind"], unique=False)
    op.create_index(
        op.f("ix_audit_events_recorded_at"), "audit_events", ["recorded_at"], unique=False
    )
    op.create_index(
        op.f("ix_audit_events_subject_id"), "audit_events", ["subject_id"], unique=False
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "committees",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committees")),
    )
    op.create_index(op.f("ix_committees_scheme"), "committees", ["scheme"], unique=False)
    op.create_table(
        "enterprises",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("br_number", sa.String(length=8), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("incorporation", sa.String(length=16), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("employees", sa.Integer(), nullable=False),
        sa.Column("manufacturing", sa.Boolean(), nullable=False),
        sa.Column("industry", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprises")),
        sa.UniqueConstraint("br_number", name=op.f("uq_enterprises_br_number")),
    )
    op.create_table(
        "itvf_partners",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_itvf_partners")),
        sa.UniqueConstraint("name", name=op.f("uq_itvf_partners_name")),
    )
    op.create_table(
        "rttp_courses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("fee_cents", sa.BigInteger(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rttp_courses")),
    )
    op.create_table(
        "seminars",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("centre", sa.String(length=20), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seminars")),
    )
    op.create_index(op.f("ix_seminars_centre"), "seminars", ["centre"], unique=False)
    op.create_table(
        "tsssu_startups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("university", sa.String(length=10), nullable=False),
        sa.Column("startup", sa.String(length=200), nullable=False),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tsssu_startups")),
        sa.UniqueConstraint(
            "university", "startup", "financial_year", name=op.f("uq_tsssu_startups_university")
        ),
    )
    op.create_index(
        op.f("ix_tsssu_startups_financial_year"), "tsssu_startups", ["financial_year"], unique=False
    )
    op.create_index(
        op.f("ix_tsssu_startups_university"), "tsssu_startups", ["university"], unique=False
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("received", sa.Date(), nullable=True),
        sa.Column("amount_requested_cents", sa.BigInteger(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("screening_decision_id", sa.String(length=36), nullable=True),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_applications_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_applications_idempotency_key")),
        sa.UniqueConstraint("reference", name=op.f("uq_applications_reference")),
    )
    op.create_index(
        op.f("ix_applications_enterprise_id"), "applications", ["enterprise_id"], unique=False
    )
    op.create_index(op.f("ix_applications_scheme"), "applications", ["scheme"], unique=False)
    op.create_index(op.f("ix_applications_state"), "applications", ["state"], unique=False)
    op.create_table(
        "committee_meetings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("committee_id", sa.String(length=36), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
            name=op.f("fk_committee_meetings_committee_id_committees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_meetings")),
    )
    op.create_index(
        op.f("ix_committee_meetings_committee_id"),
        "committee_meetings",
        ["committee_id"],
        unique=False,
    )
    op.create_table(
        "committee_members",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("committee_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.String(length=30), nullable=False),
        sa.Column("term_from", sa.Date(), nullable=False),
        sa.Column("term_to", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
            name=op.f("fk_committee_members_committee_id_committees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_members")),
        sa.UniqueConstraint(
            "committee_id", "person_id", name=op.f("uq_committee_members_committee_id")
        ),
    )
    op.create_index(
        op.f("ix_committee_members_committee_id"),
        "committee_members",
        ["committee_id"],
        unique=False,
    )
    op.create_table(
        "enquiries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("centre", sa.String(length=20), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("enterprise_id", sa.String(length=36), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("suggested_schemes", sa.Text(), nullable=False),
        sa.Column("answer_en", sa.Text(), nullable=False),
        sa.Column("answer_zh", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_enquiries_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquiries")),
    )
    op.create_index(op.f("ix_enquiries_centre"), "enquiries", ["centre"], unique=False)
    op.create_index(op.f("ix_enquiries_received_at"), "enquiries", ["received_at"], unique=False)
    op.create_table(
        "enterprise_contacts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("enterprise_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_enterprise_contacts_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_contacts")),
    )
    op.create_index(
        op.f("ix_enterprise_contacts_enterprise_id"),
        "enterprise_contacts",
        ["enterprise_id"],
        unique=False,
    )
    op.create_table(
        "enterprise_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("enterprise_id", sa.String(length=36), nullable=False),
        sa.Column("connected_id", sa.String(length=36), nullable=False),
        sa.Column("relation", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["connected_id"],
            ["enterprises.id"],
            name=op.f("fk_enterprise_links_connected_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_enterprise_links_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_links")),
        sa.UniqueConstraint(
            "enterprise_id", "connected_id", name=op.f("uq_enterprise_links_enterprise_id")
        ),
    )
    op.create_index(
        op.f("ix_enterprise_links_connected_id"), "enterprise_links", ["connected_id"], unique=False
    )
    op.create_index(
        op.f("ix_enterprise_links_enterprise_id"),
        "enterprise_links",
        ["enterprise_id"],
        unique=False,
    )
    op.create_table(
        "itvf_deals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_id", sa.String(length=36), nullable=False),
        sa.Column("investee", sa.String(length=200), nullable=False),
        sa.Column("invested_on", sa.Date(), nullable=False),
        sa.Column("government_cents", sa.BigInteger(), nullable=False),
        sa.Column("partner_cents", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["itvf_partners.id"],
            name=op.f("fk_itvf_deals_partner_id_itvf_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_itvf_deals")),
    )
    op.create_index(op.f("ix_itvf_deals_investee"), "itvf_deals", ["investee"], unique=False)
    op.create_index(op.f("ix_itvf_deals_partner_id"), "itvf_deals", ["partner_id"], unique=False)
    op.create_table(
        "rttp_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["rttp_courses.id"], name=op.f("fk_rttp_sessions_course_id_rttp_courses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rttp_sessions")),
    )
    op.create_index(
        op.f("ix_rttp_sessions_course_id"), "rttp_sessions", ["course_id"], unique=False
    )
    op.create_table(
        "rttp_trainees",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("enterprise_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("permanent_resident", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_rttp_trainees_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rttp_trainees")),
    )
    op.create_index(
        op.f("ix_rttp_trainees_enterprise_id"), "rttp_trainees", ["enterprise_id"], unique=False
    )
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_agenda_items_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["committee_meetings.id"],
            name=op.f("fk_agenda_items_meeting_id_committee_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
        sa.UniqueConstraint(
            "meeting_id", "application_id", name=op.f("uq_agenda_items_meeting_id")
        ),
    )
    op.create_index(
        op.f("ix_agenda_items_application_id"), "agenda_items", ["application_id"], unique=False
    )
    op.create_index(
        op.f("ix_agenda_items_meeting_id"), "agenda_items", ["meeting_id"], unique=False
    )
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("grant_cents", sa.BigInteger(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_agreements_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint("application_id", name=op.f("uq_agreements_application_id")),
    )
    op.create_table(
        "assessment_scores",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("criterion", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_assessment_scores_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["committee_members.id"],
            name=op.f("fk_assessment_scores_member_id_committee_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_scores")),
        sa.UniqueConstraint(
            "member_id", "application_id", "criterion", name=op.f("uq_assessment_scores_member_id")
        ),
    )
    op.create_index(
        op.f("ix_assessment_scores_application_id"),
        "assessment_scores",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_assessment_scores_member_id"), "assessment_scores", ["member_id"], unique=False
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=True),
        sa.Column("officer_id", sa.String(length=64), nullable=True),
        sa.Column("finance_id", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_claims_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_claims_idempotency_key")),
    )
    op.create_index(op.f("ix_claims_application_id"), "claims", ["application_id"], unique=False)
    op.create_index(op.f("ix_claims_state"), "claims", ["state"], unique=False)
    op.create_table(
        "committee_decisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("weighted_score", sa.String(length=20), nullable=False),
        sa.Column("reasons_en", sa.Text(), nullable=False),
        sa.Column("reasons_zh", sa.Text(), nullable=False),
        sa.Column("letter_en", sa.Text(), nullable=False),
        sa.Column("letter_zh", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_committee_decisions_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["committee_meetings.id"],
            name=op.f("fk_committee_decisions_meeting_id_committee_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_decisions")),
        sa.UniqueConstraint("application_id", name=op.f("uq_committee_decisions_application_id")),
    )
    op.create_table(
        "conflict_declarations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("nature", sa.Text(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_conflict_declarations_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["committee_members.id"],
            name=op.f("fk_conflict_declarations_member_id_committee_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_declarations")),
        sa.UniqueConstraint(
            "member_id", "application_id", name=op.f("uq_conflict_declarations_member_id")
        ),
    )
    op.create_index(
        op.f("ix_conflict_declarations_application_id"),
        "conflict_declarations",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_conflict_declarations_member_id"),
        "conflict_declarations",
        ["member_id"],
        unique=False,
    )
    op.create_table(
        "cost_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_cost_lines_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_lines")),
    )
    op.create_index(
        op.f("ix_cost_lines_application_id"), "cost_lines", ["application_id"], unique=False
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_documents_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("application_id", "sha256", name=op.f("uq_documents_application_id")),
    )
    op.create_index(
        op.f("ix_documents_application_id"), "documents", ["application_id"], unique=False
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("movement", sa.String(length=30), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("claim_id", sa.String(length=36), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_ledger_entries_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    op.create_index(
        op.f("ix_ledger_entries_application_id"), "ledger_entries", ["application_id"], unique=False
    )
    op.create_table(
        "project_ledgers",
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("enterprise_id", sa.String(length=36), nullable=False),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("applied_cents", sa.BigInteger(), nullable=False),
        sa.Column("approved_cents", sa.BigInteger(), nullable=False),
        sa.Column("committed_cents", sa.BigInteger(), nullable=False),
        sa.Column("claimed_cents", sa.BigInteger(), nullable=False),
        sa.Column("claims_approved_cents", sa.BigInteger(), nullable=False),
        sa.Column("disbursed_cents", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_project_ledgers_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_project_ledgers_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_project_ledgers")),
    )
    op.create_index(
        op.f("ix_project_ledgers_enterprise_id"), "project_ledgers", ["enterprise_id"], unique=False
    )
    op.create_index(op.f("ix_project_ledgers_scheme"), "project_ledgers", ["scheme"], unique=False)
    op.create_table(
        "rttp_enrolments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_rttp_enrolments_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["rttp_courses.id"],
            name=op.f("fk_rttp_enrolments_course_id_rttp_courses"),
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["rttp_trainees.id"],
            name=op.f("fk_rttp_enrolments_trainee_id_rttp_trainees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rttp_enrolments")),
        sa.UniqueConstraint("course_id", "trainee_id", name=op.f("uq_rttp_enrolments_course_id")),
    )
    op.create_index(
        op.f("ix_rttp_enrolments_application_id"),
        "rttp_enrolments",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_rttp_enrolments_course_id"), "rttp_enrolments", ["course_id"], unique=False
    )
    op.create_index(
        op.f("ix_rttp_enrolments_trainee_id"), "rttp_enrolments", ["trainee_id"], unique=False
    )
    op.create_table(
        "disbursements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("claim_id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_disbursements_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_disbursements_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disbursements")),
        sa.UniqueConstraint("claim_id", name=op.f("uq_disbursements_claim_id")),
    )
    op.create_index(
        op.f("ix_disbursements_application_id"), "disbursements", ["application_id"], unique=False
    )
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("achieved_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name=op.f("fk_milestones_agreement_id_agreements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
    )
    op.create_index(
        op.f("ix_milestones_agreement_id"), "milestones", ["agreement_id"], unique=False
    )
    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_progress_reports_agreement_id_agreements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_reports")),
    )
    op.create_index(
        op.f("ix_progress_reports_agreement_id"), "progress_reports", ["agreement_id"], unique=False
    )
    op.create_table(
        "rttp_attendance",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["rttp_enrolments.id"],
            name=op.f("fk_rttp_attendance_enrolment_id_rttp_enrolments"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["rttp_sessions.id"],
            name=op.f("fk_rttp_attendance_session_id_rttp_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rttp_attendance")),
        sa.UniqueConstraint(
            "enrolment_id", "session_id", name=op.f("uq_rttp_attendance_enrolment_id")
        ),
    )
    op.create_index(
        op.f("ix_rttp_attendance_enrolment_id"), "rttp_attendance", ["enrolment_id"], unique=False
    )
    op.create_index(
        op.f("ix_rttp_attendance_session_id"), "rttp_attendance", ["session_id"], unique=False
    )
    head = sa.table(
        "audit_head",
        sa.column("id", sa.Integer),
        sa.column("seq", sa.BigInteger),
        sa.column("hash", sa.String),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS}])


def downgrade() -> None:
    """Drop the programme office's tables."""
    op.drop_index(op.f("ix_rttp_attendance_session_id"), table_name="rttp_attendance")
    op.drop_index(op.f("ix_rttp_attendance_enrolment_id"), table_name="rttp_attendance")
    op.drop_table("rttp_attendance")
    op.drop_index(op.f("ix_progress_reports_agreement_id"), table_name="progress_reports")
    op.drop_table("progress_reports")
    op.drop_index(op.f("ix_milestones_agreement_id"), table_name="milestones")
    op.drop_table("milestones")
    op.drop_index(op.f("ix_disbursements_application_id"), table_name="disbursements")
    op.drop_table("disbursements")
    op.drop_index(op.f("ix_rttp_enrolments_trainee_id"), table_name="rttp_enrolments")
    op.drop_index(op.f("ix_rttp_enrolments_course_id"), table_name="rttp_enrolments")
    op.drop_index(op.f("ix_rttp_enrolments_application_id"), table_name="rttp_enrolments")
    op.drop_table("rttp_enrolments")
    op.drop_index(op.f("ix_project_ledgers_scheme"), table_name="project_ledgers")
    op.drop_index(op.f("ix_project_ledgers_enterprise_id"), table_name="project_ledgers")
    op.drop_table("project_ledgers")
    op.drop_index(op.f("ix_ledger_entries_application_id"), table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_index(op.f("ix_documents_application_id"), table_name="documents")
    op.drop_table("documents")
    op.drop_index(op.f("ix_cost_lines_application_id"), table_name="cost_lines")
    op.drop_table("cost_lines")
    op.drop_index(op.f("ix_conflict_declarations_member_id"), table_name="conflict_declarations")
    op.drop_index(
        op.f("ix_conflict_declarations_application_id"), table_name="conflict_declarations"
    )
    op.drop_table("conflict_declarations")
    op.drop_table("committee_decisions")
    op.drop_index(op.f("ix_claims_state"), table_name="claims")
    op.drop_index(op.f("ix_claims_application_id"), table_name="claims")
    op.drop_table("claims")
    op.drop_index(op.f("ix_assessment_scores_member_id"), table_name="assessment_scores")
    op.drop_index(op.f("ix_assessment_scores_application_id"), table_name="assessment_scores")
    op.drop_table("assessment_scores")
    op.drop_table("agreements")
    op.drop_index(op.f("ix_agenda_items_meeting_id"), table_name="agenda_items")
    op.drop_index(op.f("ix_agenda_items_application_id"), table_name="agenda_items")
    op.drop_table("agenda_items")
    op.drop_index(op.f("ix_rttp_trainees_enterprise_id"), table_name="rttp_trainees")
    op.drop_table("rttp_trainees")
    op.drop_index(op.f("ix_rttp_sessions_course_id"), table_name="rttp_sessions")
    op.drop_table("rttp_sessions")
    op.drop_index(op.f("ix_itvf_deals_partner_id"), table_name="itvf_deals")
    op.drop_index(op.f("ix_itvf_deals_investee"), table_name="itvf_deals")
    op.drop_table("itvf_deals")
    op.drop_index(op.f("ix_enterprise_links_enterprise_id"), table_name="enterprise_links")
    op.drop_index(op.f("ix_enterprise_links_connected_id"), table_name="enterprise_links")
    op.drop_table("enterprise_links")
    op.drop_index(op.f("ix_enterprise_contacts_enterprise_id"), table_name="enterprise_contacts")
    op.drop_table("enterprise_contacts")
    op.drop_index(op.f("ix_enquiries_received_at"), table_name="enquiries")
    op.drop_index(op.f("ix_enquiries_centre"), table_name="enquiries")
    op.drop_table("enquiries")
    op.drop_index(op.f("ix_committee_members_committee_id"), table_name="committee_members")
    op.drop_table("committee_members")
    op.drop_index(op.f("ix_committee_meetings_committee_id"), table_name="committee_meetings")
    op.drop_table("committee_meetings")
    op.drop_index(op.f("ix_applications_state"), table_name="applications")
    op.drop_index(op.f("ix_applications_scheme"), table_name="applications")
    op.drop_index(op.f("ix_applications_enterprise_id"), table_name="applications")
    op.drop_table("applications")
    op.drop_index(op.f("ix_tsssu_startups_university"), table_name="tsssu_startups")
    op.drop_index(op.f("ix_tsssu_startups_financial_year"), table_name="tsssu_startups")
    op.drop_table("tsssu_startups")
    op.drop_index(op.f("ix_seminars_centre"), table_name="seminars")
    op.drop_table("seminars")
    op.drop_table("rttp_courses")
    op.drop_table("itvf_partners")
    op.drop_table("enterprises")
    op.drop_index(op.f("ix_committees_scheme"), table_name="committees")
    op.drop_table("committees")
    op.drop_table("audit_head")
    op.drop_index(op.f("ix_audit_events_subject_id"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_recorded_at"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_kind"), table_name="audit_events")
    op.drop_table("audit_events")
