"""Every office list sorts each way it offers, a keyset page at a time (issue 16).

Claims, ledgers, enquiries, audit events and the register: each ordering
gives every row exactly once across pages, in order, ties broken by the
unique last key. A search combined with filters pages its matches the same
way on both databases (on PostgreSQL one query per way of matching, each
stopping at the page: ``core.search.first_of_each``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from reind.core import paging, search
from reind.core.clock import FixedClock
from reind.core.db import Database
from reind.core.errors import InvalidInputError
from reind.core.money import HKD
from reind.core.paging import Page, Sort
from reind.programme.applications.lists import SORTS as APPLICATION_SORTS
from reind.programme.applications.lists import ApplicationFilters, list_applications
from reind.programme.applications.services import create_application
from reind.programme.audit.lists import SORTS as AUDIT_SORTS
from reind.programme.audit.lists import AuditFilters, list_audit_events
from reind.programme.desk.lists import SORTS as ENQUIRY_SORTS
from reind.programme.desk.lists import EnquiryFilters, list_enquiries
from reind.programme.desk.services import record_enquiry
from reind.programme.enterprises.lists import SORTS as ENTERPRISE_SORTS
from reind.programme.enterprises.lists import list_enterprises
from reind.programme.enterprises.profile import Industry
from reind.programme.money.claims import submit_claim
from reind.programme.money.lists import CLAIM_SORTS, LEDGER_SORTS, list_claims, list_ledgers
from reind.schemes.catalogue import default_engine
from tests.programme.factories import OFFICER, enterprise, funded_rfs_project, rfs_draft

PAID = date(2026, 6, 30)


def _walk(read: Callable[[str | None], Page[Any]]) -> list[Any]:
    """Every item of a list, following each page's cursor to the end."""
    items: list[Any] = []
    cursor = None
    while True:
        page = read(cursor)
        items += page.items
        if not page.more:
            return items
        cursor = page.next_cursor


def _in_order(items: list[Any], sort: Sort) -> None:
    keys = [tuple(sort.cursor_of(item)) for item in items]
    assert len(set(keys)) == len(keys), "the last key of each ordering is unique"
    assert keys == sorted(keys, reverse=sort.descending)


def _each_way(sorts: Mapping[str, Sort], read: Callable[[str, str | None], Page[Any]]) -> int:
    """Walk the list in each of its orderings; the same rows each time. How many rows."""
    seen: list[set[Any]] = []
    for name, sort in sorts.items():
        items = _walk(lambda cursor, name=name: read(name, cursor))  # type: ignore[misc]
        _in_order(items, sort)
        seen.append(set(items))
    assert all(rows == seen[0] for rows in seen)
    return len(seen[0])


