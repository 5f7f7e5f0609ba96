"""Reads of money for lists: project ledgers and claims, a page at a time.

Finance's "Project ledgers" once sent all 118,384 rows in one 35 MB page;
here it is one keyset page in the order chosen (``reind.core.paging``),
filtered and searched with the applications' own terms
(``applications.lists.application_conditions``) so a search means the same
on every list.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core import paging, search
from reind.core.paging import (
    Page,
    Sort,
    both_ways,
    cap_for,
    capped_count,
    clamp_limit,
    page_of,
    sort_named,
)
from reind.core.search import planned
from reind.programme.applications.lists import (
    ApplicationFilters,
    application_conditions,
    applications_from,
    checked,
    search_count,
    search_first,
    search_holds,
    walks_each_way,
    walks_the_list,
)
from reind.programme.applications.store import ApplicationRow
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.store import ClaimRow, LedgerRow


@dataclass(frozen=True, slots=True)
class LedgerItem:
    """One project's balances, with what names it."""

    application_id: str
    reference: str
    title: str
    scheme: str
    name_en: str
    name_zh: str
    approved_cents: int
    committed_cents: int
    claimed_cents: int
    disbursed_cents: int

    def enterprise_name(self, lang: str) -> str:
        """The enterprise's name in ``lang`` (English where no Chinese name is held)."""
        return self.name_zh if lang == "zh-Hant" and self.name_zh else self.name_en


LEDGER_SORTS = {
    **both_ways(reference=(ApplicationRow.reference,)),
    **both_ways(approved=(LedgerRow.approved_cents, LedgerRow.application_id)),
}
"""The ledgers' orderings: by reference, or by the grant approved (either way round)."""

CLAIM_SORTS = {
    **both_ways(submitted=(ClaimRow.submitted_on, ClaimRow.id)),
    **both_ways(amount=(ClaimRow.amount_cents, ClaimRow.id)),
}
"""The claims' orderings: by the day submitted (oldest first by default), or by amount."""


def _ledger_where(filters: ApplicationFilters) -> list[Any]:
    """The ledgers with a grant under ``filters``; a scheme also on the ledger's own copy.

    The ledger's ``scheme`` lets a page by grant start at the scheme
    (``ix_project_ledgers_scheme_approved``): walked from all ledgers by grant,
    BUD's came after nearly all of EMF's smaller grants (47 s at 1M applications).
    """
    where = [LedgerRow.approved_cents > 0, *application_conditions(filters)]
    if filters.scheme:
        where.append(LedgerRow.scheme == filters.scheme)
    return where


def _of_applications(
    session: Session, filters: ApplicationFilters, table: Any, onclause: Any, count: int | None
) -> Any:
    """``table`` joined to the applications ``filters`` narrow to (search and industry lead)."""
    return applications_from(session, filters, count).join(table, onclause)


def _walks(
    session: Session, filters: ApplicationFilters, table: Any, onclause: Any, key: Any, where: Any
) -> bool:
    """Whether the search is a term on the list's own rows (SQLite: ``walks_the_list``).

    Narrowed by nothing but the search, the list's rows are its own table's:
    counted without the join to the applications (27 ms for the ledgers).
    """
    rows = select(key)
    if replace(filters, q=None) != ApplicationFilters():
        base = _of_applications(session, replace(filters, q=None), table, onclause, None)
        rows = rows.select_from(base)
    return walks_the_list(session, filters, rows.where(*where))


def _page_from(
    session: Session,
    filters: ApplicationFilters,
    table: Any,
    onclause: Any,
    key: Any,
    ordering: Sort,
    where: list[Any],
    size: int,
    total: int,
    walk: bool,
) -> tuple[Any, list[Any]]:
    """The FROM and WHERE of a page of ``table`` (claims, ledgers) under ``filters``.

    ``total``: the count the plan is chosen by (``core.search.planned``).

    On PostgreSQL a search reads to the page one way of matching at a time
    (``applications.lists.search_first``) and the page keeps those keys. On
    SQLite it is a term on the list's rows when they are few (``walk``) or
    the search finds many (as ``applications.lists.list_applications``).
    """
    searched = bool(filters.q and filters.q.strip())
    if searched and not walks_each_way(session, filters) and (walk or total > search.FEW):
        assert filters.q is not None
        unsearched = replace(filters, q=None)
        joined = _of_applications(session, unsearched, table, onclause, None if walk else total)
        return joined, [*where, search_holds(session, filters.q)]
    if not walks_each_way(session, filters):
        return _of_applications(session, filters, table, onclause, total), where
    assert filters.q is not None
    base = _of_applications(session, replace(filters, q=None), table, onclause, None)
    keyed = select(key.label("key"), *ordering.keys).select_from(base).where(*where)
    first = search_first(session, filters.q, keyed, ordering.order(), size + 1)
    joined = ApplicationRow.__table__.join(table, onclause)
    return joined, [key.in_(select(first.subquery().c.key))]


