"""A unit of work means the same on SQLite and PostgreSQL: all of it or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from reind.core.db import Database
from reind.programme.audit.store import AuditEventRow
from reind.programme.enterprises.store import EnterpriseRow
from tests.programme.factories import enterprise


class _Refused(Exception):
    pass


def _count(db: Database, model: type[EnterpriseRow] | type[AuditEventRow]) -> int:
    with db.unit_of_work() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_rolled_back_unit_of_work_leaves_nothing_even_after_a_released_savepoint(
    db: Database,
) -> None:
    with pytest.raises(_Refused), db.unit_of_work() as session:
        with session.begin_nested():  # released: on the old pysqlite default this committed
            enterprise(session, name="Kept Only If Committed Ltd")
        raise _Refused
    assert _count(db, EnterpriseRow) == 0
    assert _count(db, AuditEventRow) == 0


def test_a_rolled_back_savepoint_drops_its_rows_and_the_rest_commits(db: Database) -> None:
    with db.unit_of_work() as session:
        enterprise(session, name="Kept Ltd")
        with pytest.raises(_Refused), session.begin_nested():
            enterprise(session, name="Dropped Ltd")
            raise _Refused
    with db.unit_of_work() as session:
        names = session.execute(select(EnterpriseRow.name_en)).scalars().all()
    assert names == ["Kept Ltd"]


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db: Database) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