def test_every_list_pages_each_of_its_orderings_once_and_in_order(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.unit_of_work() as session:
        companies = [
            enterprise(session, name=f"Sorted Works {n} Ltd", employees=10 + n % 2)
            for n in (3, 1, 2)
        ]
        for i, company in enumerate(companies):
            machinery = str(3_000_000 * (i + 1))
            project = funded_rfs_project(session, company, machinery=machinery, completed=True)
            for amount in ("100", "200"):  # equal amounts across projects: the id breaks ties
                submit_claim(
                    session,
                    project.id,
                    HKD(amount),
                    OFFICER,
                    clock=FixedClock.on(PAID),
                    engine=default_engine(),
                )
        for i in range(5):
            record_enquiry(session, OFFICER, question=f"Question {i} on sorting", channel="phone")
    with db.unit_of_work() as session:
        claims = _each_way(
            CLAIM_SORTS,
            lambda sort, cursor: list_claims(
                session, (), ApplicationFilters(), sort=sort, cursor=cursor, limit=2
            ),
        )
        assert claims == 6
        ledgers = _each_way(
            LEDGER_SORTS,
            lambda sort, cursor: list_ledgers(
                session, ApplicationFilters(), sort=sort, cursor=cursor, limit=2
            ),
        )
        assert ledgers == 3
        for few in (1, search.FEW):  # SQLite: the same rows whichever side leads a search
            monkeypatch.setattr(search, "FEW", few)
            searched = ApplicationFilters(q="works 1")
            assert (
                _each_way(
                    CLAIM_SORTS,
                    lambda sort, cursor, q=searched: list_claims(  # type: ignore[misc]
                        session, (), q, sort=sort, cursor=cursor, limit=1
                    ),
                )
                == 2
            )
            assert (
                _each_way(
                    LEDGER_SORTS,
                    lambda sort, cursor: list_ledgers(
                        session, ApplicationFilters(q="sorted"), sort=sort, cursor=cursor, limit=2
                    ),
                )
                == 3
            )
            assert list_ledgers(session, ApplicationFilters(q="works 2")).total == 1
            monkeypatch.setattr(paging, "QUICK_CAP", 2)  # an office page counts a search quickly
            for quick, shown in (
                (list_ledgers(session, ApplicationFilters(q="sorted"), quick=True), 3),
                (list_claims(session, (), ApplicationFilters(q="sorted"), quick=True), 6),
            ):
                assert (quick.total, quick.capped, len(quick.items)) == (2, True, shown)
            monkeypatch.setattr(paging, "QUICK_CAP", 1_000)
        for scheme, held in (("rfs", 3), ("bud", 0)):  # a scheme is read on the ledger's own copy
            assert (
                _each_way(
                    LEDGER_SORTS,
                    lambda sort, cursor, scheme=scheme: list_ledgers(  # type: ignore[misc]
                        session,
                        ApplicationFilters(scheme=scheme),
                        sort=sort,
                        cursor=cursor,
                        limit=2,
                    ),
                )
                == held
            )
        assert (
            _each_way(
                ENQUIRY_SORTS,
                lambda sort, cursor: list_enquiries(
                    session, EnquiryFilters(), sort=sort, cursor=cursor, limit=2
                ),
            )
            == 5
        )
        assert (
            _each_way(
                ENTERPRISE_SORTS,
                lambda sort, cursor: list_enterprises(session, sort=sort, cursor=cursor, limit=2),
            )
            == 3
        )
        assert (
            _each_way(
                AUDIT_SORTS,
                lambda sort, cursor: list_audit_events(
                    session,
                    AuditFilters(kind="enquiry.recorded"),
                    sort=sort,
                    cursor=cursor,
                    limit=2,
                ),
            )
            == 5
        )
        with pytest.raises(InvalidInputError, match="sort must be one of"):
            list_claims(session, (), ApplicationFilters(), sort="amount_cents")


def _case(session: Session, reference: str, name: str, title: str, industry: Industry) -> None:
    company = enterprise(session, name=name, industry=industry)
    amount = str(1_000_000 + 1000 * (int(reference[-2:]) * 7 % 11))
    draft = replace(rfs_draft(company, requested=amount), reference=reference, title=title)
    create_application(session, draft, OFFICER, engine=default_engine())


@pytest.mark.parametrize("few", [2, search.FEW])
def test_a_search_with_filters_pages_its_matches_once_in_each_order(
    db: Database, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Matches by title, by the enterprise's name, by both, and by reference, narrowed by
    industry: each once, in order, counted (on PostgreSQL: one query per way, each to a page).

    On SQLite the same whichever side leads (``core.search.FEW``): the list's few rows
    checked against the search, the hits joined to many, or the ordering walked."""
    monkeypatch.setattr(search, "FEW", few)
    food, electronics = Industry.FOOD_MANUFACTURING, Industry.ELECTRONICS
    with db.unit_of_work() as session:
        _case(session, "RFS-S-00", "Crispy Foods Ltd", "Wafer line", food)  # name
        _case(session, "RFS-S-01", "Plain Works Ltd", "Frozen food line", food)  # title
        _case(session, "RFS-S-02", "Crispy Foods Two Ltd", "Food packing", food)  # both
        _case(session, "RFS-S-03", "Plain Works Ltd", "Wafer line", food)  # neither
        _case(session, "RFS-S-04", "Circuit Foods Ltd", "Boards", electronics)  # other industry
        _case(session, "FOOD-S-05", "Plain Works Ltd", "Wafer line", food)  # reference
        for n in range(6, 12):
            _case(session, f"RFS-S-{n:02d}", f"Crispy Foods {n} Ltd", "Biscuits", food)
    expected = {"RFS-S-00", "RFS-S-01", "RFS-S-02", "FOOD-S-05"} | {
        f"RFS-S-{n:02d}" for n in range(6, 12)
    }
    filters = ApplicationFilters(q="food", industry="food_manufacturing")
    with db.unit_of_work() as session:
        for name, sort in APPLICATION_SORTS.items():
            items = _walk(
                lambda cursor, name=name: list_applications(  # type: ignore[misc]
                    session, filters, sort=name, cursor=cursor, limit=3
                )
            )
            assert [i.reference for i in items if i.reference not in expected] == []
            assert len(items) == len(expected) and {i.reference for i in items} == expected
            _in_order(items, sort)
        page = list_applications(session, filters, limit=3)
        assert page.total == len(expected) and not page.capped
        drafts = list_applications(session, replace(filters, state="draft"), sort="-amount")
        assert drafts.total == len(expected)
        assert list_applications(session, replace(filters, state="closed")).total == 0
