"""A token per table the progress report reads, replaced by every write to that table.

Revision ID: 0060_report_data_tables
Revises: 0058_report_data_years
Create Date: 2026-12-07

0048 gave the report one token that any write to any of its 15 tables
replaced, so a seminar recorded made the next view of the report count
every figure again: RTTP's places, 117,000 enquiries, RFS by industry
(100-200 ms on PostgreSQL at 1M applications, issue 16). Now each table has
its own token (``report_data_tables``), and the page keeps each figure keyed
by the tokens of the tables its SQL reads (``reind.reporting.kept``): a
write costs the next view only the figures over the table it wrote.

The triggers keep their names and events; only what they replace changes.
On PostgreSQL 0048's function is replaced in place (its deferred constraint
triggers call it by name): it replaces the token of the table it fired on,
once per table per transaction, at commit. 0048's single token is dropped.
Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0060_report_data_tables"
down_revision: str | None = "0058_report_data_years"
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
"""Every table the progress report's SQL reads, as at this revision (0048's)."""

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION report_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('reind.report_changed_' || TG_TABLE_NAME, true)
            IS DISTINCT FROM 'yes' THEN
        UPDATE report_data_tables SET token = gen_random_uuid()::text
        WHERE name = TG_TABLE_NAME;
        PERFORM set_config('reind.report_changed_' || TG_TABLE_NAME, 'yes', true);
    END IF;
    RETURN NULL;
END
$$
"""
_PG_FUNCTION_0048 = """
CREATE OR REPLACE FUNCTION report_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('reind.report_data_changed', true) IS DISTINCT FROM 'yes' THEN
        UPDATE report_data_version SET token = gen_random_uuid()::text WHERE id = 1;
        PERFORM set_config('reind.report_data_changed', 'yes', true);
    END IF;
    RETURN NULL;
END
$$
"""
_SQLITE_TOKEN = "lower(hex(randomblob(16)))"  # noqa: S105 - SQL for a random token, not a secret


def upgrade() -> None:
    """The tables' tokens (one row each, written now), and the triggers replacing them."""
    op.create_table(
        "report_data_tables",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    token = "gen_random_uuid()::text" if postgresql else _SQLITE_TOKEN
    for table in TABLES:
        op.execute(f"INSERT INTO report_data_tables (name, token) VALUES ('{table}', {token})")  # noqa: S608 - the tables named above
    if postgresql:
        op.execute(_PG_FUNCTION)
    else:
        _sqlite_triggers("UPDATE report_data_tables SET token = {token} WHERE name = '{table}'; ")
    op.drop_table("report_data_version")


def downgrade() -> None:
    """0048's single token again, its triggers replacing it; the tables' tokens dropped."""
    op.create_table(
        "report_data_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO report_data_version (id, token) VALUES (1, gen_random_uuid()::text)"
        )
        op.execute(_PG_FUNCTION_0048)
    else:
        op.execute(f"INSERT INTO report_data_version (id, token) VALUES (1, {_SQLITE_TOKEN})")  # noqa: S608 - constant SQL
        _sqlite_triggers("UPDATE report_data_version SET token = {token} WHERE id = 1; ")
    op.drop_table("report_data_tables")


def _sqlite_triggers(body: str) -> None:
    """0048's SQLite triggers (same names and events) made again with ``body``."""
    for table in TABLES:
        for event in ("insert", "update", "delete"):
            name = f"report_data_{event}_{table}"
            op.execute(f"DROP TRIGGER {name}")
            statement = body.format(token=_SQLITE_TOKEN, table=table)
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} BEGIN {statement}END"
            )
