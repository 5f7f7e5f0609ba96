"""The report page keeps its figures until a record it reads changes, never after (issue 16).

``reporting.kept`` keys what a page computed by the token that a trigger on
every table the report reads replaces (migration 0048). These check, on
SQLite and PostgreSQL, that the figures counted in one statement per rows
(the page's road on both databases now) equal those listed record by record,
that a view with no write between reuses the kept figures, that the first
view after a write (committed by another unit of work, in raw SQL) shows the
new figure, and that no table the report's SQL reads lacks the trigger (so
a query added later over another table fails here until 0048's list grows).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, text

from reind.core.db import Database
from reind.reporting.figures import compute_all, compute_report, parameters
from reind.reporting.kept import data_token, gather
from reind.reporting.queries import QUERIES, RFS_BY_INDUSTRY, TAX_BY_YEAR, approvals_by_year_sql
from tests.programme.conftest import db, postgres_template, sqlite_template
from tests.reporting.test_backends import AS_AT, edges

__all__ = ["db", "edges", "postgres_template", "sqlite_template"]  # fixtures


def test_counted_figures_equal_listed_ones_and_are_kept_until_a_write(
    db: Database, edges: dict[str, list[str]]
) -> None:
    with db.unit_of_work() as session:
        listed = compute_all(session, AS_AT)
        counted, by_year = compute_report(session, AS_AT, ids=False)
        _, listed_by_year = compute_report(session, AS_AT, ids=True)
        first = gather(session, AS_AT, ids=False)
    assert {k: f.value for k, f in counted.items()} == {k: f.value for k, f in listed.items()}
    assert {k: len(f.record_ids) for k, f in counted.items()} == {
        k: len(f.record_ids) for k, f in listed.items()
    }
    assert by_year == listed_by_year
    with db.unit_of_work() as session:
        assert gather(session, AS_AT, ids=False) is first  # nothing written: kept
        assert gather(session, date(2021, 9, 1), ids=False) is not first  # another date
    with db.unit_of_work() as session:
        token = data_token(session)
        session.execute(
            text(
                "INSERT INTO seminars (title, centre, held_on, attendees) "
                "VALUES ('Kept?', 'central', :day, 10)"
            ),
            {"day": date(2021, 8, 1)},
        )
    with db.unit_of_work() as session:
        assert data_token(session) != token
        after = gather(session, AS_AT, ids=False)
    assert after is not first
    assert after.figures["seminars"].value == first.figures["seminars"].value + 1


def test_every_table_the_report_reads_has_the_trigger(db: Database) -> None:
    sql = [q.value for q in QUERIES] + [q.records for q in QUERIES]
    sql += [RFS_BY_INDUSTRY, TAX_BY_YEAR, approvals_by_year_sql(db.engine.dialect.name)]
    read = set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_]+)", " ".join(sql))) | {
        "rd_tax_claims",  # parameters()
        "tsssu_revenues",
    }
    with db.unit_of_work() as session:
        parameters(session, AS_AT)  # reads only the two tables named above
        if db.engine.dialect.name == "postgresql":
            found = "SELECT DISTINCT event_object_table FROM information_schema.triggers "
            found += "WHERE trigger_name = 'report_data_changed'"
        else:
            found = "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
            found += "AND name LIKE 'report_data_%'"
        triggered = set(session.execute(text(found)).scalars())
    assert read <= triggered, f"no trigger on {sorted(read - triggered)}"


def test_sqlite_reads_the_enterprise_of_each_approval_from_an_index_alone(
    sqlite_template: object,
) -> None:
    """The first view after a write re-reads every in-term approval (issue 16).

    BUD Fund's and EMF's figures keep manufacturing enterprises' approvals:
    migration 0055's index lets SQLite look each enterprise up without its
    table row, half of that pass's time on the seed portfolio.
    """
    database = Database(f"sqlite:///{sqlite_template}")
    seen: list[tuple[str, Any]] = []
    checked = 0

    def capture(conn: object, cursor: object, sql: str, params: Any, *rest: object) -> None:
        seen.append((sql, params))

    event.listen(database.engine, "before_cursor_execute", capture)
    try:
        with database.unit_of_work() as session:
            compute_report(session, AS_AT, ids=False)
        event.remove(database.engine, "before_cursor_execute", capture)
        with database.engine.connect() as connection:
            for sql, params in seen:
                if "e.manufacturing" not in sql.partition(" WHERE ")[2]:
                    continue  # RTTP's chart narrows in a FILTER: 12,000 rows, the table read
                checked += 1
                plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
                lookups = [row[3] for row in plan if row[3].startswith("SEARCH e ")]
                assert lookups, plan
                assert all("COVERING INDEX" in step for step in lookups), plan
        assert checked == 2  # BUD Fund's and EMF's rows
    finally:
        database.dispose()


def test_postgresql_probes_each_approvals_application_by_id_alone(db: Database) -> None:
    """Migration 0056: the EMF pass's probe per approval reads scheme and enterprise by id."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no INCLUDE; it reads the scheme's index first (0055)")
    with db.engine.connect() as connection:
        definition = connection.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_applications_id_report'")
        ).scalar_one_or_none()
    assert definition is not None
    assert "(id) INCLUDE (scheme, enterprise_id)" in definition
