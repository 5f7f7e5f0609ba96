"""Bulk import of historical applications, claims and enquiries (CSV or XLSX).

The file is read strictly (``reading``: the header first, then the rows
streamed) and every row checked, collecting a problem (row, column, value,
and what is wrong in English and Chinese) for each fault. Applications are
written chunk by chunk while the file is clean so far, inside a savepoint
(ADR 0191); claims and enquiries are written once every row is checked. A
failed import raises ``ImportRejectedError`` carrying every problem and
leaves nothing written, audit events included; a file that cannot be read
raises ``ImportFileError``. Importing the same file again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
from sqlalchemy.orm import Session

from reind.core.planner import costed_as_cached
from reind.core.sqlite_load import bulk_load
from reind.programme.actors import Actor
from reind.programme.imports.applications import import_applications
from reind.programme.imports.claims import import_claims
from reind.programme.imports.enquiries import import_enquiries
from reind.programme.imports.enterprise_match import MATCHING, Matching
from reind.programme.imports.problems import (
    ImportFileError,
    ImportProblem,
    ImportRejectedError,
    Said,
    write_problems,
)
from reind.programme.imports.reading import read_table
from reind.programme.imports.rows import COLUMNS, ImportReport
from reind.programme.permissions import Action, ensure
from reind.rules.engine import Engine

__all__ = [
    "COLUMNS",
    "MATCHING",
    "ImportFileError",
    "ImportProblem",
    "ImportRejectedError",
    "ImportReport",
    "import_file",
    "write_problems",
]


SQLITE_CACHE_KIB = 32_768
"""SQLite's page cache (KiB) while an import writes; restored after (``core.sqlite_load``).

With SQLite's default 2 MB the indexes of a 100,000-row import no longer fit
and every insert reads and spills pages: 40.0 s of CPU (executemany 32 s)
against 30.7 s with 32 MB, and a peak of 177 MB (64 MB gave 214 MB, over the
200 MB target).
"""


@contextmanager
def planned_afresh(session: Session) -> Iterator[None]:
    """On PostgreSQL, the import's own statements are not prepared: each is planned with its values.

    The import looks up each chunk's references and BR numbers with the same
    statement, which psycopg prepares after five runs; PostgreSQL may then
    keep a generic plan made while the tables (filling inside this very
    transaction, so without statistics) looked empty: a sequential scan
    comparing every row with 500 parameters, 2.8 s per chunk by the 40,000th
    row. Unprepared, each lookup is planned for its values, seeing the
    tables' size and the unique indexes. This is done on the connection, not
    with ``plan_cache_mode = force_custom_plan`` for the transaction, because
    that setting also re-plans the foreign-key checks PostgreSQL runs for
    every row written (its own cached ``SELECT ... FOR KEY SHARE``): 450,000
    plans for 100,000 applications, most of the server's time (issue 19).
    """
    driver = session.connection().connection.driver_connection
    if not isinstance(driver, psycopg.Connection):
        yield
        return
    threshold = driver.prepare_threshold
    driver.prepare_threshold = None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


def import_file(
    session: Session,
    kind: str,
    path: Path,
    actor: Actor,
    *,
    engine: Engine,
    sheet: str | None = None,
    enterprises: Matching = "refuse",
    today: date | None = None,
) -> ImportReport:
    """Import ``kind`` (applications, claims or enquiries) from ``path``."""
    ensure(actor, Action.IMPORT_RECORDS)
    if kind not in COLUMNS:
        raise ImportFileError(
            path.name,
            Said(
                f"can import {', '.join(COLUMNS)}, not {kind!r}",
                f"可匯入 {', '.join(COLUMNS)}，不可匯入 {kind!r}",
            ),
        )
    table = read_table(path, COLUMNS[kind], sheet)
    name = path.name
    # In a savepoint of its own: a refused or failed import rolls back to it, and
    # SQLite's search triggers, taken out while the rows go in, come back with it.
    with (
        planned_afresh(session),
        session.begin_nested(),
        # each chunk's 500 reference look-ups by the unique index, not a read of the table
        costed_as_cached(session),
        bulk_load(session, cache_kib=SQLITE_CACHE_KIB),
    ):
        if kind == "applications":
            return import_applications(
                session, table, actor, name, engine=engine, enterprises=enterprises, today=today
            )
        if kind == "claims":
            return import_claims(session, table, actor, name, today=today)
        return import_enquiries(session, table, actor, name, today=today)
