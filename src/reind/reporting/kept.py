"""The report's figures kept between views, keyed by the records they were computed from.

The page, the PDF and the CSV compute figures through ``figures.py``; at
122,000 applications on SQLite that costs about a second however it is
written (one pass over 113,000 joined EMF approvals alone is ~0.3 s), and
the page is asked for again and again while nothing changes. So what
``gather`` computes for a page (figures counted, not listed, and the tables
and chart sums beside them) is kept in this process, keyed by the date and
by the token of ``report_data_version``.

Migration 0048 puts a trigger on every table the report reads that sets a
new random token in the transaction that writes (on PostgreSQL at its
commit): the token changes exactly when the records do, and never comes
back. The token is read before computing and again after; the result is
kept only when the two agree, so every statement in between read the same
records (a write that committed in between would have changed the token).
A kept result therefore can never be served for records other than those
it was computed from.

The first view after a write computes afresh, but not all of it (the "cold"
figure ``bench/pages.py`` prints beside the warm one): the figures over the
ledger's approvals, one pass over every approval (0.5-0.7 s at the issue's
volumes), are summed from pieces, one per financial year (``figures._pieced``),
and each piece is kept until a write reaches its year. Migration 0058 keeps a
token per financial year of the approvals, replaced by any write to that
year's approvals, and a token for every year (year 0) replaced by a change
that reaches approvals of any year. A piece is kept keyed by year 0's token
and the tokens of its years, so an approval recorded today costs the next
view one pass over this year's approvals, and a case moved on or a claim
paid costs none. Pieces are only ever kept by a view whose data token did
not change while it computed, so they too were computed from the records
their tokens stand for.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from reind.core.planner import costed_as_cached
from reind.reporting.figures import (
    ApprovalsByYear,
    Figure,
    Piece,
    PieceKey,
    Pieces,
    compute_report,
    parameters,
    statement,
)
from reind.reporting.queries import RFS_BY_INDUSTRY, TAX_BY_YEAR

KEPT = 8
"""Reports kept per database (dates and languages asked for; the language is not in the key)."""
PIECES_KEPT = 512
"""Pieces kept per database: each report holds three rows' worth, one piece per financial year."""
_TOKEN = text("SELECT token FROM report_data_version WHERE id = 1")
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


def data_token(session: Session) -> str:
    """The token that every write to the report's records replaces (migration 0048)."""
    return str(session.execute(_TOKEN).scalar_one())


def year_tokens(session: Session) -> dict[int, str]:
    """Each financial year's token of the approvals, and year 0's (migration 0058)."""
    return {int(year): str(token) for year, token in session.execute(_YEARS)}


def _computed(
    session: Session, as_of: date, *, ids: bool, pieces: Pieces | None = None
) -> ReportData:
    figures, by_year = compute_report(session, as_of, ids=ids, pieces=pieces)
    industries = session.execute(statement(RFS_BY_INDUSTRY), {"as_of": as_of})
    tax = session.execute(text(TAX_BY_YEAR), {"as_of": as_of})
    return ReportData(
        figures,
        by_year,
        parameters(session, as_of),
        tuple(tuple(row) for row in industries),
        tuple(tuple(row) for row in tax),
    )


_PieceStore = OrderedDict[tuple[PieceKey, tuple[tuple[int, str], ...]], Piece]


class _Kept:
    """Per database engine, the last few ``ReportData`` by (token, date), and their pieces."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_engine: WeakKeyDictionary[Engine, OrderedDict[tuple[str, date], ReportData]] = (
            WeakKeyDictionary()
        )
        self._pieces: WeakKeyDictionary[Engine, _PieceStore] = WeakKeyDictionary()

    def get(self, session: Session, as_of: date) -> ReportData:
        engine = session.get_bind().engine
        before = data_token(session)
        key = (before, as_of)
        with self._lock:
            store = self._by_engine.setdefault(engine, OrderedDict())
            found = store.get(key)
            if found is not None:
                store.move_to_end(key)
                return found
        with self._lock:
            pieces = self._pieces.setdefault(engine, OrderedDict())
        keeper = _Keeper(self._lock, pieces, year_tokens(session))
        data = _computed(session, as_of, ids=False, pieces=keeper)
        # Every write that replaces a year's token writes a table whose trigger replaces
        # the data token in the same transaction: unchanged, nothing was written meanwhile.
        if data_token(session) == before:
            with self._lock:
                store[key] = data
                while len(store) > KEPT:
                    store.popitem(last=False)
                pieces.update(keeper.computed)
                while len(pieces) > PIECES_KEPT:
                    pieces.popitem(last=False)
        return data


class _Keeper:
    """One view's keeper of pieces: those kept under the year tokens read as the view began,
    and those it computed (kept for later views only if the data token held still)."""

    def __init__(self, lock: threading.Lock, pieces: _PieceStore, tokens: dict[int, str]) -> None:
        self._lock = lock
        self._pieces = pieces
        self._tokens = tokens
        self.computed: _PieceStore = OrderedDict()

    def kept(self, key: PieceKey, years: tuple[int, int]) -> Piece | None:
        full = (key, self._marks(years))
        with self._lock:
            found = self._pieces.get(full)
            if found is not None:
                self._pieces.move_to_end(full)
            return found

    def keep(self, key: PieceKey, years: tuple[int, int], piece: Piece) -> None:
        self.computed[(key, self._marks(years))] = piece

    def _marks(self, years: tuple[int, int]) -> tuple[tuple[int, str], ...]:
        """Year 0's token and those of ``years``: what a write reaching the piece replaces."""
        within = sorted((y, t) for y, t in self._tokens.items() if years[0] <= y < years[1])
        return ((0, self._tokens.get(0, "")), *within)


_kept = _Kept()
