"""The plant's own command log: append-only, hash-chained, shown to the engineer and auditors.

On SQLite and PostgreSQL; the plant pages' handler writing to it is tested
against a running twin in ``test_plant_duties``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from reind.core.clock import FixedClock
from reind.core.errors import ConflictError
from reind.factory.commands import PlantCommand, command_log, record_command, verify_command_log
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
