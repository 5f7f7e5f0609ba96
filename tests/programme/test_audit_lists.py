"""The audit log read for lists and exports: the same conditions, keyset pages, the kind's index."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from reind.core.clock import FixedClock
from reind.core.db import Database
from reind.programme import audit
from reind.programme.actors import SYSTEM, Actor, Role
from reind.programme.audit.lists import AuditFilters, audit_event_pages, list_audit_events

CHAN = Actor("officer-chan", Role.OFFICER)
LEE = Actor("officer-lee", Role.OFFICER)
KINDS = ("enquiry.recorded", "money.claimed", "application.transitioned")


def _log(session: Session, events: int) -> list[tuple[int, str, str, date]]:
    """``events`` events over three kinds, three actors and three days: (seq, kind, actor, day)."""
    written = []
    for n in range(events):
        kind, actor = KINDS[n % 3], (CHAN, LEE, SYSTEM)[n % 4 % 3]
        day = date(2024, 3, 1 + n % 5)
        row = audit.record(session, actor, kind, "enquiry", f"e-{n}", {}, FixedClock.on(day))
        written.append((row.seq, kind, actor.id, day))
    return written


@contextmanager
def _statements(db: Database) -> Iterator[list[tuple[str, Any]]]:
    ran: list[tuple[str, Any]] = []

    def keep(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        ran.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        yield ran
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        (AuditFilters(), lambda e: True),
        (AuditFilters(kind="money.claimed"), lambda e: e[1] == "money.claimed"),
        (AuditFilters(actors=(LEE.id,)), lambda e: e[2] == LEE.id),
        (
            AuditFilters(recorded_from=date(2024, 3, 2), recorded_to=date(2024, 3, 3)),
            lambda e: date(2024, 3, 2) <= e[3] <= date(2024, 3, 3),
        ),
        (
            AuditFilters(kind="enquiry.recorded", actors=(CHAN.id, SYSTEM.id)),
            lambda e: e[1] == "enquiry.recorded" and e[2] in (CHAN.id, SYSTEM.id),
        ),
    ],
)
def test_an_exports_pages_hold_every_event_the_list_selects_in_order_and_count_nothing(
    db: Database, filters: AuditFilters, keep: Any
) -> None:
    """Issue 16: the export read the list's pages, each counting up to 10,000 rows again."""
    with db.unit_of_work() as session:
        written = _log(session, 40)
    expected = sorted((e[0] for e in written if keep(e)), reverse=True)
    with db.unit_of_work() as session, _statements(db) as ran:
        pages = list(audit_event_pages(session, filters, size=4))
    assert [item.seq for page in pages for item in page] == expected
    assert len(pages) == -(-len(expected) // 4) and all(len(p) <= 4 for p in pages)
    assert not [s for s, _ in ran if "count(" in s.lower()]
    with db.unit_of_work() as session:  # what the auditor's list shows, page after page
        listed, cursor = [], None
        while True:
            page = list_audit_events(session, filters, cursor=cursor, limit=7)
            listed += [item.seq for item in page.items]
            if not page.more:
                break
            cursor = page.next_cursor
        ascending = audit_event_pages(session, filters, size=5, sort="seq")
        oldest = [item.seq for page in ascending for item in page]
    assert listed == expected and oldest == expected[::-1]


@pytest.mark.parametrize("sort", ["-seq", "seq"])
def test_a_page_of_one_kind_reads_one_range_of_the_kind_and_seq_index(
    db: Database, sort: str
) -> None:
    """Issue 16: with only ``(kind)`` a page of one kind walked the ``seq`` index testing each
    event's kind, or read the whole kind and sorted it, for every page of the export."""
    with db.unit_of_work() as session:
        for n in range(3_000):  # the common kind and a rare one, chained at commit in one go
            kind = "committee.decided" if n % 50 == 0 else "application.transitioned"
            audit.record_at_commit(session, SYSTEM, kind, "application", f"a-{n}", {})
    with db.unit_of_work() as session:
        if db.engine.dialect.name == "postgresql":
            session.execute(text("ANALYZE audit_events"))
        rare = AuditFilters(kind="committee.decided")  # 60 of 3,000: the index's case
        first = list_audit_events(session, rare, sort=sort, limit=20)
        assert first.more
        with _statements(db) as ran:  # the second page, as the export reads every page
            list_audit_events(session, rare, sort=sort, cursor=first.next_cursor, limit=20)
        statement, parameters = next((s, p) for s, p in ran if "ORDER BY" in s)
        if db.engine.dialect.name == "sqlite":
            plan = session.connection().exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters
            )
            details = " ".join(str(row[-1]) for row in plan)
            assert "ix_audit_events_kind_seq" in details and "TEMP B-TREE" not in details, details
        else:
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = session.connection().exec_driver_sql(f"EXPLAIN {statement}", parameters)
            lines = "\n".join(str(row[0]) for row in plan)
            assert "ix_audit_events_kind_seq" in lines and "Sort" not in lines, lines
