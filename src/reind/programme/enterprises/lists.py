"""Reads of the register for lists: enterprises a page at a time, in BR-number order, searched.

Keyset pages on the unique BR number (``reind.core.paging``); search is a
BR number (or its beginning) or words of either name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from reind.core.paging import Page, after, clamp_limit, decode_cursor, like_pattern, page_of
from reind.programme.enterprises.store import EnterpriseRow


@dataclass(frozen=True, slots=True)
class EnterpriseItem:
    """One enterprise as a list shows it."""

    id: str
    br_number: str
    name_en: str
    name_zh: str
    incorporation: str
    employees: int
    manufacturing: bool
    industry: str


def _where(q: str | None, industry: str | None) -> list[Any]:
    where: list[Any] = []
    if industry:
        where.append(EnterpriseRow.industry == industry)
    text = (q or "").strip()
    if text:
        where.append(
            or_(
                and_(EnterpriseRow.br_number >= text, EnterpriseRow.br_number < text + "\uffff"),
                func.lower(EnterpriseRow.name_en).like(like_pattern(text.lower()), escape="\\"),
                EnterpriseRow.name_zh.like(like_pattern(text), escape="\\"),
            )
        )
    return where


def list_enterprises(
    session: Session,
    *,
    q: str | None = None,
    industry: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[EnterpriseItem]:
    """One page of the register in BR-number order, narrowed by ``q`` and ``industry``."""
    size = clamp_limit(limit)
    where = _where(q, industry)
    start = decode_cursor(cursor, 1)
    if start is not None:
        where.append(after([EnterpriseRow.br_number], start))
    rows = session.execute(
        select(
            EnterpriseRow.id,
            EnterpriseRow.br_number,
            EnterpriseRow.name_en,
            EnterpriseRow.name_zh,
            EnterpriseRow.incorporation,
            EnterpriseRow.employees,
            EnterpriseRow.manufacturing,
            EnterpriseRow.industry,
        )
        .where(*where)
        .order_by(EnterpriseRow.br_number)
        .limit(size + 1)
    ).all()
    total = session.execute(
        select(func.count()).select_from(EnterpriseRow).where(*_where(q, industry))
    ).scalar_one()
    items = [EnterpriseItem(*cast(Any, r)) for r in rows]
    return page_of(items, size, int(total), lambda i: [i.br_number])
