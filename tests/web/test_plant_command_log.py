"""The plant's own command log: append-only, hash-chained, shown to the engineer and auditors.

On SQLite and PostgreSQL; the plant pages' handler writing to it is tested
against a running twin in ``test_plant_duties``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text

from reind.core import checkpoints as core_checkpoints
from reind.core.chain import GENESIS, link_hash
from reind.core.checkpoints import HashChain, load_or_create_key, read_checkpoints
from reind.core.clock import FixedClock
from reind.core.errors import ConflictError
from reind.factory.commands import PlantCommand, command_log, record_command, verify_command_log
from reind.factory.commands.checkpoints import (
    COMMAND_LOG,
    check_command_log,
    write_command_checkpoint,
)
from reind.factory.commands.log import PlantCommandRow, _document
from reind.programme.audit.checkpoints import AUDIT_CHAIN
from tests.web.world import World

AT = FixedClock(datetime(2026, 12, 6, 2, 30, tzinfo=UTC))


def _three(world: World, line: str) -> None:
    with world.db.unit_of_work() as session:
        for command in (
            PlantCommand("eng-1", "plant_engineer", line, "command", "", "HOLD", "Execute", "Held"),
            PlantCommand(
                "eng-1", "plant_engineer", line, "setpoint", "Recipe/plate", "set", 190.0, 195.5
            ),
            PlantCommand("eng-2", "plant_engineer", line, "alarm", "a|hi", "acknowledge"),
        ):
            record_command(session, command, AT)


def test_each_action_is_logged_with_who_when_what_before_and_after(shared_world: World) -> None:
    _three(shared_world, "line-log-1")
    with shared_world.db.unit_of_work() as session:
        entries = command_log(session, "line-log-1")
        assert verify_command_log(session) is None
    assert [(e.kind, e.action, e.before, e.after) for e in entries] == [
        ("alarm", "acknowledge", None, None),
        ("setpoint", "set", 190.0, 195.5),
        ("command", "HOLD", "Execute", "Held"),
    ]
    assert {e.actor_id for e in entries} == {"eng-1", "eng-2"}
    assert entries[0].at == AT.now() and entries[0].at.tzinfo is not None


def test_an_edited_entry_breaks_the_chain_from_there_on(world: World) -> None:
    _three(world, "line-log-2")
    with world.db.unit_of_work() as session:
        session.execute(text("UPDATE plant_command_log SET after = '999' WHERE seq = 2"))
    with world.db.unit_of_work() as session:
        assert verify_command_log(session) == 2


def test_a_second_entry_on_the_same_head_is_refused_so_the_log_cannot_fork(world: World) -> None:
    _three(world, "line-log-3")
    fork = (
        "INSERT INTO plant_command_log (seq, at, actor_id, role, line_id, kind, target, action,"
        " before, after, outcome, prev_hash, hash) SELECT 99, at, actor_id, role, line_id, kind,"
        " target, action, before, after, outcome, prev_hash, 'x' FROM plant_command_log"
        " WHERE seq = 3"
    )
    with pytest.raises(ConflictError), world.db.unit_of_work() as session:
        session.execute(text(fork))


def test_the_engineer_and_auditors_read_the_log_page_others_may_not(world: World) -> None:
    _three(world, "waffle-9")
    page = world.client.get("/plant/waffle-9/commands", headers=world.auth("plant_engineer"))
    assert page.status_code == 200
    assert "HOLD" in page.text and "195.5" in page.text and "Execute" in page.text
    assert "2026-12-06 10:30:00" in page.text  # shown in Hong Kong time
    assert "The log verifies" in page.text
    zh = world.client.get("/plant/waffle-9/commands?lang=zh-Hant", headers=world.auth("auditor"))
    assert zh.status_code == 200 and "指令記錄" in zh.text
    for who in ("officer", "analyst", "administrator", "applicant"):
        refused = world.client.get("/plant/waffle-9/commands", headers=world.auth(who))
        assert refused.status_code == 403, who


def _anchored(world: World, tmp_path: Path) -> tuple[Path, Ed25519PrivateKey, int]:
    """Three entries, a signed checkpoint of the head outside the database, two more entries."""
    key = load_or_create_key(tmp_path / "keys" / "audit-key.pem")
    log = tmp_path / "plant-command-checkpoints.jsonl"
    _three(world, "line-anchor")
    with world.db.unit_of_work() as session:
        written = write_command_checkpoint(session, key, log)
    assert written is not None
    _three(world, "line-anchor")
    return log, key, written.seq


def _against(world: World, log: Path, key: Ed25519PrivateKey) -> str:
    with world.db.unit_of_work() as session:
        assert verify_command_log(session) is None  # the log alone cannot tell
        return str(check_command_log(session, read_checkpoints(log), key.public_key()))


def test_an_untouched_log_agrees_with_its_checkpoint(any_world: World, tmp_path: Path) -> None:
    log, key, _ = _anchored(any_world, tmp_path)
    assert _against(any_world, log, key).startswith("OK: 1 signed checkpoint")


def test_a_cut_back_command_log_is_caught_by_its_checkpoint(
    any_world: World, tmp_path: Path
) -> None:
    log, key, seq = _anchored(any_world, tmp_path)
    with any_world.db.unit_of_work() as session:
        session.execute(text("DELETE FROM plant_command_log WHERE seq >= :s"), {"s": seq - 1})
    report = _against(any_world, log, key)
    assert f"but this checkpoint vouched for event {seq}: the newest events were deleted" in report


def test_a_rewritten_and_recomputed_command_log_is_caught_by_its_checkpoint(
    any_world: World, tmp_path: Path
) -> None:
    log, key, seq = _anchored(any_world, tmp_path)
    with any_world.db.unit_of_work() as session:  # edit entry 2, then recompute every hash after
        rows = session.execute(select(PlantCommandRow).order_by(PlantCommandRow.seq)).scalars()
        prev = GENESIS
        for row in rows:
            if row.seq == 2:
                row.after = "999.0"
            row.prev_hash, row.hash = prev, link_hash(prev, _document(row))
            prev = row.hash
            session.flush()
    report = _against(any_world, log, key)
    assert f"event {seq} has another hash than the one signed" in report


def test_the_plant_log_and_the_audit_chain_share_one_checkpoint_mechanism() -> None:
    """Not a copy: both adapters hand their chain to ``core.checkpoints``."""
    assert isinstance(COMMAND_LOG, HashChain) and isinstance(AUDIT_CHAIN, HashChain)
    assert core_checkpoints.write_checkpoint.__module__ == "reind.core.checkpoints"
