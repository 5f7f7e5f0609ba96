"""A token that every write to the progress report's records replaces (issue 16).

Revision ID: 0048_report_data_version
Revises: 0041_document_purposes
Create Date: 2026-12-07

The analyst's report page keeps the figures it computed, keyed by this
token (``reind.reporting.kept``): a trigger on each table the report reads
sets a new random token on every insert, update or delete (and truncate),
in the writing transaction, so a kept report is only ever served for the
records it was computed from. Random, not a counter: a database restored
from a backup and written again can never reach a token it had before.

On PostgreSQL the trigger is a deferred constraint trigger that changes
the token once a transaction, at its commit: the token's row is locked only
for the moment of commit, so writers never wait on one another for their
whole transaction (nor deadlock over it). SQLite has one writer at a time.
Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0048_report_data_version"
down_revision: str | None = "0041_document_purposes"
branch_labels = None
depends_on = None

TABLES = (
    "applications",
    "enterprises",
    "committee_decisions",
    "project_ledgers",
    "cost_lines",
    "ledger_entries",
    "rttp_enrolments",
    "itvf_deals",
    "tsssu_startups",
    "tsssu_products",
    "tsssu_revenues",
    "rd_tax_claims",
    "itf_projects",
    "enquiries",
    "seminars",
)
"""Every table the progress report's SQL reads, as at this revision."""

_PG_FUNCTION = """
CREATE FUNCTION report_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('reind.report_data_changed', true) IS DISTINCT FROM 'yes' THEN
        UPDATE report_data_version SET token = gen_random_uuid()::text WHERE id = 1;
        PERFORM set_config('reind.report_data_changed', 'yes', true);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    """The token's table (one row) and a trigger on each table the report reads."""
    op.create_table(
        "report_data_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO report_data_version (id, token) VALUES (1, gen_random_uuid()::text)"
        )
        op.execute(_PG_FUNCTION)
        for table in TABLES:
            op.execute(
                f"CREATE CONSTRAINT TRIGGER report_data_changed AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                "EXECUTE FUNCTION report_data_changed()"
            )
            op.execute(
                f"CREATE TRIGGER report_data_truncated AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION report_data_changed()"
            )
        return
    op.execute("INSERT INTO report_data_version (id, token) VALUES (1, lower(hex(randomblob(16))))")
    for table in TABLES:
        for event in ("insert", "update", "delete"):
            op.execute(
                f"CREATE TRIGGER report_data_{event}_{table} AFTER {event.upper()} ON {table} "  # noqa: S608 - the tables named above
                "BEGIN UPDATE report_data_version SET token = lower(hex(randomblob(16))) "
                "WHERE id = 1; END"
            )


def downgrade() -> None:
    """Drop the triggers, the function and the table."""
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER report_data_truncated ON {table}")
            op.execute(f"DROP TRIGGER report_data_changed ON {table}")
        op.execute("DROP FUNCTION report_data_changed()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER report_data_{event}_{table}")
    op.drop_table("report_data_version")
