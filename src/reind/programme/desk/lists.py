"""Reads of enquiries for lists: newest first, a page at a time, filtered and searched.

110,000 enquiries are read one keyset page at a time on
``(received_at, id)`` descending (``reind.core.paging``); search finds a
piece of the question or the enquirer's name (``reind.core.search``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reind.core.clock import HONG_KONG
from reind.core.paging import Page, after, clamp_limit, decode_cursor, page_of
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
    """The enquiries, joined to what the search finds (leading when few; ``core.search``)."""
    if not (filters.q and filters.q.strip()):
        return EnquiryRow.__table__
    hits = hits_of(session, ENQUIRY_WORDS.keys_matching(session, filters.q))
    return hits_join(hits, EnquiryRow.__table__, EnquiryRow.id == hits.c.id, count)


def list_enquiries(
    session: Session,
    filters: EnquiryFilters,
    *,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[EnquiryItem]:
    """One page of the enquiries matching ``filters``, newest first, after ``cursor``."""
    size = clamp_limit(limit)
    where = _where(filters)
    if where or not (filters.q and filters.q.strip()):
        counted = select(func.count()).select_from(_enquiries_from(session, filters)).where(*where)
    else:  # the search alone: count its hits without reading the enquiries
        hits = ENQUIRY_WORDS.keys_matching(session, filters.q).subquery("hits")
        counted = select(func.count()).select_from(hits)
    total = session.execute(counted).scalar_one()
    start = decode_cursor(cursor, 2)
    keys = [EnquiryRow.received_at, EnquiryRow.id]
    if start is not None:
        where.append(after(keys, [datetime.fromisoformat(str(start[0])), start[1]], True))
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
        .select_from(_enquiries_from(session, filters, int(total)))
        .where(*where)
        .order_by(EnquiryRow.received_at.desc(), EnquiryRow.id.desc())
        .limit(size + 1)
    ).all()
    return page_of(
        [EnquiryItem(*cast(Any, r)) for r in rows],
        size,
        int(total),
        lambda i: [i.received_at, i.id],
    )
