"""The report's figures kept between views, keyed by the records they were computed from.

The page, the PDF and the CSV compute figures through ``figures.py``; at
122,000 applications on SQLite that costs about a second however it is
written, and the page is asked for again and again while nothing changes.
So what ``gather`` computes for a page (figures counted, not listed, and the
tables and chart sums beside them) is kept in this process.

Each table the report reads has a token that a trigger replaces in every
transaction that writes the table (migration 0060, on PostgreSQL at its
commit), and the approvals of each financial year have one too (0058: year 0
stands for every year). The whole page is kept keyed by its date and every
table's token; each figure (and each of the page's tables) is kept keyed by
the tokens of the tables its SQL reads (``queries.tables_read``); the
figures over the ledger's approvals are kept in pieces, one per financial
year, keyed by year 0's token and their years' (``figures._pieced``). So a
write costs the next view only what reads what it wrote: a seminar, the
seminars figure; an approval recorded now, this year's approvals and RTTP's
places (the "cold" figures ``bench/pages.py`` prints beside the warm one).

The tokens are read before computing and again after; what was computed is
kept only when they agree, so every statement in between read the records
the tokens stand for (a write that committed in between would have replaced
one). Random, not counters: a database restored from a backup and written
again never reaches a token it had before. A kept result therefore can never
be served for records other than those it was computed from.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, TextClause, text
from sqlalchemy.orm import Session

from reind.core.planner import costed_as_cached
from reind.reporting.figures import (
    ApprovalsByYear,
    Figure,
    PartKey,
    Parts,
    compute_report,
    keeping,
    parameters,
    statement,
)
from reind.reporting.queries import RFS_BY_INDUSTRY, TAX_BY_YEAR, tables_read

KEPT = 8
"""Reports kept per database (dates and languages asked for; the language is not in the key)."""
PARTS_KEPT = 1024
"""Figures, tables and pieces kept per database: a report holds some 60 of them."""
_TABLES = text("SELECT name, token FROM report_data_tables")
_YEARS = text("SELECT year, token FROM report_data_years")


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report shows that comes from the records, before wording and charts."""

    figures: dict[str, Figure]
    by_year: ApprovalsByYear
    params: dict[str, Any]
    industries: tuple[tuple[Any, ...], ...]
    tax: tuple[tuple[Any, ...], ...]


def gather(session: Session, as_of: date, *, ids: bool = True) -> ReportData:
    """The report's figures, its tables' rows and its chart sums as at ``as_of``.

    With ``ids`` every figure's record ids are fetched (never kept: a file's
    worth); without, the records are counted and the result is kept until
    the records change (``data_token``).
    """
    with costed_as_cached(session):  # PostgreSQL: 270 RFS applications joined by index
        if ids:
            return _computed(session, as_of, ids=True)
        return _kept.get(session, as_of)


def table_tokens(session: Session) -> dict[str, str]:
    """Each table's token, which every write to the table replaces (migration 0060)."""
    return {str(name): str(token) for name, token in session.execute(_TABLES)}


def data_token(session: Session) -> str:
    """A token that every write to any of the report's records replaces: the tables', joined."""
    return ",".join(token for _, token in sorted(table_tokens(session).items()))


def year_tokens(session: Session) -> dict[int, str]:
    """Each financial year's token of the approvals, and year 0's (migration 0058)."""
    return {int(year): str(token) for year, token in session.execute(_YEARS)}


def _computed(
    session: Session, as_of: date, *, ids: bool, parts: Parts | None = None
) -> ReportData:
    figures, by_year = compute_report(session, as_of, ids=ids, parts=parts)
    industries = keeping(
        parts,
        ("industries", as_of),
        tables_read(RFS_BY_INDUSTRY),
        partial(_rows, session, statement(RFS_BY_INDUSTRY), as_of),
    )
    tax = keeping(
        parts,
        ("tax", as_of),
        tables_read(TAX_BY_YEAR),
        partial(_rows, session, text(TAX_BY_YEAR), as_of),
    )
    return ReportData(figures, by_year, parameters(session, as_of), industries, tax)


def _rows(session: Session, clause: TextClause, as_of: date) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(row) for row in session.execute(clause, {"as_of": as_of}))


_Marks = tuple[tuple[Any, str], ...]
_PartStore = OrderedDict[tuple[PartKey, _Marks], Any]


class _Kept:
    """Per database engine, the last few ``ReportData`` by (tokens, date), and their parts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_engine: WeakKeyDictionary[Engine, OrderedDict[tuple[_Marks, date], ReportData]] = (
            WeakKeyDictionary()
        )
        self._parts: WeakKeyDictionary[Engine, _PartStore] = WeakKeyDictionary()

    def get(self, session: Session, as_of: date) -> ReportData:
        engine = session.get_bind().engine
        tables = table_tokens(session)
        key = (tuple(sorted(tables.items())), as_of)
        with self._lock:
            store = self._by_engine.setdefault(engine, OrderedDict())
            found = store.get(key)
            if found is not None:
                store.move_to_end(key)
                return found
            parts = self._parts.setdefault(engine, OrderedDict())
        keeper = _Keeper(self._lock, parts, tables, year_tokens(session))
        data = _computed(session, as_of, ids=False, parts=keeper)
        # Every write that replaces a year's token writes a table (ledger entries,
        # applications or enterprises) whose token the same transaction replaces: the
        # tables' tokens unchanged, nothing was written while the view computed.
        if table_tokens(session) == tables:
            with self._lock:
                store[key] = data
                while len(store) > KEPT:
                    store.popitem(last=False)
                parts.update(keeper.computed)
                while len(parts) > PARTS_KEPT:
                    parts.popitem(last=False)
        return data


class _Keeper:
    """One view's keeper of parts: those kept under the tokens read as the view began, and
    those it computed (kept for later views only if the tokens held still meanwhile)."""

    def __init__(
        self, lock: threading.Lock, parts: _PartStore, tables: dict[str, str], years: dict[int, str]
    ) -> None:
        self._lock = lock
        self._parts = parts
        self._tables = tables
        self._years = years
        self.computed: _PartStore = OrderedDict()

    def kept(self, key: PartKey, tables: frozenset[str], years: tuple[int, int] | None) -> Any:
        marks = self._marks(tables, years)
        if marks is None:
            return None
        with self._lock:
            found = self._parts.get((key, marks))
            if found is not None:
                self._parts.move_to_end((key, marks))
            return found

    def keep(
        self, key: PartKey, tables: frozenset[str], years: tuple[int, int] | None, part: object
    ) -> None:
        marks = self._marks(tables, years)
        if marks is not None:
            self.computed[(key, marks)] = part

    def _marks(self, tables: frozenset[str], years: tuple[int, int] | None) -> _Marks | None:
        """The tokens a write reaching the part replaces; None if a table it reads has none
        (such a part is never kept: nothing would tell when it changed)."""
        if not tables <= self._tables.keys():
            return None
        marks: list[tuple[Any, str]] = [(name, self._tables[name]) for name in sorted(tables)]
        if years is not None:
            marks.append((0, self._years.get(0, "")))
            marks += sorted((y, t) for y, t in self._years.items() if years[0] <= y < years[1])
        return tuple(marks)


_kept = _Kept()
