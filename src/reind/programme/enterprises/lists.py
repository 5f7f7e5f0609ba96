"""Reads of the register for lists: enterprises a page at a time, in BR-number order, searched.

Keyset pages on the unique BR number (``reind.core.paging``); search is a
BR number (or its beginning) or a piece of either name, through the trigram
indexes (``reind.core.search``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from reind.core.paging import Page, after, clamp_limit, decode_cursor, page_of
from reind.core.search import Words
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


ENTERPRISE_WORDS = Words(
    "enterprise_words",
    "enterprise_id",
    EnterpriseRow.id,
    (EnterpriseRow.name_en, EnterpriseRow.name_zh),
)
"""The register's searched text: both names (``reind.core.search``)."""


def _where(session: Session, q: str | None, industry: str | None) -> list[Any]:
    where: list[Any] = []
    if industry:
        where.append(EnterpriseRow.industry == industry)
    text = (q or "").strip()
    if text:
        by_number = select(EnterpriseRow.id).where(
            EnterpriseRow.br_number >= text, EnterpriseRow.br_number < text + "\uffff"
        )
        where.append(
            EnterpriseRow.id.in_(union(by_number, ENTERPRISE_WORDS.keys_matching(session, text)))
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
    where = _where(session, q, industry)
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
        select(func.count()).select_from(EnterpriseRow).where(*_where(session, q, industry))
    ).scalar_one()
    items = [EnterpriseItem(*cast(Any, r)) for r in rows]
    return page_of(items, size, int(total), lambda i: [i.br_number])
