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
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import DateTime, bindparam, event, text
from sqlalchemy.orm import Session

from reind.core.db import Database
from reind.core.periods import FinancialYear
from reind.reporting import figures, kept
from reind.reporting.figures import (
    chart_years,
    compute_all,
    compute_report,
    counts_its_records,
    parameters,
    year_bounds,
)
from reind.reporting.kept import data_token, gather
from reind.reporting.queries import (
    APPROVALS_CHART,
    QUERIES,
    RFS_BY_INDUSTRY,
    TAX_BY_YEAR,
    approvals_by_year_sql,
    tables_read,
)
from tests.programme.conftest import db, postgres_template, sqlite_template
from tests.reporting.test_backends import AS_AT, _approve, edges

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


def _whole(session: Session) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Every figure and the chart's sums from one statement per rows (no pieces)."""
    figures, by_year = compute_report(session, AS_AT, ids=False)
    return {k: f.value for k, f in figures.items()}, by_year


def _gathered(db: Database) -> tuple[Any, tuple[dict[str, int], dict[tuple[str, str], int]]]:
    """The page's data as kept, and the figures computed whole, read in one unit of work."""
    with db.unit_of_work() as session:
        data = gather(session, AS_AT, ids=False)
        return data, _whole(session)


def _at(session: Session, sql: str, **values: Any) -> None:
    clause = text(sql)
    if "at" in values:
        clause = clause.bindparams(bindparam("at", type_=DateTime(timezone=True)))
    session.execute(clause, values)


def _maker(session: Session, application: str) -> str:
    return str(
        session.execute(
            text("SELECT enterprise_id FROM applications WHERE id = :id"), {"id": application}
        ).scalar_one()
    )


WRITES: dict[str, Callable[[Session, dict[str, list[str]]], object]] = {
    "an approval recorded in the report's year": lambda s, e: _approve(
        s, "emf", _maker(s, e["emf"][0]), datetime(2021, 8, 2, 3, tzinfo=UTC)
    ),
    "an approval recorded in an earlier year": lambda s, e: _approve(
        s, "bud", _maker(s, e["bud"][0]), datetime(2018, 5, 2, 3, tzinfo=UTC)
    ),
    "an approval moved to another year": lambda s, e: _at(
        s,
        "UPDATE ledger_entries SET recorded_at = :at WHERE application_id = :id",
        at=datetime(2019, 6, 3, 3, tzinfo=UTC),
        id=e["emf"][0],
    ),
    "an amount corrected": lambda s, e: _at(
        s,
        "UPDATE ledger_entries SET amount_cents = amount_cents + 1 WHERE application_id = :id",
        id=e["bud"][0],
    ),
    "an application moved to another scheme": lambda s, e: _at(
        s, "UPDATE applications SET scheme = 'bud' WHERE id = :id", id=e["emf"][1]
    ),
    "an enterprise no longer manufacturing": lambda s, e: _at(
        s,
        "UPDATE enterprises SET manufacturing = :no WHERE id = :id",
        no=False,
        id=_maker(s, e["emf"][2]),
    ),
    "an approval deleted": lambda s, e: _at(
        s, "DELETE FROM ledger_entries WHERE application_id = :id", id=e["rttp"][0]
    ),
}
"""Writes that change the approvals' figures: each reaches one year, several, or every year."""


def test_the_kept_pieces_follow_every_write_that_reaches_an_approval(
    db: Database, edges: dict[str, list[str]]
) -> None:
    """Migration 0058's tokens: after each write the page's figures equal those computed whole."""
    data, whole = _gathered(db)
    assert ({k: f.value for k, f in data.figures.items()}, data.by_year) == whole
    for write, change in WRITES.items():
        with db.unit_of_work() as session:
            change(session, edges)
        data, now = _gathered(db)
        assert now != whole, f"{write}: the test's write changed no figure"
        kept = ({k: f.value for k, f in data.figures.items()}, data.by_year)
        assert kept == now, write
        assert {k: len(f.record_ids) for k, f in data.figures.items()}["emf_funding"] == (
            now[0]["emf_applications"]
        )
        whole = now


