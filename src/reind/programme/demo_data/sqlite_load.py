"""Loading the whole portfolio into SQLite in one go: search index filled once, large page cache.

The office's search tables (FTS5 trigram, migration ``0016_full_text_search``)
are kept true by an ``AFTER INSERT`` trigger on each searched table. Fired
once per row for 240,000-odd rows it cost about half the enquiries' load
(CPU); filling the same FTS rows with one ``INSERT ... SELECT`` after the
rows are in costs half as much, and what the lists find is the same (each
record's key and searched text, nothing else). So for the one unit of work
that writes the portfolio the insert triggers are taken out and, before it
commits, put back with the very SQL SQLite stored for them (read from
``sqlite_master``, never restated here), and the new rows are indexed.
A failure rolls the whole unit of work back, triggers included (SQLite's
DDL is transactional). The page cache is raised for the load, so the
indexes of a 120,000-row table are not spilled to disk and read back
between chunks, and restored after. PostgreSQL keeps its GIN indexes
itself and is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

_CACHE_KIB = 262_144
"""Page cache for the load: 256 MiB (the portfolio's database is about 400 MB)."""


@dataclass(frozen=True, slots=True)
class _Index:
    trigger: str
    sql: str
    words: str
    table: str
    key: str
    columns: tuple[str, ...]
    last_rowid: int


@contextmanager
def bulk_load(session: Session) -> Iterator[None]:
    """Within ``session``'s transaction: index searched rows once at the end, big cache."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    cache = session.execute(text("PRAGMA cache_size")).scalar_one()
    session.execute(text(f"PRAGMA cache_size=-{_CACHE_KIB}"))
    try:
        indexes = _suspend(session)
        yield
        _restore(session, indexes)
    finally:
        session.execute(text(f"PRAGMA cache_size={int(cache)}"))


def _suspend(session: Session) -> list[_Index]:
    """Drop each FTS insert trigger, remembering its SQL and where its table ended."""
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
        last = session.execute(text(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}")).scalar_one()  # noqa: S608  (names from sqlite_master)
        indexes.append(_Index(name, sql, words, table, names[0], tuple(names[1:]), int(last)))
        session.execute(text(f"DROP TRIGGER {name}"))
    return indexes


def _restore(session: Session, indexes: list[_Index]) -> None:
    """Index the rows written since ``_suspend`` (once each), then re-create the triggers."""
    session.flush()
    for index in indexes:
        listed = ", ".join(index.columns)
        session.execute(
            text(
                f"INSERT INTO {index.words} ({index.key}, {listed}) "  # noqa: S608  (names from sqlite_master)
                f"SELECT id, {listed} FROM {index.table} WHERE rowid > :last "
                f"AND id NOT IN (SELECT {index.key} FROM {index.words})"
            ),
            {"last": index.last_rowid},
        )
        session.execute(text(index.sql))
