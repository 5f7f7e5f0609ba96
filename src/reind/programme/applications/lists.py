"""Reads of applications for lists: one page at a time, filtered, searched, counted.

The officer's queues, finance's project ledgers and the API's
``GET /api/v1/applications`` all read here, so a list of 120,000 costs one
indexed page (``reind.core.paging``), never the whole table. Search takes
what an officer has to hand: a reference (or its beginning), a BR number,
or words from the project title or the enterprise's name in either language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from reind.core.errors import InvalidInputError
from reind.core.paging import Page, after, capped_count, clamp_limit, decode_cursor, page_of
from reind.core.search import Words, hits_join, hits_of
from reind.programme.applications.store import ApplicationRow
from reind.programme.enterprises.lists import ENTERPRISE_WORDS
from reind.programme.enterprises.store import EnterpriseRow

SORTS = {
    "reference": (False, ("reference",)),
    "-reference": (True, ("reference",)),
    "amount": (False, ("amount_requested_cents", "reference")),
    "-amount": (True, ("amount_requested_cents", "reference")),
}
"""The orderings a list offers: (descending, key columns); the last key is unique."""


@dataclass(frozen=True, slots=True)
class ApplicationFilters:
    """What a list of applications is narrowed to (None: not narrowed)."""

    state: str | None = None
    scheme: str | None = None
    industry: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str | None = None
    enterprise_id: str | None = None
    assigned_officer: str | None = None
    """The actor id of the officer the cases are assigned to ("My cases")."""


@dataclass(frozen=True, slots=True)
class ApplicationItem:
    """One line of a list of applications, with its enterprise."""

    id: str
    reference: str
    scheme: str
    state: str
    title: str
    received: date | None
    amount_requested_cents: int
    enterprise_id: str
    br_number: str
    name_en: str
    name_zh: str
    industry: str
    assigned_officer: str | None = None

    def enterprise_name(self, lang: str) -> str:
        """The enterprise's name in ``lang`` (English where no Chinese name is held)."""
        return self.name_zh if lang == "zh-Hant" and self.name_zh else self.name_en


_COLUMNS = (
    ApplicationRow.id,
    ApplicationRow.reference,
    ApplicationRow.scheme,
    ApplicationRow.state,
    ApplicationRow.title,
    ApplicationRow.received,
    ApplicationRow.amount_requested_cents,
    ApplicationRow.enterprise_id,
    EnterpriseRow.br_number,
    EnterpriseRow.name_en,
    EnterpriseRow.name_zh,
    EnterpriseRow.industry,
    ApplicationRow.assigned_officer,
)


APPLICATION_WORDS = Words(
    "application_words", "application_id", ApplicationRow.id, (ApplicationRow.title,)
)
"""The applications' searched text: the project title (``reind.core.search``)."""


def search_ids(session: Session, q: str) -> Any:
    """A SELECT of the ids of the applications a search box's text finds.

    A BR number (eight digits) or a reference matches exactly or by its
    beginning (indexed); anything else also matches inside the title and
    either name of the enterprise, without regard to case, through the
    trigram indexes (``reind.core.search``). Each way of matching is its own
    indexed SELECT of ids, and their UNION is the answer: an OR of them in
    one WHERE made both databases read every row (1.1 s for a reference on
    120,000 applications).
    """
    text = q.strip()
    upper = text.upper()
    ways: list[Any] = [
        select(ApplicationRow.id).where(
            ApplicationRow.reference >= upper, ApplicationRow.reference < upper + "\uffff"
        )
    ]
    enterprises: list[Any] = [select(EnterpriseRow.id).where(EnterpriseRow.br_number == text)]
    if not (text.isdigit() and len(text) == 8):
        ways.append(APPLICATION_WORDS.keys_matching(session, text))
        enterprises.append(ENTERPRISE_WORDS.keys_matching(session, text))
    ways.append(
        select(ApplicationRow.id).where(ApplicationRow.enterprise_id.in_(union(*enterprises)))
    )
    return union(*ways)