def _pieces_run(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The span of each piece the next view of the page computes (rather than keeps)."""
    seen: list[Any] = []
    real = figures._pieces

    def spy(*args: Any) -> Any:
        seen.extend((span.start, span.end) for span in args[5])
        return real(*args)

    with monkeypatch.context() as patched:
        patched.setattr(figures, "_pieces", spy)
        with db.unit_of_work() as session:
            gather(session, AS_AT, ids=False)
    return seen


def test_an_approval_recorded_now_costs_the_next_view_this_years_pieces_alone(
    db: Database, edges: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first view after a write re-read every approval (0.5-0.7 s at volume, issue 16)."""
    first = _pieces_run(db, monkeypatch)
    assert len(first) == 3 * (1 + len(chart_years(AS_AT)))  # the first view: every piece
    assert _pieces_run(db, monkeypatch) == []  # nothing written: the page is kept whole
    with db.unit_of_work() as session:
        WRITES["an approval recorded in the report's year"](session, edges)
    this_year = year_bounds(FinancialYear.containing(AS_AT).start_year)
    # RTTP's, BUD Fund's and EMF's approvals: this year's piece each, no other
    assert _pieces_run(db, monkeypatch) == [this_year] * 3


def test_a_case_moved_on_costs_the_next_view_no_piece(
    db: Database, edges: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _pieces_run(db, monkeypatch)
    with db.unit_of_work() as session:
        token = data_token(session)
        session.execute(
            text("UPDATE applications SET title = 'Renamed', state = 'closed' WHERE id = :id"),
            {"id": edges["emf"][0]},
        )
        session.execute(
            text("UPDATE enterprises SET name_en = 'Renamed Ltd' WHERE id = :id"),
            {"id": _maker(session, edges["emf"][0])},
        )
    with db.unit_of_work() as session:
        assert data_token(session) != token  # the page computes again...
    assert _pieces_run(db, monkeypatch) == []  # ...but none of the approvals' pieces


def test_every_column_the_pieced_figures_read_is_watched_by_0058s_triggers(db: Database) -> None:
    """A figure kept by year must read only what a year's token, or year 0's, follows."""
    with db.unit_of_work() as session:
        if db.engine.dialect.name == "postgresql":
            found = "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
            found += "WHERE tgname = 'report_years_changed'"
        else:
            found = "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
            found += "AND name LIKE 'report_years_%'"
        triggers = list(session.execute(text(found)).scalars())
    watched: dict[str, set[str]] = {}
    for sql in triggers:
        table = re.search(r"\bON\s+(?:public\.)?([a-z_]+)", sql)
        assert table is not None, sql
        # OLD.scheme IS NOT NEW.scheme; PostgreSQL: (old.scheme)::text IS DISTINCT FROM ...
        compared = set(
            re.findall(r"(?i)OLD\.([a-z_]+)\)?(?:::[a-z ]+)? IS (?:NOT|DISTINCT FROM)", sql)
        )
        watched.setdefault(table.group(1), set()).update(compared or {"*"})
    # the ledger's triggers fire for approved entries alone, on any of their columns
    assert watched.pop("ledger_entries") == {"*"}
    pieced = {q.rows for q in QUERIES if q.rows is not None and q.rows.stamp is not None}
    assert pieced  # RTTP's, BUD Fund's and EMF's approvals
    for rows in pieced:
        assert "le.movement = 'approved'" in rows.base
        aliases = {
            alias: table
            for table, alias in re.findall(r"(?:FROM|JOIN)\s+([a-z_]+)\s+([a-z]+)\b", rows.base)
        }
        read = " ".join(
            [rows.base, str(rows.stamp)]
            + [str(q.aggregate) for q in QUERIES if q.rows == rows]
            + [str(narrowing) for _, (r, narrowing) in APPROVALS_CHART.items() if r == rows]
        )
        for alias, column in set(re.findall(r"\b([a-z]+)\.([a-z_]+)\b", read)):
            table = aliases[alias]
            if table != "ledger_entries":
                assert column in watched.get(table, set()), f"{table}.{column} is not watched"


def test_a_figure_counting_distinct_records_is_their_count_without_a_second_pass() -> None:
    """RTTP's trainees: the records listed are the distinct trainees the value counts."""
    counting = [q.key for q in QUERIES if counts_its_records(q)]
    assert counting == ["rttp_trainees"]
    # itvf_startups counts distinct investees but lists the deals: not the same records
    assert not counts_its_records(next(q for q in QUERIES if q.key == "itvf_startups"))


def _next_views_statements(db: Database) -> list[str]:
    """The statements the next view of the page runs."""
    seen: list[str] = []

    def capture(conn: object, cursor: object, sql: str, params: Any, *rest: object) -> None:
        seen.append(sql)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.unit_of_work() as session:
            gather(session, AS_AT, ids=False)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return seen


def _tables_queried(db: Database) -> set[str]:
    """The tables the next view of the page reads (its own token tables aside)."""
    read = {table for sql in _next_views_statements(db) for table in tables_read(sql)}
    return read - {"report_data_tables", "report_data_years"}


def test_a_seminar_recorded_costs_the_next_view_the_seminars_figure_alone(
    db: Database, edges: dict[str, list[str]]
) -> None:
    """0048's one token made any write recount every figure: RTTP's places, 117,000
    enquiries, RFS by industry (100-200 ms at 1M applications on PostgreSQL, issue 16)."""
    assert "enquiries" in _tables_queried(db)  # the first view reads everything
    with db.unit_of_work() as session:
        session.execute(
            text(
                "INSERT INTO seminars (title, centre, held_on, attendees) "
                "VALUES ('Cold?', 'central', :day, 10)"
            ),
            {"day": date(2021, 8, 2)},
        )
    # the seminars' figure, and the two tables that set every figure's parameters
    assert _tables_queried(db) == {"seminars", "rd_tax_claims", "tsssu_revenues"}
    with db.unit_of_work() as session:
        data, whole = gather(session, AS_AT, ids=False), _whole(session)
    assert {k: f.value for k, f in data.figures.items()} == whole[0]


def test_a_part_over_a_table_with_no_token_is_never_kept() -> None:
    """A figure over a table 0060 gives no token would never be told of a write to it."""
    keeper = kept._Keeper(threading.Lock(), OrderedDict(), {"seminars": "t1"}, {0: "y"})
    keeper.keep(("figure", "x"), frozenset({"seminars", "new_table"}), None, 1)
    keeper.keep(("figure", "y"), frozenset({"seminars"}), None, 2)
    assert list(keeper.computed.values()) == [2]


def _statements_reading(db: Database, table: str) -> list[str]:
    """The statements the next view of the page runs that read ``table``."""
    return [sql for sql in _next_views_statements(db) if table in tables_read(sql)]


def test_a_paid_claim_costs_the_next_view_one_pass_over_rttps_enrolments(
    db: Database, edges: dict[str, list[str]]
) -> None:
    """RTTP's trainees and places were counted by two passes over the enrolments, each
    re-run after any write to the ledger (40-50 ms each at 1M applications, issue 16)."""
    _statements_reading(db, "rttp_enrolments")
    with db.unit_of_work() as session:
        _at(
            session,
            "INSERT INTO ledger_entries (application_id, movement, amount_cents, recorded_at) "
            "VALUES (:id, 'paid', 100, :at)",
            id=edges["rttp"][0],
            at=datetime(2021, 8, 2, 3, tzinfo=UTC),
        )
    assert len(_statements_reading(db, "rttp_enrolments")) == 1
    with db.unit_of_work() as session:
        data, whole = gather(session, AS_AT, ids=False), _whole(session)
    assert {k: f.value for k, f in data.figures.items()} == whole[0]
    assert len(data.figures["rttp_trainees"].record_ids) == whole[0]["rttp_trainees"]
