"""An import fills SQLite's search index once at the end, and the index is what triggers give.

The FTS5 insert triggers cost most of a 100,000-row import's inserts (issue
19), so an import takes them out while its rows go in and indexes the new
rows in one statement (``core.sqlite_load``). These tests hold the index to
what the triggers would have given, row for row: after a first import, after
an update that renames a project and an enterprise, and after a refused
import whose caller goes on to commit; and the triggers come back exactly as
migrated. On PostgreSQL (GIN indexes, no triggers) the searches still find
the rows.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from reind.core.db import Database
from reind.programme.actors import SYSTEM
from reind.programme.applications.lists import ApplicationFilters, list_applications
from reind.programme.enterprises.lists import list_enterprises
from reind.programme.imports import applications, bulk
from reind.programme.imports.bulk import ImportRejectedError, import_file
from reind.schemes.catalogue import default_engine
from tests.programme.import_files import COLUMNS, load, write

SEARCHED = (
    ("application_words", "applications", "application_id", ("title",)),
    ("enterprise_words", "enterprises", "enterprise_id", ("name_en", "name_zh")),
)


def _row(n: int, title: str = "", name: str = "") -> str:
    company = 40_000_000 + n % 2
    return (
        f"BUD-F-{n:03d},bud,{company},{name or f'Kwun Tong Works {company} Ltd'},cap622,20,yes,"
        f"textiles,{title or f'Knitting line {n}'},2022-03-01,600000,approved,500000,,2022-05-02"
    )


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(applications, "CHUNK", 2)


def _triggers(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    )
    return [(name, sql) for name, sql in rows]


def _indexed(db: Database) -> dict[str, tuple[Counter[tuple[Any, ...]], Counter[tuple[Any, ...]]]]:
    """Per FTS table: (its rows, the rows the triggers would have given it)."""
    found = {}
    with db.unit_of_work() as session:
        for words, table, key, columns in SEARCHED:
            listed = ", ".join(columns)
            fts = session.execute(text(f"SELECT {key}, {listed} FROM {words}"))  # noqa: S608
            rows = session.execute(text(f"SELECT id, {listed} FROM {table}"))  # noqa: S608
            found[words] = (Counter(map(tuple, fts)), Counter(map(tuple, rows)))
    return found


def _same_as_triggers(db: Database) -> None:
    for words, (fts, rows) in _indexed(db).items():
        assert fts == rows, words


def _titles(db: Database, q: str) -> list[str]:
    with db.unit_of_work() as session:
        page = list_applications(session, ApplicationFilters(q=q))
        return sorted(item.reference for item in page.items)


def test_imported_rows_are_indexed_once_each_as_the_triggers_would_have(
    db: Database, tmp_path: Path
) -> None:
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        with db.unit_of_work() as session:
            before = _triggers(session)
    rows = [_row(n) for n in range(5)] + [_row(5, title="智能針織生產線")]
    token = _token(db)
    load(db, "applications", write(tmp_path, "a.csv", COLUMNS, *rows))
    assert _token(db) != token  # a report kept for the data before is not served after
    assert _titles(db, "針織生產") == ["BUD-F-005"]
    assert _titles(db, "knitting line 3") == ["BUD-F-003"]
    with db.unit_of_work() as session:
        assert list_enterprises(session, q="kwun tong works").total == 2
    if not sqlite:
        return
    _same_as_triggers(db)
    with db.unit_of_work() as session:
        assert _triggers(session) == before
    # an update renames a project and an enterprise through the update triggers
    knits = "Kwun Tong Knits Ltd"
    rows = [_row(0), _row(1, "Circular knitting cell", knits), _row(2), _row(3, name=knits)]
    rows += [_row(4), _row(5, "智能針織生產線", knits), _row(6, title="Dyeing robot")]
    report = load(
        db, "applications", write(tmp_path, "b.csv", COLUMNS, *rows), enterprises="update"
    )
    assert (report.rows, report.updated, report.enterprises_updated) == (1, 1, 1)
    _same_as_triggers(db)
    assert _titles(db, "circular knitting") == ["BUD-F-001"]
    assert _titles(db, "knitting line 1") == []
    assert _titles(db, "dyeing robot") == ["BUD-F-006"]
    with db.unit_of_work() as session:
        assert _triggers(session) == before
        assert list_enterprises(session, q="kwun tong knits").total == 1


def test_the_insert_triggers_are_out_while_an_import_writes_on_sqlite(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fired per row, FTS5 flushed a segment per statement: 14.8 s of CPU for 100,000 titles.

    The report's data-changed mark, fired per row, updated one row 370,000
    times for 100,000 applications (9 s of CPU); it runs once at the end, and
    for the ledger's approvals by year (0058) the mark of every year instead.
    """
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's FTS5 triggers")
    seen: list[list[tuple[str, str]]] = []
    real = applications.import_applications

    def spy(session: Session, *args: Any, **kwargs: Any) -> Any:
        seen.append([t for t in _triggers(session) if _per_row(t[0])])
        return real(session, *args, **kwargs)

    monkeypatch.setattr(bulk, "import_applications", spy)
    before, years = _token(db), _token(db, "report_data_years WHERE year = 0")
    load(db, "applications", write(tmp_path, "a.csv", COLUMNS, _row(1)))
    with db.unit_of_work() as session:
        restored = [t for t in _triggers(session) if _per_row(t[0])]
    assert seen == [[]] and len(restored) == 3 + 15 + 1
    assert _token(db) != before  # the data-changed mark ran once, at the end
    assert _token(db, "report_data_years WHERE year = 0") != years  # every year's, too


def _per_row(trigger: str) -> bool:
    """The insert triggers an import takes out: search index and data-changed marks."""
    return trigger.endswith("_words_insert") or trigger.startswith(
        ("report_data_insert_", "report_years_insert_")
    )


def _token(db: Database, table: str = "report_data_version") -> str:
    with db.unit_of_work() as session:
        token: str = session.execute(text(f"SELECT token FROM {table}")).scalar_one()  # noqa: S608 - the test's own names
        return token


def test_a_refused_import_leaves_index_and_triggers_as_they_were_though_the_caller_commits(
    db: Database, tmp_path: Path
) -> None:
    load(db, "applications", write(tmp_path, "a.csv", COLUMNS, _row(0)))
    sqlite = db.engine.dialect.name == "sqlite"
    rows = [_row(n) for n in range(1, 6)] + [_row(6).replace("600000", "-1")]
    with db.unit_of_work() as session:
        before = _triggers(session) if sqlite else []
        with pytest.raises(ImportRejectedError):
            import_file(
                session,
                "applications",
                write(tmp_path, "b.csv", COLUMNS, *rows),
                SYSTEM,
                engine=default_engine(),
            )
        after = _triggers(session) if sqlite else []
    # the unit of work committed: what it kept is the file's absence
    assert after == before
    assert _titles(db, "knitting line") == ["BUD-F-000"]
    if sqlite:
        _same_as_triggers(db)
    # the restored triggers index what is written next
    load(db, "applications", write(tmp_path, "c.csv", COLUMNS, _row(7, title="Yarn twister")))
    assert _titles(db, "yarn twister") == ["BUD-F-007"]
    if sqlite:
        _same_as_triggers(db)
