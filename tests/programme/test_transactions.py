"""A unit of work means the same on SQLite and PostgreSQL: all of it or nothing.

Reads do not queue behind writers on either: a read-only unit of work reads a snapshot.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from reind.core.db import Database
from reind.core.errors import DatabaseBusyError
from reind.core.writer_queue import writer_queue
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


def test_a_read_only_unit_of_work_reads_past_a_writer_holding_its_lock(db: Database) -> None:
    """ADR 0095's deferred reads: a writer mid-transaction never makes a read wait on SQLite.

    The reader gets a busy timeout of a fifth of a second: queued behind the writer's
    lock (every unit of work began IMMEDIATE before) it would end in ``DatabaseBusyError``.
    """
    reader = Database(db.url, sqlite_busy_timeout=0.2)
    try:
        with db.unit_of_work() as writing:
            enterprise(writing, name="Not Yet Committed Ltd")
            writing.flush()  # the writer holds SQLite's write lock (PostgreSQL: the new row)
            with reader.unit_of_work(read_only=True) as reading:
                seen = reading.execute(select(EnterpriseRow.name_en)).scalars().all()
            assert seen == []  # a snapshot from before the writer's commit
        with reader.unit_of_work(read_only=True) as reading:
            assert reading.execute(select(EnterpriseRow.name_en)).scalars().all() == [
                "Not Yet Committed Ltd"
            ]
    finally:
        reader.dispose()


def test_a_read_only_unit_of_work_that_writes_behind_a_writer_is_busy_and_leaves_nothing(
    db: Database,
) -> None:
    """A GET that writes (rare: a session's last-seen mark) is refused at once, never wrong."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database")
    reader = Database(db.url, sqlite_busy_timeout=0.2)
    try:
        with db.unit_of_work() as writing:
            enterprise(writing, name="Writer Ltd")
            writing.flush()
            with pytest.raises(DatabaseBusyError), reader.unit_of_work(read_only=True) as reading:
                reading.execute(select(func.count()).select_from(EnterpriseRow)).scalar_one()
                enterprise(reading, name="Reader Ltd")
                reading.flush()
    finally:
        reader.dispose()
    with db.unit_of_work(read_only=True) as session:
        assert session.execute(select(EnterpriseRow.name_en)).scalars().all() == ["Writer Ltd"]


def _until_in_line(db: Database, writers: int) -> None:
    queue = writer_queue(db.url.split("///", 1)[1])
    for _ in range(500):
        if queue.waiting >= writers:
            return
        time.sleep(0.01)
    raise AssertionError(f"{writers} writers never lined up: {queue.waiting}")


def test_sqlite_writers_get_the_lock_in_the_order_they_asked(db: Database) -> None:
    """First come, first served (issue 12): SQLite's busy handler backs off up to 100 ms
    between tries and keeps no queue, so a writer that asked last used to get in first while
    the early ones slept; under load a few waited until the busy timeout (503). Six writers
    ask one after another while a seventh holds the lock; they must get it in that order."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks rows: there is no one writer's turn")
    order: list[int] = []
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with db.unit_of_work() as session:
            enterprise(session, name="Holder Ltd")
            session.flush()  # BEGIN IMMEDIATE taken: every other writer now waits
            holding.set()
            release.wait()

    def write(number: int) -> None:
        with db.unit_of_work() as session:
            session.execute(select(func.count()).select_from(EnterpriseRow)).scalar_one()
            order.append(number)  # the first statement began the transaction: our turn
            enterprise(session, name=f"Writer {number} Ltd")

    threads = [threading.Thread(target=hold)]
    threads[0].start()
    holding.wait()
    for number in range(1, 7):
        threads.append(threading.Thread(target=write, args=(number,)))
        threads[-1].start()
        _until_in_line(db, number)  # it waits before the next one asks
    release.set()
    for thread in threads:
        thread.join()
    assert order == [1, 2, 3, 4, 5, 6]
    assert _count(db, EnterpriseRow) == 7


def test_a_writer_still_in_line_after_the_busy_timeout_is_busy_and_leaves_nothing(
    db: Database,
) -> None:
    """Waiting in line keeps the timeout: past it the unit of work is ``DatabaseBusyError``
    (503 with Retry-After), never a 500 and never a half-written record."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database")
    impatient = Database(db.url, sqlite_busy_timeout=0.2)  # another engine, the same line
    try:
        with db.unit_of_work() as writing:
            enterprise(writing, name="Writer Ltd")
            writing.flush()
            with pytest.raises(DatabaseBusyError), impatient.unit_of_work() as waiting:
                enterprise(waiting, name="Impatient Ltd")
                waiting.flush()
    finally:
        impatient.dispose()
    with db.unit_of_work(read_only=True) as session:
        assert session.execute(select(EnterpriseRow.name_en)).scalars().all() == ["Writer Ltd"]
