"""Reads of applications for lists: one page at a time, filtered, searched, counted.

The officer's queues, finance's project ledgers and the API's
``GET /api/v1/applications`` all read here, so a list of 120,000 costs one
indexed page (``reind.core.paging``), never the whole table. Search takes
what an officer has to hand: a reference (or its beginning), a BR number,
or words from the project title or the enterprise's name in either language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, or_, select, union
from sqlalchemy.orm import Session

from reind.core import paging, search
from reind.core.paging import (
    Page,
    both_ways,
    cap_for,
    capped_count,
    clamp_limit,
    page_of,
    sort_named,
)
from reind.core.search import (
    Words,
    count_of_each,
    few,
    first_of_each,
    hits_join,
    hits_of,
    planned,
)
from reind.programme.applications.store import ApplicationRow
from reind.programme.enterprises.lists import ENTERPRISE_WORDS
from reind.programme.enterprises.store import EnterpriseRow

SORTS = both_ways(
    reference=(ApplicationRow.reference,),
    amount=(ApplicationRow.amount_requested_cents, ApplicationRow.reference),
)
"""The orderings a list offers (``core.paging.Sort``), each also reversed (``-name``)."""


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


def search_terms(session: Session, q: str, *, hashed: bool = False) -> list[Any]:
    """Each way ``search_ids`` matches, as a WHERE term on the applications table.

    For ``core.search.first_of_each``: a query per way that stops at a page.
    ``hashed`` (PostgreSQL; ``search_count`` of a list narrowed by its search
    alone): the matching enterprises are selected once and hashed (``OFFSET 0``
    keeps the subquery whole). Left to itself, PostgreSQL counted by probing
    each application's enterprise by key, memoized, as a page does: 9,500
    probes took 140 ms to count 1,000 project ledgers holding "food" at 1M
    applications, against 30 ms with one read of the 3,000 enterprises that
    hold it (issue 16). A list its filters narrow (screening) probes its few
    rows quicker than it reads those enterprises, so it keeps the probe.
    """
    text = q.strip()
    upper = text.upper()
    terms: list[Any] = [
        and_(ApplicationRow.reference >= upper, ApplicationRow.reference < upper + "\uffff")
    ]
    enterprises: list[Any] = [EnterpriseRow.br_number == text]
    if not (text.isdigit() and len(text) == 8):
        terms.append(APPLICATION_WORDS.holds(session, text))
        enterprises.append(ENTERPRISE_WORDS.holds(session, text))
    # One SELECT of enterprises (not a UNION of them): PostgreSQL then probes it by the
    # enterprise's key for each application it walks (a UNION made it scan the whole
    # UNION for each: 1.0 s for "food" among closed applications at 1M).
    matching = select(EnterpriseRow.id).where(or_(*enterprises))
    if hashed and session.get_bind().dialect.name == "postgresql":
        matching = matching.offset(0)
    terms.append(ApplicationRow.enterprise_id.in_(matching))
    return terms


def search_first(
    session: Session, q: str, rows: Select[Any], order: Sequence[Any], count: int
) -> Any:
    """The keys of the first ``count`` rows of a list that a search finds (PostgreSQL).

    ``rows`` selects the list's key labelled ``key`` and its ordering columns
    from its table joined to the applications, under the list's filters;
    each way of matching reads to a page on its own (``core.search.first_of_each``).
    """
    return first_of_each(search_terms(session, q), rows, order, count)


def search_count(
    session: Session, filters: ApplicationFilters, rows: Select[Any], cap: int | None = None
) -> tuple[int, bool]:
    """How many rows of a list its search (``filters.q``) finds, up to the cap (keys: ``key``).

    ``rows`` holds the list's other filters; when there are none, the
    matching enterprises are read once (``search_terms``' ``hashed``).
    """
    assert filters.q is not None
    alone = replace(filters, q=None) == ApplicationFilters()
    return count_of_each(session, search_terms(session, filters.q, hashed=alone), rows, cap)


def walks_each_way(session: Session, filters: ApplicationFilters) -> bool:
    """Whether a search is read one way at a time (``first_of_each``): on PostgreSQL.

    SQLite, which keeps no statistics to choose a plan for each way, reads a
    search as one WHERE term on the list's rows (``walks_the_list``) or joins
    the search's hits to the list (``applications_from``), leading with them
    when few (ADR 0165).
    """
    return _searched(filters) and session.get_bind().dialect.name == "postgresql"


def _searched(filters: ApplicationFilters) -> bool:
    return bool(filters.q and filters.q.strip())


def search_holds(session: Session, q: str) -> Any:
    """The search as one WHERE term on the applications table: any of ``search_terms``."""
    return or_(*search_terms(session, q))


def walks_the_list(session: Session, filters: ApplicationFilters, rows: Select[Any]) -> bool:
    """Whether a search is read as a term on the list's own rows (SQLite): when they are few.

    ``rows`` selects the list's rows under its filters but not the search.
    When they are few (``core.search.few``) each is checked against the
    search (``search_holds``), whatever the search finds elsewhere: five
    applications in screening against the 11,000 holding "food" took 240 ms
    when the hits led, 15 ms so (issue 16).
    """
    searched = _searched(filters) and session.get_bind().dialect.name == "sqlite"
    return searched and few(session, rows)


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


def checked(filters: ApplicationFilters, where: Sequence[Any]) -> list[Any]:
    """``where`` and the industry as terms SQLite checks on each row, never walks an index by.

    For a quick count one way of matching at a time (``count_of_each``): each
    way then reads by its own index and stops at the cap. Left indexable,
    SQLite (no statistics) walked all 112,000 closed applications by the
    state's index for a title matching nothing (75 ms; issue 16).
    """
    terms = [term.is_(True) for term in where]
    if filters.industry:
        industry = select(EnterpriseRow.id).where(EnterpriseRow.industry == filters.industry)
        terms.append(ApplicationRow.enterprise_id.in_(industry).is_(True))
    return terms


def _unsearched(session: Session, filters: ApplicationFilters, where: list[Any]) -> Select[Any]:
    """The ids (as ``key``) of the applications ``filters`` but the search select (``where``)."""
    joined = applications_from(session, replace(filters, q=None))
    return select(ApplicationRow.id.label("key")).select_from(joined).where(*where)


def count_applications(
    session: Session, filters: ApplicationFilters, walk: bool | None = None, quick: bool = False
) -> tuple[int, bool]:
    """How many applications match ``filters``, up to ``COUNT_CAP``; whether more do.

    ``walk``: whether the search is read on the list's rows (``walks_the_list``;
    None: find out). ``quick``: a search is counted to ``QUICK_CAP`` only
    (``core.paging.cap_for``).
    """
    where = application_conditions(filters)
    cap = cap_for(_searched(filters), quick)
    if walks_each_way(session, filters):
        assert filters.q is not None
        rows = select(ApplicationRow.id.label("key")).select_from(
            applications_from(session, replace(filters, q=None))
        )
        return search_count(session, filters, rows.where(*where), cap)
    if not _searched(filters):
        statement = select(ApplicationRow.id).select_from(applications_from(session, filters))
        return capped_count(session, statement.where(*where))
    assert filters.q is not None
    unsearched = _unsearched(session, filters, where)
    if walk is None:
        walk = walks_the_list(session, filters, unsearched)
    if walk:
        return capped_count(session, unsearched.where(search_holds(session, filters.q)), cap)
    if cap < paging.COUNT_CAP:
        # A quick count: each way of matching by its own index, stopping at the cap
        # (``count_of_each``): gathering every hit first cost 300 ms for "food" among
        # closed applications.
        by_ways = select(ApplicationRow.id.label("key")).where(*checked(filters, where))
        return search_count(session, filters, by_ways, cap)
    if not where and not filters.industry:
        # The search alone: its UNION holds each application's id once.
        ids = select(search_ids(session, filters.q).subquery().c.id)
        return capped_count(session, ids, cap)
    statement = select(ApplicationRow.id).select_from(applications_from(session, filters))
    return capped_count(session, statement.where(*where), cap)


def list_applications(
    session: Session,
    filters: ApplicationFilters,
    *,
    sort: str = "reference",
    cursor: str | None = None,
    limit: int | None = None,
    quick: bool = False,
) -> Page[ApplicationItem]:
    """One page of the applications matching ``filters``, in ``sort`` order, after ``cursor``.

    ``quick`` (an office page): a search is counted to ``QUICK_CAP`` only.

    On SQLite a search is a term on the list's rows when they are few, or
    when the search finds many of them (more than ``FEW``: the page is near
    along the ordering's index); else the search's hits lead the join.
    """
    size = clamp_limit(limit)
    ordering = sort_named(SORTS, sort)
    where = application_conditions(filters)
    walk = walks_the_list(session, filters, _unsearched(session, filters, where))
    start = ordering.after_cursor(cursor)
    if start is not None:
        where.append(start)
    order = ordering.order()
    total, capped = count_applications(session, filters, walk, quick)
    listed = select(*_COLUMNS)
    if walks_each_way(session, filters):
        assert filters.q is not None
        keyed = select(ApplicationRow.id.label("key"), *ordering.keys).select_from(
            applications_from(session, replace(filters, q=None))
        )
        first = search_first(session, filters.q, keyed.where(*where), order, size + 1)
        listed = listed.where(ApplicationRow.id.in_(select(first.subquery().c.key)))
    elif _searched(filters) and (walk or planned(total, capped) > search.FEW):
        assert filters.q is not None
        # Few rows lead (None); many follow the ordering's index (the total).
        lead = None if walk else planned(total, capped)
        unsearched = applications_from(session, replace(filters, q=None), lead)
        listed = listed.select_from(unsearched).where(*where, search_holds(session, filters.q))
    else:
        joined = applications_from(session, filters, planned(total, capped))
        listed = listed.select_from(joined).where(*where)
    rows = session.execute(
        listed.join(EnterpriseRow, EnterpriseRow.id == ApplicationRow.enterprise_id)
        .order_by(*order)
        .limit(size + 1)
    ).all()
    items = [ApplicationItem(*tuple(row)) for row in rows]
    return page_of(items, size, total, ordering.cursor_of, capped=capped)
