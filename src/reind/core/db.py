"""The relational database: engine, sessions, a unit of work, migrations.

SQLite (a file under the data directory) is the embedded default;
PostgreSQL is chosen by giving a ``postgresql+psycopg://`` URL. The schema
is only ever created by Alembic migrations (``src/reind/migrations``), so a
database made by the demo and one made in production have the same history.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from reind.core.errors import DatabaseBusyError
from reind.core.integrity import problem_for
from reind.core.writer_queue import WriterQueue, writer_queue

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every table; mapped classes live in ``*/store.py``."""

    metadata = MetaData(naming_convention=NAMING)


READ_ONLY = "reind_read_only"
"""Execution option marking a read-only unit of work (SQLite begins it DEFERRED)."""

SQLITE_BUSY_TIMEOUT = 10.0
"""Seconds an SQLite writer waits for another's transaction before giving up (503)."""


SQLITE_POOL: dict[str, Any] = {"pool_size": 16, "max_overflow": 48}
"""An SQLite file's connection pool: cheap connections, and writers waiting in line each hold
one while readers (a snapshot each) must still find one free."""


def make_engine(
    url: str,
    *,
    sqlite_busy_timeout: float = SQLITE_BUSY_TIMEOUT,
    sqlite_writers_queue: bool = True,
    **options: Any,
) -> Engine:
    """An engine for ``url``; SQLite gets real transactions, foreign keys, WAL and a busy timeout.

    Python's sqlite3 driver begins transactions on its own and late (a
    SAVEPOINT before any write starts the transaction, so releasing it
    commits). SQLAlchemy's documented pysqlite recipe takes that over: the
    driver is put in autocommit and every transaction is begun here, with
    ``BEGIN IMMEDIATE``, so a unit of work holds SQLite's write lock from its
    first statement. Writers then queue one after another (for up to
    ``sqlite_busy_timeout`` seconds) where PostgreSQL would lock rows, and a
    rolled-back unit of work leaves nothing behind, savepoints included.
    The queue is first come, first served (``core.writer_queue``): a writer
    takes its place in line before ``BEGIN IMMEDIATE`` and hands the turn on
    when its transaction ends, instead of SQLite's busy handler letting late
    arrivals in while early ones sleep. A unit of work opened ``read_only``
    begins ``DEFERRED`` instead: in WAL mode it reads a snapshot and never
    waits behind a writer (ADR 0095).
    """
    if url.startswith("sqlite"):
        return _sqlite_engine(url, sqlite_busy_timeout, sqlite_writers_queue, options)
    return create_engine(url, pool_pre_ping=True, **options)


class _Connection(sqlite3.Connection):
    """sqlite3's connection, handing the writers' turn on as its transaction ends."""

    turn: WriterQueue | None = None

    def commit(self) -> None:
        super().commit()
        self.end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.end_turn()

    def end_turn(self) -> None:
        """Let the next writer in (nothing when this connection holds no turn)."""
        turn, self.turn = self.turn, None
        if turn is not None:
            turn.release()


def _sqlite_engine(url: str, busy_timeout: float, queued: bool, options: dict[str, Any]) -> Engine:
    database_file = _ensure_sqlite_dir(url)
    queue = writer_queue(database_file) if queued else None
    options["connect_args"] = {"factory": _Connection, **options.get("connect_args", {})}
    if database_file is not None and not {"poolclass", "pool"} & options.keys():
        options = {**SQLITE_POOL, **options}  # a file: SQLAlchemy's QueuePool, sized for it
    engine = create_engine(url, **options)
    busy_ms = int(busy_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver never BEGINs or COMMITs itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN DEFERRED")  # a WAL snapshot: waits for no one
            return
        raw = connection.connection.dbapi_connection
        if queue is not None and isinstance(raw, _Connection) and raw.turn is None:
            if not queue.acquire(busy_timeout):
                raise sqlite3.OperationalError("database is locked (writers' queue)")
            raw.turn = queue
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if isinstance(raw, _Connection):
                raw.end_turn()
            raise

    return engine


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's "database is locked" (busy past the timeout)."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    if not isinstance(cause, sqlite3.OperationalError):
        return False
    return getattr(cause, "sqlite_errorcode", None) in _BUSY_CODES or "locked" in str(cause)


_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


def _ensure_sqlite_dir(url: str) -> str | None:
    """Make the database file's folder; the file's path (None: in memory or a URI)."""
    path = url.split("///", 1)[-1].split("?", 1)[0]
    if path and path != ":memory:" and not path.startswith("file:") and "///" in url:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return path
    return None


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at reind's migrations and ``url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (default: latest)."""
    logger.info("migrating %s to %s", _redact(url), revision)
    command.upgrade(alembic_config(url), revision)


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


class Database:
    """An engine and its session factory: what services are given."""

    def __init__(self, url: str, **options: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **options)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # The same pool and listeners; its connections carry the option the begin hook reads.
        self._read_sessions = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    def migrate(self) -> None:
        """Apply every pending migration."""
        upgrade(self.url)

    @contextmanager
    def unit_of_work(self, *, read_only: bool = False) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back on error.

        Two database errors become reind's own here, in one place: busy past
        the timeout (503, ``DatabaseBusyError``) and a refused constraint
        (409/422/400, ``core.integrity.problem_for``), so neither is a 500.

        ``read_only`` (a GET, a report): on SQLite the transaction begins
        ``DEFERRED``, so it reads a WAL snapshot without waiting for the write
        lock that every writer holds from its first statement. Such a unit of
        work may still write, and does so when no writer is in the way; when
        one is, SQLite refuses the write at once (busy), which is a 503 here.
        PostgreSQL is unchanged.
        """
        session = (self._read_sessions if read_only else self._sessions)()
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            if is_busy(exc):
                raise DatabaseBusyError() from exc
            if isinstance(exc, IntegrityError):
                raise problem_for(exc) from exc
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def replica_lag(self) -> float | None:
        """Seconds this database's replay is behind its primary; None unless it is a replica.

        PostgreSQL only (``pg_is_in_recovery``); 0.0 when the replica has
        replayed everything the primary sent (no transaction since, or caught up).
        """
        if self.engine.dialect.name != "postgresql":
            return None
        with self.engine.connect() as connection:
            standby, lag = connection.execute(
                text(
                    "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn()"
                    " = pg_last_wal_replay_lsn() THEN 0 ELSE extract(epoch FROM"
                    " now() - pg_last_xact_replay_timestamp()) END"
                )
            ).one()
        return None if not standby else float(lag or 0.0)

    def wal_position(self) -> str | None:
        """Where this primary's write-ahead log ends now (after a commit: past it).

        PostgreSQL only; a replica that has replayed up to here shows that
        commit (read-your-writes, ADR 0181). None on SQLite.
        """
        if self.engine.dialect.name != "postgresql":
            return None
        with self.engine.connect() as connection:
            return str(connection.execute(text("SELECT pg_current_wal_lsn()::text")).scalar_one())

    def replayed(self, position: str) -> bool:
        """Whether this replica has replayed its primary's log up to ``position``."""
        if self.engine.dialect.name != "postgresql":
            return True
        with self.engine.connect() as connection:
            done = connection.execute(
                text("SELECT coalesce(pg_last_wal_replay_lsn() >= CAST(:at AS pg_lsn), true)"),
                {"at": position},
            ).scalar_one()
        return bool(done)
