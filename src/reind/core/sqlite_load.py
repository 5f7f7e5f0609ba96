"""Writing many rows into SQLite in one transaction: search index filled once, larger page cache.

The office's search tables (FTS5 trigram, migration ``0016_full_text_search``)
are kept true by an ``AFTER INSERT`` trigger on each searched table. Fired
once per row it is most of a bulk write's cost: FTS5 flushes its pending
terms at every statement that touches it, so each row becomes a segment to
merge. 100,000 applications took 14.8 s of CPU with the trigger against
4.3 s without it plus 0.8 s for one ``INSERT ... SELECT`` of their FTS rows
afterwards (issue 19), and the seed's 240,000-odd rows the same way. What
the lists find is the same (each record's key and searched text, nothing
else). So for a bulk write (the seed's portfolio, an import) the insert
triggers are taken out and, before the write ends, put back with the very
SQL SQLite stored for them (read from ``sqlite_master``, never restated
here), and the new rows are indexed.

The triggers that mark the report's data as changed (migration
``0048_report_data_version``: each sets a new random token, reading nothing
of the row) are taken out too and put back the same way; their statement
runs once when the write ends, so the token is new after the load as it
would be after the first of its rows. Fired per row they cost a 100,000-row
import 9 s of CPU (370,000 updates of one row, each with a statement
journal).

A failure rolls the transaction (or the savepoint it ran in) back, triggers
included: SQLite's DDL is transactional. The page cache is raised for the
write, so the indexes of a large table are not spilled to disk and read back
between chunks, and restored after. PostgreSQL keeps its GIN indexes itself
and is left alone.
"""

# ruff: noqa: S608  (every name in the SQL below is read from sqlite_master, no input reaches it)

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class _Index:
    trigger: str
    sql: str
    words: str
    table: str
    key: str
    columns: tuple[str, ...]
    last_rowid: int
    """The searched table's last rowid before the write: newer rows are the write's."""
    last_word: int
    """The FTS table's last rowid before the write: newer ones came from other triggers."""


@contextmanager
def bulk_load(session: Session, *, cache_kib: int) -> Iterator[None]:
    """Within ``session``'s transaction: index searched rows once at the end, ``cache_kib`` cache.

    Run it inside the savepoint or transaction that a failure rolls back, so
    that the dropped triggers come back with it.
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    cache = session.execute(text("PRAGMA cache_size")).scalar_one()
    session.execute(text(f"PRAGMA cache_size=-{cache_kib}"))
    try:
        indexes = _suspend(session)
        marks = _suspend_marks(session)
        yield
        _restore(session, indexes)
        _restore_marks(session, marks)
    finally:
        session.execute(text(f"PRAGMA cache_size={int(cache)}"))


def _suspend(session: Session) -> list[_Index]:
    """Drop each FTS insert trigger, remembering its SQL and where its tables ended."""
    found = session.execute(
        text(
            "SELECT name, tbl_name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE '%\\_words\\_insert' ESCAPE '\\'"
        )
    ).all()
    indexes = []
    for name, table, sql in found:
        words = name.removesuffix("_insert")
        # fts5(key UNINDEXED, col, ...): the FTS table's own columns, in order
        names = [row[1] for row in session.execute(text(f"PRAGMA table_info({words})"))]
        last = session.execute(text(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}")).scalar_one()
        # FTS5 answers the last rowid by its index; MAX(rowid) would read every row
        word = session.execute(
            text(f"SELECT rowid FROM {words} ORDER BY rowid DESC LIMIT 1")
        ).scalar_one_or_none()
        indexes.append(
            _Index(name, sql, words, table, names[0], tuple(names[1:]), int(last), int(word or 0))
        )
        session.execute(text(f"DROP TRIGGER {name}"))
    return indexes


def _restore(session: Session, indexes: list[_Index]) -> None:
    """Index the rows written since ``_suspend`` (once each), then re-create the triggers.

    A row written during the load whose searched text then changed was
    indexed by the update trigger, which is still there: such rows are among
    the FTS rows added since ``_suspend`` and are not indexed twice.
    """
    session.flush()
    for index in indexes:
        listed = ", ".join(index.columns)
        session.execute(
            text(
                f"INSERT INTO {index.words} ({index.key}, {listed}) "
                f"SELECT id, {listed} FROM {index.table} WHERE rowid > :last "
                f"AND id NOT IN (SELECT {index.key} FROM {index.words} WHERE rowid > :word)"
            ),
            {"last": index.last_rowid, "word": index.last_word},
        )
        session.execute(text(index.sql))


_MARKS = "report\\_data\\_insert\\_%"
"""The insert triggers that only mark the data changed (``0048_report_data_version``)."""


def _suspend_marks(session: Session) -> list[str]:
    """Drop each data-changed insert trigger; the SQL SQLite stored for each."""
    found = session.execute(
        text(
            "SELECT name, sql FROM sqlite_master "
            f"WHERE type = 'trigger' AND name LIKE '{_MARKS}' ESCAPE '\\'"
        )
    ).all()
    for name, _ in found:
        session.execute(text(f"DROP TRIGGER {name}"))
    return [sql for _, sql in found]


def _restore_marks(session: Session, marks: list[str]) -> None:
    """Re-create the data-changed triggers, then run their statement once (it reads no row)."""
    session.flush()
    bodies = set()
    for sql in marks:
        session.execute(text(sql))
        start, end = sql.upper().index(" BEGIN ") + len(" BEGIN "), sql.upper().rindex("END")
        body = sql[start:end].strip().rstrip(";")
        if re.search(r"\b(new|old)\.", body, re.IGNORECASE):
            raise ValueError(f"a data-changed trigger reads its row, so cannot run once: {sql}")
        bodies.add(body)
    for body in sorted(bodies):
        session.execute(text(body))
