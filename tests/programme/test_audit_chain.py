"""The audit log is a hash chain: any edit, insertion or deletion is found and named."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from reind.core.db import Database
from reind.programme.audit.chain import verify_chain
from reind.programme.audit.store import AuditEventRow
from tests.programme.factories import rfs_application


def _three_events_or_more(db: Database) -> int:
    with db.unit_of_work() as session:
        rfs_application(session, state="screening")
    with db.unit_of_work() as session:
        count = len(session.execute(select(AuditEventRow.seq)).all())
        assert count >= 4
        assert verify_chain(session).ok
        return count


def test_an_untouched_chain_verifies(db: Database) -> None:
    count = _three_events_or_more(db)
    with db.unit_of_work() as session:
        report = verify_chain(session)
    assert report.ok and report.checked == count


def test_editing_an_event_is_detected_and_named(db: Database) -> None:
    _three_events_or_more(db)
    with db.unit_of_work() as session:
        session.execute(
            update(AuditEventRow).where(AuditEventRow.seq == 2).values(actor="someone-else")
        )
    with db.unit_of_work() as session:
        report = verify_chain(session)
    assert not report.ok
    assert report.broken_seq == 2
    assert "edited" in str(report)


def test_deleting_an_event_is_detected_at_the_next_one(db: Database) -> None:
    _three_events_or_more(db)
    with db.unit_of_work() as session:
        session.execute(delete(AuditEventRow).where(AuditEventRow.seq == 2))
    with db.unit_of_work() as session:
        report = verify_chain(session)
    assert not report.ok and report.broken_seq == 3


def test_deleting_the_newest_event_is_detected(db: Database) -> None:
    count = _three_events_or_more(db)
    with db.unit_of_work() as session:
        session.execute(delete(AuditEventRow).where(AuditEventRow.seq == count))
    with db.unit_of_work() as session:
        report = verify_chain(session)
    assert not report.ok and report.broken_seq == count


def test_inserting_a_forged_event_is_detected(db: Database) -> None:
    _three_events_or_more(db)
    with db.unit_of_work() as session:
        # Shift events 3.. up by one and slip a forged event in at 3, with a hash of its own.
        rows = (
            session.execute(
                select(AuditEventRow)
                .where(AuditEventRow.seq >= 3)
                .order_by(AuditEventRow.seq.desc())
            )
            .scalars()
            .all()
        )
        for row in rows:
            row.seq += 1
            session.flush()
        session.add(
            AuditEventRow(
                seq=3,
                prev_hash="f" * 64,
                hash="e" * 64,
                recorded_at="2024-01-01T00:00:00Z",
                actor="intruder",
                role="officer",
                kind="money.disbursed",
                subject_type="claim",
                subject_id="x",
                payload="{}",
            )
        )
    with db.unit_of_work() as session:
        report = verify_chain(session)
    assert not report.ok and report.broken_seq == 3


@pytest.mark.parametrize("backend_note", ["chain survives a rollback"])
def test_a_rolled_back_change_leaves_no_event(db: Database, backend_note: str) -> None:
    _three_events_or_more(db)
    with db.unit_of_work() as session:
        before = len(session.execute(select(AuditEventRow.seq)).all())
    with pytest.raises(RuntimeError), db.unit_of_work() as session:
        rfs_application(session)
        raise RuntimeError(backend_note)
    with db.unit_of_work() as session:
        assert len(session.execute(select(AuditEventRow.seq)).all()) == before
        assert verify_chain(session).ok
