"""A token per financial year of the ledger's approvals, replaced by every write to that year.

Revision ID: 0058_report_data_years
Revises: 0056_report_application_probe
Create Date: 2026-12-07

The report page keeps what it computed until its records change
(``0048_report_data_version``), so the first view after any write computed
everything again: one pass over every in-term approval, 0.5-0.7 s on the
demo's SQLite and at 1M applications on PostgreSQL (issue 16). Nearly every
write that changes an approval is this year's (an approval recorded now), or
changes nothing the approvals' figures read (a case moved on, a claim paid).

So the approvals' figures are kept in pieces, one per financial year of
``recorded_at`` (``reind.reporting.kept``), and this table holds a token per
financial year (its start year, 1 April in Hong Kong) that a trigger replaces
whenever an approved ledger entry of that year is inserted, changed or
deleted. Year 0 stands for every year: it is replaced when a change reaches
approvals of any year (an application's scheme or enterprise, an enterprise's
manufacturing flag, a table truncated, a bulk load). Deleting an
application or an enterprise needs no trigger: an approval's foreign keys
refuse the delete of any row it joins.

On PostgreSQL the triggers are deferred constraint triggers that replace each
year's token once per transaction, at its commit (as 0048's). A year's token
is inserted the first time it is written: a year with no row has had no write
since this revision, so what was kept for it still holds.
Kept by hand, like 0002: a migration is history and never imports the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0058_report_data_years"
down_revision: str | None = "0056_report_application_probe"
branch_labels = None
depends_on = None

_SQLITE_YEAR = "CAST(strftime('%Y', {row}.recorded_at, '+8 hours', '-3 months') AS INTEGER)"
"""The start year of the financial year of an entry's UTC timestamp, in Hong Kong (UTC+8)."""
_SQLITE_MARK = (
    "INSERT INTO report_data_years (year, token) VALUES ({year}, lower(hex(randomblob(16)))) "
    "ON CONFLICT (year) DO UPDATE SET token = excluded.token;"
)
_SQLITE_TRIGGERS = {
    "report_years_insert_ledger_entries": (
        "AFTER INSERT ON ledger_entries WHEN NEW.movement = 'approved'",
        (_SQLITE_YEAR.format(row="NEW"),),
    ),
    "report_years_update_ledger_entries": (
        "AFTER UPDATE ON ledger_entries "
        "WHEN OLD.movement = 'approved' OR NEW.movement = 'approved'",
        (_SQLITE_YEAR.format(row="OLD"), _SQLITE_YEAR.format(row="NEW")),
    ),
    "report_years_delete_ledger_entries": (
        "AFTER DELETE ON ledger_entries WHEN OLD.movement = 'approved'",
        (_SQLITE_YEAR.format(row="OLD"),),
    ),
    "report_years_update_applications": (
        "AFTER UPDATE ON applications WHEN OLD.id IS NOT NEW.id "
        "OR OLD.scheme IS NOT NEW.scheme OR OLD.enterprise_id IS NOT NEW.enterprise_id",
        ("0",),
    ),
    "report_years_update_enterprises": (
        "AFTER UPDATE ON enterprises WHEN OLD.id IS NOT NEW.id "
        "OR OLD.manufacturing IS NOT NEW.manufacturing",
        ("0",),
    ),
}
"""Each SQLite trigger: its event and condition, and the years it marks."""

_PG_YEAR = (
    "CAST(EXTRACT(YEAR FROM ({row}.recorded_at AT TIME ZONE 'Asia/Hong_Kong') "
    "- INTERVAL '3 months') AS INTEGER)"
)
_PG_FUNCTIONS = (
    """
CREATE FUNCTION report_mark_year(marked integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('reind.report_year_' || marked, true) IS DISTINCT FROM 'yes' THEN
        INSERT INTO report_data_years (year, token) VALUES (marked, gen_random_uuid()::text)
        ON CONFLICT (year) DO UPDATE SET token = excluded.token;
        PERFORM set_config('reind.report_year_' || marked, 'yes', true);
    END IF;
END
$$
""",
    f"""
CREATE FUNCTION report_ledger_year_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.movement = 'approved' THEN
        PERFORM report_mark_year({_PG_YEAR.format(row="OLD")});
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.movement = 'approved' THEN
        PERFORM report_mark_year({_PG_YEAR.format(row="NEW")});
    END IF;
    RETURN NULL;
END
$$
""",
    """
CREATE FUNCTION report_every_year_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_mark_year(0);
    RETURN NULL;
END
$$
""",
)
_PG_TRIGGERS = (
    "CREATE CONSTRAINT TRIGGER report_years_changed AFTER INSERT OR UPDATE OR DELETE "
    "ON ledger_entries DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "EXECUTE FUNCTION report_ledger_year_changed()",
    "CREATE CONSTRAINT TRIGGER report_years_changed AFTER UPDATE ON applications "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id "
    "OR OLD.scheme IS DISTINCT FROM NEW.scheme "
    "OR OLD.enterprise_id IS DISTINCT FROM NEW.enterprise_id) "
    "EXECUTE FUNCTION report_every_year_changed()",
    "CREATE CONSTRAINT TRIGGER report_years_changed AFTER UPDATE ON enterprises "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id "
    "OR OLD.manufacturing IS DISTINCT FROM NEW.manufacturing) "
    "EXECUTE FUNCTION report_every_year_changed()",
    *(
        f"CREATE TRIGGER report_years_truncated AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION report_every_year_changed()"
        for table in ("ledger_entries", "applications", "enterprises")
    ),
)


def upgrade() -> None:
    """The tokens' table (year 0 written now) and the triggers that replace them."""
    op.create_table(
        "report_data_years",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("token", sa.String(64), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO report_data_years (year, token) VALUES (0, gen_random_uuid()::text)"
        )
        for sql in (*_PG_FUNCTIONS, *_PG_TRIGGERS):
            op.execute(sql)
        return
    op.execute(_SQLITE_MARK.format(year="0"))
    for name, (event, years) in _SQLITE_TRIGGERS.items():
        body = " ".join(_SQLITE_MARK.format(year=year) for year in years)
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {body} END")


def downgrade() -> None:
    """Drop the triggers, the functions and the table."""
    if op.get_bind().dialect.name == "postgresql":
        for table in ("ledger_entries", "applications", "enterprises"):
            op.execute(f"DROP TRIGGER report_years_truncated ON {table}")
        for table in ("ledger_entries", "applications", "enterprises"):
            op.execute(f"DROP TRIGGER report_years_changed ON {table}")
        for function in ("report_every_year_changed", "report_ledger_year_changed"):
            op.execute(f"DROP FUNCTION {function}()")
        op.execute("DROP FUNCTION report_mark_year(integer)")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("report_data_years")
