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

from reind.core.clock import HONG_KONG
from reind.core.paging import Page, Sort, capped_count, clamp_limit, page_of, sort_named
from reind.core.search import Words, hits_join, hits_of
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


def _enquiries_from(session: Session, filters: EnquiryFilters, count: int | None = None) -> Any:
    """The enquiries, joined to what the search finds (leading when few; ``core.search``).

    On PostgreSQL the search is a WHERE term instead (``_searched``).
    """
    if not (filters.q and filters.q.strip()) or _searched(session, filters) is not None:
        return EnquiryRow.__table__
    hits = hits_of(session, ENQUIRY_WORDS.keys_matching(session, filters.q))
    return hits_join(hits, EnquiryRow.__table__, EnquiryRow.id == hits.c.id, count)


def _searched(session: Session, filters: EnquiryFilters) -> Any | None:
    """On PostgreSQL, the search as a WHERE term, so one query stops at the page.

    PostgreSQL reads many matches along the list's ordering index and few by
    the trigram index, as its statistics tell it; collecting every hit first
    and counting them all took 364 ms for "smart production" (issue 16).
    SQLite joins the hits instead (``core.search.hits_join``).
    """
    if not (filters.q and filters.q.strip()) or session.get_bind().dialect.name != "postgresql":
        return None
    return ENQUIRY_WORDS.holds(session, filters.q)


def list_enquiries(
    session: Session,
    filters: EnquiryFilters,
    *,
    sort: str = "-received",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[EnquiryItem]:
    """One page of the enquiries matching ``filters`` in ``sort`` order, after ``cursor``.

    Counted up to ``COUNT_CAP`` ("more than 10,000").
    """
    size = clamp_limit(limit)
    order = sort_named(SORTS, sort)
    where = _where(filters)
    term = _searched(session, filters)
    if term is not None:
        where.append(term)
    if where or not (filters.q and filters.q.strip()):
        counted = select(EnquiryRow.id).select_from(_enquiries_from(session, filters)).where(*where)
    else:  # the search alone on SQLite: count its hits without reading the enquiries
        counted = select(ENQUIRY_WORDS.keys_matching(session, filters.q).subquery("hits"))
    total, capped = capped_count(session, counted)
    start = order.after_cursor(cursor)
    if start is not None:
        where.append(start)
    rows = session.execute(
        select(
            EnquiryRow.id,
            EnquiryRow.received_at,
            EnquiryRow.channel,
            EnquiryRow.centre,
            EnquiryRow.state,
            EnquiryRow.question,
            EnquiryRow.enquirer_name,
        )
        .select_from(_enquiries_from(session, filters, total))
        .where(*where)
        .order_by(*order.order())
        .limit(size + 1)
    ).all()
    items = [EnquiryItem(*cast(Any, r)) for r in rows]
    return page_of(items, size, total, order.cursor_of, capped=capped)
