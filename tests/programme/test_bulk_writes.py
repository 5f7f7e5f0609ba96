"""Bulk writes (issue 19): a large batch of events chains linearly and stores what an INSERT would.

PostgreSQL's one-statement chain (``audit.chain_sql``) joins the whole batch
once per event, so a bulk import's chunk of 2,000 events took seconds; a
batch above ``IN_ONE_STATEMENT`` is chained in Python under the same head
lock and stored with ``COPY``. These tests hold the chain's strength (every
event verifies, the head moves, a rolled-back batch leaves nothing) and that
``core.bulk.insert_rows`` stores exactly what SQLAlchemy's ``INSERT`` stores.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from sqlalchemy import Table, event, insert, select, text

from reind.core.bulk import insert_rows
from reind.core.clock import HONG_KONG
from reind.core.db import Database
from reind.core.integrity import DuplicateError
from reind.programme import audit
from reind.programme.audit.chain import IN_ONE_STATEMENT, verify_chain
from reind.programme.audit.store import AuditEventRow, AuditHeadRow
from reind.programme.enterprises.store import EnterpriseRow
from tests.programme.factories import OFFICER

BATCH = IN_ONE_STATEMENT * 4 + 3


def _record_many(db: Database, count: int, statements: list[str] | None = None) -> None:
    with db.unit_of_work() as session:
        if statements is not None:
            bind = session.get_bind()

            @event.listens_for(bind, "before_cursor_execute")
            def _seen(*args: Any) -> None:
                statements.append(str(args[2]))

        for n in range(count):
            audit.record_at_commit(
                session, OFFICER, "test.bulk", "application", f"A-{n}", {"n": n, "名": "測試"}
            )
        audit.chain_pending(session)
        if statements is not None:
            event.remove(bind, "before_cursor_execute", _seen)


def test_a_large_batch_is_chained_without_the_recursive_statement(db: Database) -> None:
    statements: list[str] = []
    _record_many(db, BATCH, statements)
    assert not [s for s in statements if "WITH RECURSIVE" in s]
    with db.unit_of_work() as session:
        report = verify_chain(session)
        head = session.execute(select(AuditHeadRow.seq)).scalar_one()
    assert report.ok and report.checked == BATCH == head


def test_small_and_large_batches_interleave_into_one_chain(db: Database) -> None:
    _record_many(db, 3)
    _record_many(db, BATCH)
    _record_many(db, 1)
    with db.unit_of_work() as session:
        report = verify_chain(session)
        payloads = session.execute(
            select(AuditEventRow.payload).order_by(AuditEventRow.seq)
        ).scalars()
        assert list(payloads)[3] == '{"n":0,"名":"測試"}'
    assert report.ok and report.checked == 3 + BATCH + 1


def test_a_large_batch_rolled_back_leaves_no_event(db: Database) -> None:
    with pytest.raises(RuntimeError), db.unit_of_work() as session:
        for n in range(BATCH):
            audit.record_at_commit(session, OFFICER, "test.bulk", "application", f"A-{n}", {})
        audit.chain_pending(session)
        raise RuntimeError("abandon")
    with db.unit_of_work() as session:
        assert session.execute(select(AuditEventRow.seq)).first() is None
        assert verify_chain(session).ok
    _record_many(db, BATCH)
    with db.unit_of_work() as session:
        assert verify_chain(session).checked == BATCH


def _enterprise(n: int, created: datetime) -> dict[str, object]:
    return {
        "id": f"E-{n}",
        "br_number": f"{30_000_000 + n}",
        "name_en": f"Firm {n} Ltd",
        "name_zh": "公司" if n % 2 else "",
        "incorporation": "cap622",
        "listed": bool(n % 2),
        "employees": n,
        "manufacturing": True,
        "industry": "food_processing",
        "created_at": created,
        "version": 1,
    }


@pytest.fixture
def created() -> Iterator[datetime]:
    yield datetime(2021, 9, 16, 4, 5, 6, 789000, tzinfo=UTC)


def test_insert_rows_stores_what_an_insert_stores(db: Database, created: datetime) -> None:
    table = cast(Table, EnterpriseRow.__table__)
    with db.unit_of_work() as session:
        insert_rows(session, table, [_enterprise(1, created), _enterprise(2, created)])
        session.execute(insert(table), [_enterprise(3, created), _enterprise(4, created)])
    with db.unit_of_work() as session:
        rows = session.execute(select(table).order_by(table.c.id)).mappings().all()
    copied, inserted = [dict(r) for r in rows[:2]], [dict(r) for r in rows[2:]]
    for by_copy, by_insert in zip(copied, inserted, strict=True):
        for column in ("id", "br_number", "name_en", "employees"):
            by_copy.pop(column), by_insert.pop(column)
        assert by_copy.keys() == by_insert.keys()
    assert [r["listed"] for r in rows] == [True, False, True, False]
    assert rows[0]["name_zh"] == "公司" and rows[1]["name_zh"] == ""
    assert all(_utc(r["created_at"]) == created for r in rows)
    assert copied[0] == inserted[0] and copied[1] == inserted[1]


def _utc(moment: datetime) -> datetime:
    """SQLite gives the stored time back naive (it was stored as UTC), PostgreSQL aware."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def test_insert_rows_raises_the_integrity_error_an_insert_raises(
    db: Database, created: datetime
) -> None:
    table = cast(Table, EnterpriseRow.__table__)
    with db.unit_of_work() as session:
        insert_rows(session, table, [_enterprise(1, created)])
    twin = {**_enterprise(1, created), "id": "E-other"}
    with pytest.raises(DuplicateError, match="br_number"), db.unit_of_work() as session:
        insert_rows(session, table, [twin])  # the unit of work names it as for an INSERT


def test_insert_rows_stores_one_moment_given_in_two_zones_as_an_insert_does(
    db: Database, created: datetime
) -> None:
    """Converted dates are remembered per call, but never across zones (equal as moments)."""
    table = cast(Table, EnterpriseRow.__table__)
    hong_kong = created.astimezone(HONG_KONG)
    assert hong_kong == created
    with db.unit_of_work() as session:
        insert_rows(
            session,
            table,
            [{**_enterprise(n, at), "id": f"E-{n}"} for n, at in enumerate([created, hong_kong])],
        )
        session.execute(
            insert(table),
            [{**_enterprise(n, at), "id": f"E-{n}"} for n, at in [(2, created), (3, hong_kong)]],
        )
    with db.unit_of_work() as session:
        stored = (
            session.execute(text("SELECT created_at FROM enterprises ORDER BY id")).scalars().all()
        )
    assert stored[:2] == stored[2:]
