"""Only the plant engineer operates a line, and every operation is in the plant's command log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from reind.bootstrap import Platform
from reind.core.db import Database
from reind.factory.commands import command_log, verify_command_log
from reind.programme.accounts.tokens import issue_token
from reind.programme.accounts.users import add_user
from reind.programme.actors import SYSTEM, Role
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from tests.fixtures.servers import MosquittoBroker
from tests.web.plant_fixture import RunningPlant, running_plant, wait_until
from tests.web.world import FAST_HASHER

pytestmark = pytest.mark.integration
SETPOINT = "Recipe/baking_side_a/plate_setpoint"
WATCHERS = {"officer": Role.OFFICER, "analyst": Role.ANALYST, "administrator": Role.ADMINISTRATOR}


@pytest.fixture
def plant(mosquitto: MosquittoBroker, tmp_path: Path) -> Iterator[RunningPlant]:
    yield from running_plant(mosquitto.port, tmp_path / "edge")


@pytest.fixture
def web(
    plant: RunningPlant, tmp_path: Path
) -> Iterator[tuple[TestClient, dict[str, str], Database]]:
    database = Database(f"sqlite:///{tmp_path / 'reind.db'}")
    database.migrate()
    tokens = {}
    with database.unit_of_work() as session:
        for name, role in {"engineer": Role.PLANT_ENGINEER, **WATCHERS}.items():
            user = add_user(
                session,
                SYSTEM,
                email=f"{name}@example.hk",
                display_name=name,
                role=role,
                hasher=FAST_HASHER,
            )
            tokens[name] = issue_token(session, user.id, "test", SYSTEM)[1]
    app = create_app(
        Platform(database, default_engine(), plant=plant.link),
        secure_cookies=False,
        password_hasher=FAST_HASHER,
    )
    yield TestClient(app), tokens, database
    database.dispose()


def auth(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def test_officers_analysts_and_administrators_watch_but_may_not_operate_the_line(
    plant: RunningPlant, web: tuple[TestClient, dict[str, str], Database]
) -> None:
    client, tokens, database = web
    line = plant.link.line("waffle-1")
    wait_until(lambda: plant.link.values(line).get("PackML/State Name") == "Execute", 60)
    before = plant.twin.tags[SETPOINT].value
    for who in WATCHERS:
        page = client.get("/plant/waffle-1", headers=auth(tokens, who))
        assert page.status_code == 200
        assert 'data-command="HOLD"' not in page.text
        for path, data in (
            ("command", {"unit": "", "command": "HOLD"}),
            ("parameter", {"tag": SETPOINT, "value": "195"}),
            ("alarm", {"alarm_id": "x", "action": "acknowledge"}),
        ):
            answer = client.post(f"/plant/waffle-1/{path}", data=data, headers=auth(tokens, who))
            assert answer.status_code == 403, (who, path, answer.status_code)
    assert plant.twin.units[""].state.label == "Execute"
    assert plant.twin.tags[SETPOINT].value == before
    with database.unit_of_work() as session:
        assert command_log(session, "waffle-1") == []
    engineer = client.get("/plant/waffle-1", headers=auth(tokens, "engineer"))
    assert 'data-command="HOLD"' in engineer.text


def test_a_setpoint_change_and_a_command_are_recorded_with_who_old_and_new(
    plant: RunningPlant, web: tuple[TestClient, dict[str, str], Database]
) -> None:
    client, tokens, database = web
    line = plant.link.line("waffle-1")
    wait_until(lambda: plant.link.values(line).get("PackML/State Name") == "Execute", 60)
    wait_until(lambda: SETPOINT in plant.link.values(line))
    old = plant.link.values(line)[SETPOINT]
    changed = client.post(
        "/plant/waffle-1/parameter",
        data={"tag": SETPOINT, "value": "195"},
        headers=auth(tokens, "engineer"),
        follow_redirects=False,
    )
    assert changed.status_code == 303 and "done=" in changed.headers["location"]
    held = client.post(
        "/plant/waffle-1/command",
        data={"unit": "", "command": "HOLD"},
        headers=auth(tokens, "engineer"),
        follow_redirects=False,
    )
    assert held.status_code == 303, held.text
    with database.unit_of_work() as session:
        entries = list(reversed(command_log(session, "waffle-1")))
        assert verify_command_log(session) is None
    assert [e.kind for e in entries] == ["setpoint", "command"]
    assert {e.role for e in entries} == {"plant_engineer"}
    setpoint, command = entries
    assert (setpoint.target, setpoint.before, setpoint.after) == (SETPOINT, old, 195.0)
    assert command.action == "HOLD" and command.before == "Execute"
    assert command.after in (None, "Holding", "Held") and command.outcome == "sent"
