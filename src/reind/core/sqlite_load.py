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

The insert triggers that mark the report's data as changed are taken out
too and put back the same way: migration ``0048_report_data_version``'s
(each sets a new random token, reading nothing of the row) and 0058's on
the ledger (each replaces the token of its approval's financial year). When
the write ends every marking statement that reads no row runs once, those
0048's triggers run and 0058's "every year" mark (year 0), so each token is
new after the load as it would be after the rows' own triggers. Fired per
row they cost a 100,000-row import 9 s of CPU (370,000 updates of one row,
each with a statement journal).

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


_MARKS = "name LIKE 'report\\_%' ESCAPE '\\'"
"""The triggers that only mark the report's data changed (migrations 0048 and 0058)."""
_INSERT_MARKS = (
    "(name LIKE 'report\\_data\\_insert\\_%' ESCAPE '\\' "
    "OR name LIKE 'report\\_years\\_insert\\_%' ESCAPE '\\')"
)
"""Those that fire on insert: the ones a bulk write takes out."""


def _suspend_marks(session: Session) -> list[str]:
    """Drop each data-changed insert trigger; the SQL SQLite stored for each."""
    found = session.execute(
        text(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND {_INSERT_MARKS}")
    ).all()
    for name, _ in found:
        session.execute(text(f"DROP TRIGGER {name}"))
    return [sql for _, sql in found]


def _restore_marks(session: Session, marks: list[str]) -> None:
    """Re-create the data-changed triggers, then run once each marking statement reading no row.

    Those mark the data changed everywhere (0048's token, 0058's year 0),
    which covers what the insert triggers would have marked row by row. A
    data-changed insert trigger with no such statement to stand for it is
    refused (the load would leave its mark unmade).
    """
    session.flush()
    for sql in marks:
        session.execute(text(sql))
    stored = session.execute(
        text(f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND {_MARKS}")
    ).scalars()
    bodies = {body for body in map(_body, stored) if not _reads_row(body)}
    for sql in marks:
        target = re.search(r"\b(?:UPDATE|INSERT INTO)\s+([a-z_]+)", _body(sql), re.IGNORECASE)
        if target is None or not any(target.group(0) in body for body in bodies):
            raise ValueError(f"nothing marks all that this trigger marks, once: {sql}")
    for body in sorted(bodies):
        session.execute(text(body))


def _body(sql: str) -> str:
    """A trigger's statements: between its BEGIN and its END."""
    start, end = sql.upper().index(" BEGIN ") + len(" BEGIN "), sql.upper().rindex("END")
    return sql[start:end].strip().rstrip(";")


def _reads_row(body: str) -> bool:
    return re.search(r"\b(new|old)\.", body, re.IGNORECASE) is not None
