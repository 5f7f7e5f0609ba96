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
it was computed from: the first view after any write computes afresh
(the "cold" figure ``bench/pages.py`` prints beside the warm one).
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

from reind.reporting.figures import ApprovalsByYear, Figure, compute_report, parameters, statement
from reind.reporting.queries import RFS_BY_INDUSTRY, TAX_BY_YEAR

KEPT = 8
"""Reports kept per database (dates and languages asked for; the language is not in the key)."""
_TOKEN = text("SELECT token FROM report_data_version WHERE id = 1")


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
    if ids:
        return _computed(session, as_of, ids=True)
    return _kept.get(session, as_of)


def data_token(session: Session) -> str:
    """The token that every write to the report's records replaces (migration 0048)."""
    return str(session.execute(_TOKEN).scalar_one())


def _computed(session: Session, as_of: date, *, ids: bool) -> ReportData:
    figures, by_year = compute_report(session, as_of, ids=ids)
    industries = session.execute(statement(RFS_BY_INDUSTRY), {"as_of": as_of})
    tax = session.execute(text(TAX_BY_YEAR), {"as_of": as_of})
    return ReportData(
        figures,
        by_year,
        parameters(session, as_of),
        tuple(tuple(row) for row in industries),
        tuple(tuple(row) for row in tax),
    )


class _Kept:
    """Per database engine, the last few ``ReportData`` by (token, date)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_engine: WeakKeyDictionary[Engine, OrderedDict[tuple[str, date], ReportData]] = (
            WeakKeyDictionary()
        )

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
        data = _computed(session, as_of, ids=False)
        if data_token(session) == before:
            with self._lock:
                store[key] = data
                while len(store) > KEPT:
                    store.popitem(last=False)
        return data


_kept = _Kept()