def _counted(
    session: Session,
    filters: ApplicationFilters,
    table: Any,
    onclause: Any,
    key: Any,
    where: Any,
    walk: bool,
    quick: bool,
) -> tuple[int, bool]:
    """How many of ``table`` match ``filters`` and ``where``, up to the cap (``cap_for``)."""
    cap = cap_for(bool(filters.q and filters.q.strip()), quick)
    if walks_each_way(session, filters):
        assert filters.q is not None
        base = _of_applications(session, replace(filters, q=None), table, onclause, None)
        rows = select(key.label("key")).select_from(base).where(*where)
        return search_count(session, filters, rows, cap)
    if filters.q and not walk and cap < paging.COUNT_CAP:
        # SQLite's quick count: each way by its own index (``applications.lists.checked``).
        joined = ApplicationRow.__table__.join(table, onclause)
        rows = select(key.label("key")).select_from(joined).where(*checked(filters, where))
        return search_count(session, filters, rows, cap)
    if walk:
        assert filters.q is not None
        base = _of_applications(session, replace(filters, q=None), table, onclause, None)
        rows = select(key).select_from(base).where(*where, search_holds(session, filters.q))
        return capped_count(session, rows, cap)
    counted = select(key)
    if filters != ApplicationFilters():
        counted = counted.select_from(_of_applications(session, filters, table, onclause, None))
    return capped_count(session, counted.where(*where), cap)


def list_ledgers(
    session: Session,
    filters: ApplicationFilters,
    *,
    sort: str = "reference",
    cursor: str | None = None,
    limit: int | None = None,
    quick: bool = False,
) -> Page[LedgerItem]:
    """One page of the projects with a grant approved, in ``sort`` order, after ``cursor``.

    ``quick`` (an office page): a search is counted to ``QUICK_CAP`` only.
    """
    size = clamp_limit(limit)
    ordering = sort_named(LEDGER_SORTS, sort)
    where = _ledger_where(filters)
    start = ordering.after_cursor(cursor)
    if start is not None:
        where.append(start)
    on_ledger = LedgerRow.application_id == ApplicationRow.id
    key = LedgerRow.application_id
    walk = _walks(session, filters, LedgerRow, on_ledger, key, _ledger_where(filters))
    total, capped = _counted(
        session, filters, LedgerRow, on_ledger, key, _ledger_where(filters), walk, quick
    )
    joined, narrowed = _page_from(
        session,
        filters,
        LedgerRow,
        on_ledger,
        key,
        ordering,
        where,
        size,
        planned(total, capped),
        walk,
    )
    rows = session.execute(
        select(
            LedgerRow.application_id,
            ApplicationRow.reference,
            ApplicationRow.title,
            ApplicationRow.scheme,
            EnterpriseRow.name_en,
            EnterpriseRow.name_zh,
            LedgerRow.approved_cents,
            LedgerRow.committed_cents,
            LedgerRow.claimed_cents,
            LedgerRow.disbursed_cents,
        )
        .select_from(joined)
        .join(EnterpriseRow, EnterpriseRow.id == ApplicationRow.enterprise_id)
        .where(*narrowed)
        .order_by(*ordering.order())
        .limit(size + 1)
    ).all()
    items = [LedgerItem(*tuple(r)) for r in rows]
    return page_of(items, size, total, ordering.cursor_of, capped=capped)


@dataclass(frozen=True, slots=True)
class ClaimItem:
    """One claim, with the project and enterprise it is for."""

    id: str
    application_id: str
    amount_cents: int
    state: str
    submitted_on: date
    officer_id: str | None
    finance_id: str | None
    reference: str
    title: str
    scheme: str
    name_en: str
    name_zh: str

    def enterprise_name(self, lang: str) -> str:
        """The enterprise's name in ``lang`` (English where no Chinese name is held)."""
        return self.name_zh if lang == "zh-Hant" and self.name_zh else self.name_en


def list_claims(
    session: Session,
    states: tuple[str, ...],
    filters: ApplicationFilters,
    *,
    sort: str = "submitted",
    cursor: str | None = None,
    limit: int | None = None,
    quick: bool = False,
) -> Page[ClaimItem]:
    """One page of the claims in ``states`` (all when empty), in ``sort`` order, after ``cursor``.

    Counted up to ``COUNT_CAP`` ("more than 10,000"); with ``quick`` (an office
    page) a search only to ``QUICK_CAP``.
    """
    size = clamp_limit(limit)
    ordering = sort_named(CLAIM_SORTS, sort)
    where = application_conditions(filters)
    if states:
        where.append(ClaimRow.state.in_(states))
    on_claim = ClaimRow.application_id == ApplicationRow.id
    walk = _walks(session, filters, ClaimRow, on_claim, ClaimRow.id, where)
    total, capped = _counted(session, filters, ClaimRow, on_claim, ClaimRow.id, where, walk, quick)
    start = ordering.after_cursor(cursor)
    if start is not None:
        where.append(start)
    joined, narrowed = _page_from(
        session,
        filters,
        ClaimRow,
        on_claim,
        ClaimRow.id,
        ordering,
        where,
        size,
        planned(total, capped),
        walk,
    )
    query = (
        select(
            ClaimRow.id,
            ClaimRow.application_id,
            ClaimRow.amount_cents,
            ClaimRow.state,
            ClaimRow.submitted_on,
            ClaimRow.officer_id,
            ClaimRow.finance_id,
            ApplicationRow.reference,
            ApplicationRow.title,
            ApplicationRow.scheme,
            EnterpriseRow.name_en,
            EnterpriseRow.name_zh,
        )
        .select_from(joined)
        .join(EnterpriseRow, EnterpriseRow.id == ApplicationRow.enterprise_id)
        .where(*narrowed)
    )
    rows = session.execute(query.order_by(*ordering.order()).limit(size + 1)).all()
    items = [ClaimItem(*tuple(r)) for r in rows]
    return page_of(items, size, total, ordering.cursor_of, capped=capped)
