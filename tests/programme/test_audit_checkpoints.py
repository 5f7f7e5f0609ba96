"""Signed checkpoints outside the database catch what the chain alone cannot (issue 12).

Someone who can write the database can cut the newest events and move the
head back, or edit an event and recompute every later hash and the head; the
chain then verifies. The checkpoints, signed with a key outside the database,
do not move with it.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from reind.cli import app
from reind.core.db import Database
from reind.core.errors import ConflictError
from reind.programme.audit.chain import event_hash, verify_chain
from reind.programme.audit.checkpoints import (
    CheckpointSchedule,
    check_against,
    load_or_create_key,
    read_checkpoints,
    write_checkpoint,
)
from reind.programme.audit.store import AuditEventRow, AuditHeadRow
from tests.programme.factories import rfs_application


def _events(db: Database, state: str = "screening") -> None:
    with db.unit_of_work() as session:
        rfs_application(session, state=state)


def _checkpointed(db: Database, tmp_path: Path) -> tuple[Path, int]:
    key = load_or_create_key(tmp_path / "keys" / "audit-key.pem")
    log = tmp_path / "audit-checkpoints.jsonl"
    _events(db)
    with db.unit_of_work() as session:
        written = write_checkpoint(session, key, log)
    assert written is not None
    _events(db)  # more events after the checkpoint
    return log, written.seq


def _check(db: Database, tmp_path: Path, log: Path) -> str:
    key = load_or_create_key(tmp_path / "keys" / "audit-key.pem")
    with db.unit_of_work() as session:
        return str(check_against(session, read_checkpoints(log), key.public_key()))


def test_an_untouched_chain_agrees_with_its_checkpoints(db: Database, tmp_path: Path) -> None:
    log, _ = _checkpointed(db, tmp_path)
    assert _check(db, tmp_path, log).startswith("OK: 1 signed checkpoint")
    assert (tmp_path / "keys" / "audit-key.pem").stat().st_mode & 0o077 == 0


def test_a_tail_deleted_with_its_head_moved_back_is_caught(db: Database, tmp_path: Path) -> None:
    log, seq = _checkpointed(db, tmp_path)
    keep = seq - 2
    with db.unit_of_work() as session:
        kept_hash = session.execute(
            select(AuditEventRow.hash).where(AuditEventRow.seq == keep)
        ).scalar_one()
        session.execute(delete(AuditEventRow).where(AuditEventRow.seq > keep))
        session.execute(update(AuditHeadRow).values(seq=keep, hash=kept_hash))
    with db.unit_of_work() as session:
        assert verify_chain(session).ok  # the chain alone cannot tell
    report = _check(db, tmp_path, log)
    assert f"the chain ends at event {keep} but this checkpoint vouched for event {seq}" in report


def test_an_edit_with_every_later_hash_recomputed_is_caught(db: Database, tmp_path: Path) -> None:
    log, seq = _checkpointed(db, tmp_path)
    with db.unit_of_work() as session:
        rows = session.execute(select(AuditEventRow).order_by(AuditEventRow.seq)).scalars().all()
        rows[1].actor = "someone-else"
        prev = rows[0].hash
        for row in rows[1:]:
            row.prev_hash = prev
            row.hash = prev = event_hash(
                seq=row.seq,
                prev_hash=row.prev_hash,
                recorded_at=row.recorded_at,
                actor=row.actor,
                role=row.role,
                kind=row.kind,
                subject_type=row.subject_type,
                subject_id=row.subject_id,
                payload=row.payload,
            )
            session.flush()
        session.execute(update(AuditHeadRow).values(seq=rows[-1].seq, hash=prev))
    with db.unit_of_work() as session:
        assert verify_chain(session).ok  # recomputed: the chain alone verifies
    report = _check(db, tmp_path, log)
    assert f"event {seq} has another hash than the one signed" in report


def test_a_checkpoint_altered_in_its_file_is_not_genuine(db: Database, tmp_path: Path) -> None:
    log, seq = _checkpointed(db, tmp_path)
    body = json.loads(log.read_text(encoding="utf-8"))
    body["seq"] = seq + 1
    log.write_text(json.dumps(body) + "\n", encoding="utf-8")
    assert "the signature is not the audit key's" in _check(db, tmp_path, log)


def test_no_checkpoint_is_written_over_a_broken_chain(db: Database, tmp_path: Path) -> None:
    _events(db)
    with db.unit_of_work() as session:
        session.execute(update(AuditEventRow).where(AuditEventRow.seq == 2).values(actor="x"))
    key = load_or_create_key(tmp_path / "audit-key.pem")
    with db.unit_of_work() as session, pytest.raises(ConflictError, match="does not verify"):
        write_checkpoint(session, key, tmp_path / "checkpoints.jsonl")
    assert not (tmp_path / "checkpoints.jsonl").exists()


def test_an_unmoved_head_adds_no_checkpoint(db: Database, tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "audit-key.pem")
    log = tmp_path / "checkpoints.jsonl"
    _events(db)
    with db.unit_of_work() as session:
        assert write_checkpoint(session, key, log) is not None
    with db.unit_of_work() as session:
        assert write_checkpoint(session, key, log) is None
    assert len(read_checkpoints(log)) == 1


def test_cli_checkpoint_then_verify_catches_a_cut_tail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("REIND_DATABASE_URL", url)
    monkeypatch.setenv("REIND_DATA_DIR", str(tmp_path))
    database = Database(url)
    database.migrate()
    _events(database)
    runner = CliRunner()
    written = runner.invoke(app, ["audit", "checkpoint"])
    assert written.exit_code == 0, written.output
    assert "checkpoint at event" in written.output
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "OK: 1 signed checkpoint" in ok.output
    with database.unit_of_work() as session:
        head = session.execute(select(AuditHeadRow.seq)).scalar_one()
        kept = session.execute(
            select(AuditEventRow.hash).where(AuditEventRow.seq == head - 1)
        ).scalar_one()
        session.execute(delete(AuditEventRow).where(AuditEventRow.seq == head))
        session.execute(update(AuditHeadRow).values(seq=head - 1, hash=kept))
    database.dispose()
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "the newest events were deleted" in broken.output


def test_the_schedule_checkpoints_at_once_and_carries_on_after_a_failure(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _events(db)
    key = load_or_create_key(tmp_path / "audit-key.pem")
    log = tmp_path / "checkpoints.jsonl"
    rounds: list[int] = []
    second = threading.Event()

    def once() -> object:
        rounds.append(1)
        if len(rounds) == 1:
            raise ConflictError("the first round fails")
        with db.unit_of_work() as session:
            written = write_checkpoint(session, key, log)
        second.set()
        return written

    schedule = CheckpointSchedule(once, every=0.01)
    schedule.start()
    try:
        assert second.wait(timeout=60)
    finally:
        schedule.stop()
    assert len(read_checkpoints(log)) == 1
    assert "writing a checkpoint failed" in caplog.text


def test_a_checkpoint_walks_only_what_came_since_the_last_and_still_refuses_damage(
    db: Database, tmp_path: Path
) -> None:
    log, seq = _checkpointed(db, tmp_path)  # events were added after the checkpoint
    key = load_or_create_key(tmp_path / "keys" / "audit-key.pem")
    with db.unit_of_work() as session:
        session.execute(update(AuditEventRow).where(AuditEventRow.seq == seq + 1).values(actor="x"))
    with db.unit_of_work() as session, pytest.raises(ConflictError, match=f"event {seq + 1}"):
        write_checkpoint(session, key, log)
    with db.unit_of_work() as session:
        report = verify_chain(session, after=(seq, read_checkpoints(log)[-1].hash))
    assert report.broken_seq == seq + 1