def application_conditions(filters: ApplicationFilters) -> list[Any]:
    """The WHERE terms for ``filters`` but the search and the industry (``applications_from``)."""
    where: list[Any] = []
    if filters.state:
        where.append(ApplicationRow.state == filters.state)
    if filters.scheme:
        where.append(ApplicationRow.scheme == filters.scheme)
    if filters.enterprise_id:
        where.append(ApplicationRow.enterprise_id == filters.enterprise_id)
    if filters.assigned_officer:  # indexed with the reference: ix_applications_assigned_officer
        where.append(ApplicationRow.assigned_officer == filters.assigned_officer)
    if filters.received_from:
        where.append(ApplicationRow.received >= filters.received_from)
    if filters.received_to:
        where.append(ApplicationRow.received <= filters.received_to)
    return where


def applications_from(
    session: Session, filters: ApplicationFilters, count: int | None = None
) -> Any:
    """The applications table, joined to what the search finds and the industry's enterprises.

    The search's ids (or else the industry's enterprises) lead the join when
    few, or when counting (``count`` None); see ``reind.core.search.hits_join``.
    A list always reads its rows with ``application_conditions`` as well.
    """
    narrowing: list[tuple[Any, Any]] = []
    if filters.q and filters.q.strip():
        hits = hits_of(session, search_ids(session, filters.q))
        narrowing.append((hits, ApplicationRow.id == hits.c.id))
    if filters.industry:
        industry = (
            select(EnterpriseRow.id.label("id"))
            .where(EnterpriseRow.industry == filters.industry)
            .subquery("industry")
        )
        narrowing.append((industry, ApplicationRow.enterprise_id == industry.c.id))
    joined: Any = ApplicationRow.__table__
    for n, (subquery, onclause) in enumerate(narrowing):
        if n == 0:
            joined = hits_join(subquery, joined, onclause, count)
        else:
            joined = joined.join(subquery, onclause)
    return joined


def count_applications(session: Session, filters: ApplicationFilters) -> tuple[int, bool]:
    """How many applications match ``filters``, up to ``COUNT_CAP``; whether more do."""
    where = application_conditions(filters)
    if filters.q and filters.q.strip() and not where and not filters.industry:
        # The search alone: its UNION holds each application's id once.
        return capped_count(session, select(search_ids(session, filters.q).subquery().c.id))
    statement = select(ApplicationRow.id).select_from(applications_from(session, filters))
    return capped_count(session, statement.where(*where))


def sort_keys(sort: str) -> tuple[bool, list[Any]]:
    """(descending, key columns) for a sort name; an unknown one is a 400."""
    if sort not in SORTS:
        raise InvalidInputError(
            "sort must be one of {sorts}, not “{sort}”", sorts=", ".join(SORTS), sort=sort
        )
    descending, names = SORTS[sort]
    return descending, [getattr(ApplicationRow, name) for name in names]


def list_applications(
    session: Session,
    filters: ApplicationFilters,
    *,
    sort: str = "reference",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[ApplicationItem]:
    """One page of the applications matching ``filters``, in ``sort`` order, after ``cursor``."""
    size = clamp_limit(limit)
    descending, keys = sort_keys(sort)
    where = application_conditions(filters)
    start = decode_cursor(cursor, len(keys))
    if start is not None:
        where.append(after(keys, start, descending))
    order = [k.desc() for k in keys] if descending else list(keys)
    total, capped = count_applications(session, filters)
    rows = session.execute(
        select(*_COLUMNS)
        .select_from(applications_from(session, filters, total))
        .join(EnterpriseRow, EnterpriseRow.id == ApplicationRow.enterprise_id)
        .where(*where)
        .order_by(*order)
        .limit(size + 1)
    ).all()
    items = [ApplicationItem(*tuple(row)) for row in rows]
    names = SORTS[sort][1]
    return page_of(
        items, size, total, lambda item: [getattr(item, n) for n in names], capped=capped
    )
