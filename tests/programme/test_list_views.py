"""Paged lists (issue 16): every row once across pages, filters, search, counts, bad cursors."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.orm import Session

from reind.core import paging, search
from reind.core.db import Database
from reind.core.errors import InvalidInputError, RuleError
from reind.core.paging import encode_cursor
from reind.programme.applications.lists import (
    ApplicationFilters,
    list_applications,
)
from reind.programme.applications.services import create_application
from reind.programme.applications.views import queue_counts
from reind.programme.audit.lists import AuditFilters, list_audit_events
from reind.programme.desk.lists import EnquiryFilters, list_enquiries
from reind.programme.desk.services import record_enquiry
from reind.programme.enterprises.profile import Industry
from reind.schemes.catalogue import default_engine
from tests.programme.factories import OFFICER, enterprise, rfs_draft


def _drafts(session: Session, n: int) -> list[str]:
    references = []
    for i in range(n):
        company = enterprise(
            session,
            name=f"Waffle Works {i:03d} Ltd",
            industry=Industry.ELECTRONICS if i % 5 == 0 else Industry.FOOD_MANUFACTURING,
        )
        draft = rfs_draft(company, requested=str(1_000_000 + 1000 * (i * 7 % n)))
        draft = replace(draft, reference=f"RFS-T-{i:04d}")
        create_application(session, draft, OFFICER, engine=default_engine())
        references.append(f"RFS-T-{i:04d}")
    return references


def _all_pages(session: Session, filters: ApplicationFilters, sort: str, limit: int) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        page = list_applications(session, filters, sort=sort, cursor=cursor, limit=limit)
        assert len(page.items) <= limit
        seen += [item.reference for item in page.items]
        if not page.more:
            return seen
        cursor = page.next_cursor


def test_pages_give_every_application_once_in_order(db: Database) -> None:
    with db.unit_of_work() as session:
        references = _drafts(session, 23)
        page = list_applications(session, ApplicationFilters(state="draft"), limit=10)
        assert page.total == 23 and len(page.items) == 10 and page.more
        assert _all_pages(session, ApplicationFilters(), "reference", 10) == references
        assert _all_pages(session, ApplicationFilters(), "-reference", 7) == references[::-1]
        by_amount = _all_pages(session, ApplicationFilters(), "-amount", 4)
        assert sorted(by_amount) == references and len(set(by_amount)) == 23


def test_filters_and_search_narrow_the_list_and_its_count(db: Database) -> None:
    with db.unit_of_work() as session:
        _drafts(session, 12)
        electronics = list_applications(session, ApplicationFilters(industry="electronics"))
        assert electronics.total == 3 and {i.industry for i in electronics.items} == {"electronics"}
        one = list_applications(session, ApplicationFilters(q="waffle works 007"))
        assert [i.reference for i in one.items] == ["RFS-T-0007"] and one.total == 1
        by_prefix = list_applications(session, ApplicationFilters(q="rfs-t-001"))
        assert by_prefix.total == 2  # RFS-T-0010, RFS-T-0011
        br = one.items[0].br_number
        assert list_applications(session, ApplicationFilters(q=br)).total == 1
        assert list_applications(session, ApplicationFilters(q="100%")).total == 0
        assert list_applications(session, ApplicationFilters(state="closed")).total == 0


def test_a_cursor_that_was_not_given_out_is_refused(db: Database) -> None:
    with db.unit_of_work() as session:
        _drafts(session, 2)
        with pytest.raises(InvalidInputError):  # not base64url: the document's pattern, a 400
            list_applications(session, ApplicationFilters(), cursor="not-a-cursor!")
        for bad in (encode_cursor([1, 2, 3]), encode_cursor([True]), "bm90anNvbg"):
            with pytest.raises(RuleError):  # well-formed, never given out: a 422
                list_applications(session, ApplicationFilters(), cursor=bad)
        with pytest.raises(InvalidInputError):
            list_applications(session, ApplicationFilters(), sort="title")
        with pytest.raises(InvalidInputError):
            list_applications(session, ApplicationFilters(), limit=10_000)


def test_enquiries_and_audit_events_page_newest_first(db: Database) -> None:
    with db.unit_of_work() as session:
        for i in range(7):
            record_enquiry(
                session, OFFICER, question=f"Question {i} about smart lines", channel="phone"
            )
    with db.unit_of_work() as session:
        seen: list[str] = []
        cursor = None
        while True:
            page = list_enquiries(session, EnquiryFilters(), cursor=cursor, limit=3)
            seen += [e.question for e in page.items]
            if not page.more:
                break
            cursor = page.next_cursor
        assert len(seen) == 7 and len(set(seen)) == 7 and page.total == 7
        assert list_enquiries(session, EnquiryFilters(q="QUESTION 3")).total == 1
        events = list_audit_events(session, AuditFilters(kind="enquiry.recorded"), limit=5)
        assert events.total == 7 and events.more
        assert [e.seq for e in events.items] == sorted((e.seq for e in events.items), reverse=True)
        rest = list_audit_events(
            session, AuditFilters(kind="enquiry.recorded"), cursor=events.next_cursor, limit=5
        )
        assert len(rest.items) == 2 and not rest.more


def test_a_long_list_is_counted_up_to_the_cap_and_says_more(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting every match cost 350 ms a page at 1M applications (issue 16): it stops at a cap."""
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    with db.unit_of_work() as session:
        _drafts(session, 12)
        many = list_applications(session, ApplicationFilters(state="draft"), limit=4)
        assert (many.total, many.capped, len(many.items), many.more) == (5, True, 4, True)
        searched = list_applications(session, ApplicationFilters(q="waffle works"))
        assert (searched.total, searched.capped) == (5, True)
        few = list_applications(session, ApplicationFilters(industry="electronics"))
        assert (few.total, few.capped) == (3, False)
        exact = list_applications(session, ApplicationFilters(q="rfs-t-001"))
        assert (exact.total, exact.capped) == (2, False)
        assert queue_counts(session) == {"draft": (5, True)}
    monkeypatch.setattr(paging, "COUNT_CAP", 12)
    with db.unit_of_work() as session:
        whole = list_applications(session, ApplicationFilters(state="draft"))
        assert (whole.total, whole.capped) == (12, False)
        assert queue_counts(session) == {"draft": (12, False)}
        monkeypatch.setattr(paging, "QUICK_CAP", 4)  # an office page counts a search quickly
        for leading in (0, search.FEW):  # SQLite: each way by its index, or the few rows checked
            monkeypatch.setattr(search, "FEW", leading)
            for filters in (
                ApplicationFilters(q="waffle works"),
                ApplicationFilters("draft", q="waffle", industry="food_manufacturing"),
            ):
                quick = list_applications(session, filters, quick=True)
                assert (quick.total, quick.capped, quick.counted_short) == (4, True, True)
                assert list_applications(session, filters).total > 4  # the API counts on
        unsearched = list_applications(session, ApplicationFilters(state="draft"), quick=True)
        assert (unsearched.total, unsearched.capped) == (12, False)
