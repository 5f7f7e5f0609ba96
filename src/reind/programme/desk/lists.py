"""Reads of enquiries for lists: newest first, a page at a time, filtered and searched.

110,000 enquiries are read one keyset page at a time on
``(received_at, id)``, newest or oldest first (``reind.core.paging``); search
finds a piece of the question or the enquirer's name (``reind.core.search``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core import paging, search
from reind.core.clock import HONG_KONG
from reind.core.paging import Page, Sort, capped_count, clamp_limit, page_of, sort_named
from reind.core.search import (
    Words,
    hits_counted,
    hits_join,
    hits_of,
    row_holds,
    unindexed,
)
from reind.programme.desk.store import EnquiryRow


@dataclass(frozen=True, slots=True)
class EnquiryFilters:
    """What a list of enquiries is narrowed to (None: not narrowed)."""

    state: str | None = None
    centre: str | None = None
    channel: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str | None = None


@dataclass(frozen=True, slots=True)
class EnquiryItem:
    """One line of the list of enquiries."""

    id: str
    received_at: datetime
    channel: str
    centre: str | None
    state: str
    question: str
    enquirer_name: str


def _hk_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=HONG_KONG).astimezone(UTC)


SORTS = {
    "-received": Sort((EnquiryRow.received_at, EnquiryRow.id), descending=True),
    "received": Sort((EnquiryRow.received_at, EnquiryRow.id)),
}
"""The orderings the list offers: newest first (the default) or oldest first."""

ENQUIRY_WORDS = Words(
    "enquiry_words", "enquiry_id", EnquiryRow.id, (EnquiryRow.question, EnquiryRow.enquirer_name)
)
"""The enquiries' searched text: the question and the enquirer's name (``reind.core.search``)."""


def _where(filters: EnquiryFilters) -> list[Any]:
    where: list[Any] = []
    if filters.state:
        where.append(EnquiryRow.state == filters.state)
    if filters.centre:
        where.append(EnquiryRow.centre == filters.centre)
    if filters.channel:
        where.append(EnquiryRow.channel == filters.channel)
    if filters.received_from:
        where.append(EnquiryRow.received_at >= _hk_start(filters.received_from))
    if filters.received_to:
        where.append(
            EnquiryRow.received_at
            < _hk_start(filters.received_to.fromordinal(filters.received_to.toordinal() + 1))
        )
    return where


TESTED_ON_ROWS = (
    EnquiryRow.state,
    EnquiryRow.centre,
    EnquiryRow.channel,
    EnquiryRow.question,
    EnquiryRow.enquirer_name,
)
"""Columns SQLite tests on each row it reads, off their indexes, when counting (few kinds)."""
ORDERING = (EnquiryRow.received_at, EnquiryRow.id)
"""The ordering's columns: a range of dates is read along them, in order."""


def _off_indexes(session: Session, terms: list[Any], columns: tuple[Any, ...]) -> list[Any]:
    """``terms`` with ``columns`` read off SQLite's indexes (``core.search.unindexed``)."""
    if session.get_bind().dialect.name != "sqlite":
        return terms
    return [unindexed(term, columns) for term in terms]


def list_enquiries(
    session: Session,
    filters: EnquiryFilters,
    *,
    sort: str = "-received",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[EnquiryItem]:
    """One page of the enquiries matching ``filters`` in ``sort`` order, after ``cursor``.

    Counted up to ``COUNT_CAP`` ("more than 10,000"). The smaller side leads
    (issue 16: a search with a state or channel took 340 to 600 ms on the
    demo's SQLite when every hit of the text index was read, twice):

    - few hits in SQLite's text index (``core.search.FEW``): the hits lead,
      each looked up by key, then sorted;
    - else the rows are tested for the text themselves
      (``core.search.row_holds``; PostgreSQL always). On SQLite the text
      index counts a search with no other filter (its hits, to the cap);
      with one, the table is read in its own order (or a range of dates,
      when asked), since states, centres and channels are few and each
      keeps many rows. The page is then walked along the ordering index (the
      state's, when narrowed to one), or, when few match in all, read as
      counted and sorted.
    """
    size = clamp_limit(limit)
    order = sort_named(SORTS, sort)
    text = (filters.q or "").strip()
    where = _where(filters)
    # the text alone: its index counts the list (to the cap); else only whether few
    cap = search.FEW if where else paging.COUNT_CAP
    hits = hits_counted(session, ENQUIRY_WORDS, text, cap) if text else None
    if hits is not None and hits <= search.FEW:
        return _hits_first(session, filters, order, cursor, size, hits)
    if text:
        where.append(row_holds(session, ENQUIRY_WORDS, text))
    dated = filters.received_from is not None or filters.received_to is not None
    scanned = TESTED_ON_ROWS if dated else TESTED_ON_ROWS + ORDERING
    if hits is not None and cap == paging.COUNT_CAP:
        total, capped = min(hits, cap), hits > cap
    else:
        counted = select(EnquiryRow.id).where(*_off_indexes(session, where, scanned))
        total, capped = capped_count(session, counted)
    start = order.after_cursor(cursor)
    if total == 0:  # nothing to read again (a search finding nothing read every row once)
        return page_of([], size, total, order.cursor_of)
    if start is not None:
        where.append(start)
    ordering = order.order()
    if total <= search.FEW:  # few match: read them as counted, then sort them
        where = _off_indexes(session, where, scanned)
        ordering = _off_indexes(session, ordering, scanned)
    else:  # many: along the ordering (or the state's) index, testing the rest on each row
        where = _off_indexes(session, where, (EnquiryRow.centre, EnquiryRow.channel))
    rows = session.execute(_columns().where(*where).order_by(*ordering).limit(size + 1)).all()
    items = [EnquiryItem(*cast(Any, r)) for r in rows]
    return page_of(items, size, total, order.cursor_of, capped=capped)


def _hits_first(
    session: Session, filters: EnquiryFilters, order: Sort, cursor: str | None, size: int, hits: int
) -> Page[EnquiryItem]:
    """The page when SQLite's text index finds few (``hits``): they lead, each looked up by key."""
    keys = hits_of(session, ENQUIRY_WORDS.keys_matching(session, filters.q or ""))
    joined = hits_join(keys, EnquiryRow.__table__, EnquiryRow.id == keys.c.id)
    where = _where(filters)
    if where:
        total, _ = capped_count(session, select(EnquiryRow.id).select_from(joined).where(*where))
    else:
        total = hits
    start = order.after_cursor(cursor)
    if start is not None:
        where.append(start)
    statement = _columns().select_from(joined).where(*where).order_by(*order.order())
    items = [EnquiryItem(*cast(Any, r)) for r in session.execute(statement.limit(size + 1))]
    return page_of(items, size, total, order.cursor_of)


def _columns() -> Any:
    """The SELECT of an enquiry's listed columns (``EnquiryItem``)."""
    return select(
        EnquiryRow.id,
        EnquiryRow.received_at,
        EnquiryRow.channel,
        EnquiryRow.centre,
        EnquiryRow.state,
        EnquiryRow.question,
        EnquiryRow.enquirer_name,
    )
