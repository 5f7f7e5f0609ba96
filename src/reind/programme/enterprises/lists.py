"""Reads of the register for lists: enterprises a page at a time, sorted, searched.

Keyset pages on the unique BR number, or on a name or size with the BR
number to break ties (``reind.core.paging``); search is a
BR number (or its beginning) or a piece of either name, through the trigram
indexes (``reind.core.search``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from reind.core.paging import Page, both_ways, capped_count, clamp_limit, page_of, sort_named
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


SORTS = {
    **both_ways(br_number=(EnterpriseRow.br_number,)),
    **both_ways(name=(EnterpriseRow.name_en, EnterpriseRow.br_number)),
    **both_ways(employees=(EnterpriseRow.employees, EnterpriseRow.br_number)),
}
"""The register's orderings: by BR number (the default), English name or size, either way."""


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
    sort: str = "br_number",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[EnterpriseItem]:
    """One page of the register in ``sort`` order, narrowed by ``q`` and ``industry``.

    Counted up to ``COUNT_CAP`` ("more than 10,000").
    """
    size = clamp_limit(limit)
    ordering = sort_named(SORTS, sort)
    where = _where(session, q, industry)
    start = ordering.after_cursor(cursor)
    if start is not None:
        where.append(start)
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
        .order_by(*ordering.order())
        .limit(size + 1)
    ).all()
    counted = select(EnterpriseRow.id).where(*_where(session, q, industry))
    total, capped = capped_count(session, counted)
    items = [EnterpriseItem(*cast(Any, r)) for r in rows]
    return page_of(items, size, total, ordering.cursor_of, capped=capped)
