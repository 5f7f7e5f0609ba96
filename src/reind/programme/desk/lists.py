"""Reads of enquiries for lists: newest first, a page at a time, filtered and searched.

110,000 enquiries are read one keyset page at a time on
``(received_at, id)`` descending (``reind.core.paging``); search looks in
the question's words and the enquirer's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, cast

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from reind.core.clock import HONG_KONG
from reind.core.paging import Page, after, clamp_limit, decode_cursor, like_pattern, page_of
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
    if filters.q and filters.q.strip():
        pattern = like_pattern(filters.q.strip().lower())
        where.append(
            or_(
                func.lower(EnquiryRow.question).like(pattern, escape="\\"),
                func.lower(EnquiryRow.enquirer_name).like(pattern, escape="\\"),
            )
        )
    return where


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
        .where(*where)
        .order_by(EnquiryRow.received_at.desc(), EnquiryRow.id.desc())
        .limit(size + 1)
    ).all()
    total = session.execute(
        select(func.count()).select_from(EnquiryRow).where(*_where(filters))
    ).scalar_one()
    return page_of(
        [EnquiryItem(*cast(Any, r)) for r in rows],
        size,
        int(total),
        lambda i: [i.received_at, i.id],
    )
