"""Events recorded for the commit are chained then, in order, and only if their change commits."""

from __future__ import annotations

import dataclasses
import hashlib
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.db import Database
from reind.core.errors import ConflictError
from reind.programme import audit
from reind.programme.actors import SYSTEM
from reind.programme.audit.chain import verify_chain
from reind.programme.audit.chain_sql import EventFields, hash_parts
from reind.programme.audit.store import AuditEventRow, AuditHeadRow


def _kinds(db: Database) -> list[str]:
    with db.unit_of_work() as session:
        return list(
            session.execute(select(AuditEventRow.kind).order_by(AuditEventRow.seq)).scalars()
        )


def _note(session: Session, kind: str) -> None:
    audit.record_at_commit(session, SYSTEM, kind, "test", "1", {"n": kind})


def test_events_recorded_for_the_commit_are_chained_in_the_order_recorded(db: Database) -> None:
    with db.unit_of_work() as session:
        _note(session, "first")
        _note(session, "second")
        assert session.execute(select(AuditHeadRow.seq)).scalar_one() == 0  # not chained yet
    assert _kinds(db) == ["first", "second"]
    with db.unit_of_work() as session:
        assert verify_chain(session).ok


def test_a_rolled_back_transaction_leaves_no_event(db: Database) -> None:
    with pytest.raises(ConflictError), db.unit_of_work() as session:
        _note(session, "doomed")
        raise ConflictError("the change failed")
    with db.unit_of_work() as session:
        _note(session, "kept")
    assert _kinds(db) == ["kept"]


def test_a_rolled_back_savepoint_drops_only_the_events_recorded_inside_it(db: Database) -> None:
    with db.unit_of_work() as session:
        _note(session, "before")
        savepoint = session.begin_nested()
        _note(session, "inside")
        savepoint.rollback()
        with session.begin_nested():
            _note(session, "released")
        _note(session, "after")
    assert _kinds(db) == ["before", "released", "after"]


def test_record_chains_earlier_pending_events_first_and_gives_its_seq(db: Database) -> None:
    with db.unit_of_work() as session:
        _note(session, "pending")
        event = audit.record(session, SYSTEM, "at_once", "test", "1", {})
        assert event.seq == 2
        _note(session, "later")
    assert _kinds(db) == ["pending", "at_once", "later"]


def test_reading_the_chain_in_the_same_transaction_sees_pending_events(db: Database) -> None:
    with db.unit_of_work() as session:
        _note(session, "pending")
        assert [e.kind for e in audit.events_for(session, "test", "1")] == ["pending"]
        assert verify_chain(session).checked == 1


@pytest.mark.integration
@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_concurrent_commits_never_fork_the_chain(db: Database) -> None:
    writers, each = 8, 10
    barrier = threading.Barrier(writers)

    def write(n: int) -> None:
        barrier.wait()
        for i in range(each):
            with db.unit_of_work() as session:
                _note(session, f"w{n}-{i}")
                _note(session, f"w{n}-{i}-b")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.unit_of_work() as session:
        report = verify_chain(session)
    assert report.ok and report.checked == writers * each * 2
    kinds = _kinds(db)
    for n in range(writers):  # each transaction's two events stay next to each other
        for i in range(each):
            assert kinds.index(f"w{n}-{i}-b") == kinds.index(f"w{n}-{i}") + 1


@given(
    payload=st.dictionaries(
        st.text(max_size=8),
        st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none()),
        max_size=4,
    ),
    words=st.lists(st.text(max_size=12), min_size=5, max_size=5),
    seq=st.integers(min_value=1, max_value=10**12),
)
def test_the_databases_hash_pieces_give_the_same_hash_as_python(
    payload: dict[str, object], words: list[str], seq: int
) -> None:
    fields = EventFields(
        recorded_at="2024-04-01T00:00:00.000000Z",
        actor=words[0],
        role=words[1],
        kind=words[2],
        subject_type=words[3],
        subject_id=words[4],
        payload=audit.canonical_json(payload),
    )
    prev = "ab" * 32
    front, middle, back = hash_parts(fields)
    joined = front + prev.encode() + middle + str(seq).encode() + back
    expected = audit.event_hash(seq=seq, prev_hash=prev, **dataclasses.asdict(fields))
    assert hashlib.sha256(joined).hexdigest() == expected


def test_chinese_text_is_hashed_alike_by_the_database_and_by_python(db: Database) -> None:
    with db.unit_of_work() as session:
        audit.record_at_commit(
            session, SYSTEM, "enquiry.recorded", "enquiry", "查詢-1", {"問題": "智能生產線"}
        )
    with db.unit_of_work() as session:
        assert verify_chain(session).ok
