"""The plant dashboard: live state, setpoints within limits, alarms with who did what."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.subscribeoptions import SubscribeOptions

from reind.bootstrap import Platform
from reind.core.db import Database
from reind.factory.monitoring.events import AlarmState
from reind.factory.sparkplug.sparkplug_b_pb2 import Payload as WirePayload
from reind.programme.accounts.tokens import issue_token
from reind.programme.accounts.users import add_user
from reind.programme.actors import SYSTEM, Role
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from tests.fixtures.servers import MosquittoBroker
from tests.web.plant_fixture import RunningPlant, running_plant, wait_executing, wait_until

pytestmark = pytest.mark.integration
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def plant(mosquitto: MosquittoBroker, tmp_path: Path) -> Iterator[RunningPlant]:
    yield from running_plant(mosquitto.port, tmp_path / "edge")


@pytest.fixture
def web(plant: RunningPlant, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    database = Database(f"sqlite:///{tmp_path / 'reind.db'}")
    database.migrate()
    tokens = {}
    with database.unit_of_work() as session:
        for name, role in (("engineer", Role.PLANT_ENGINEER), ("applicant", Role.APPLICANT)):
            user = add_user(
                session,
                SYSTEM,
                email=f"{name}@example.hk",
                display_name=name,
                role=role,
                enterprise_id=None if role is not Role.APPLICANT else _enterprise(session),
                hasher=FAST,
            )
            tokens[name] = issue_token(session, user.id, "test", SYSTEM)[1]
    app = create_app(
        Platform(database, default_engine(), plant=plant.link),
        secure_cookies=False,
        password_hasher=FAST,
    )
    yield TestClient(app), tokens
    database.dispose()


def _enterprise(session: object) -> str:
    from tests.programme.factories import enterprise

    return enterprise(session).id  # type: ignore[arg-type]


def auth(tokens: dict[str, str], who: str = "engineer") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def test_dashboard_shows_the_running_machine(
    plant: RunningPlant, web: tuple[TestClient, dict[str, str]]
) -> None:
    client, tokens = web
    line = plant.link.line("waffle-1")
    wait_until(lambda: "PackML/State Name" in plant.link.values(line))
    page = client.get("/plant/waffle-1", headers=auth(tokens))
    assert page.status_code == 200
    assert "Egg-waffle machine" in page.text and "Recipe/baking_side_a/plate_setpoint" in page.text
    assert "190" in page.text or "180" in page.text  # plate setpoint range is shown
    assert "-40 to -18 °C" in page.text  # the freezer's limits, not "-40–-18 °C" (issue 16)


class DcmdWatcher:
    """Every DCMD as published (QoS, retain), read by a bare MQTT 5 paho client.

    Subscribed at QoS 2 with Retain As Published, it receives each message at the QoS it was
    published with and with the publisher's retain flag; the payload is read with protobuf's
    generated classes for the Sparkplug ``.proto``.
    """

    def __init__(self, port: int) -> None:
        self.seen: list[tuple[str, int, bool, WirePayload]] = []
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id="dcmd-watcher", protocol=mqtt.MQTTv5
        )
        subscribed = threading.Event()
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *_args: subscribed.set()
        self.client.connect("127.0.0.1", port)
        options = SubscribeOptions(qos=2, retainAsPublished=True)
        self.client.subscribe("spBv1.0/+/DCMD/#", options=options)
        self.client.loop_start()
        assert subscribed.wait(10), "the broker never acknowledged the subscription"

    def _on_message(self, _c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        payload = WirePayload()
        payload.ParseFromString(bytes(message.payload))
        self.seen.append((message.topic, message.qos, bool(message.retain), payload))

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def test_a_setpoint_within_limits_reaches_the_machine_as_a_dcmd(
    plant: RunningPlant, web: tuple[TestClient, dict[str, str]], mosquitto: MosquittoBroker
) -> None:
    """The DCMD goes out as Sparkplug 3.0 asks of a host: tck-id-topics-dcmd-mqtt,
    tck-id-payloads-dcmd-qos, -retain (QoS 0, not retained), tck-id-topics-dcmd-timestamp,
    tck-id-payloads-dcmd-timestamp, tck-id-payloads-dcmd-seq (dated, no seq)."""
    client, tokens = web
    line = plant.link.line("waffle-1")
    wait_until(lambda: "Recipe/baking_side_a/plate_setpoint" in plant.link.values(line))
    watcher = DcmdWatcher(mosquitto.port)
    try:
        response = client.post(
            "/plant/waffle-1/parameter",
            data={"tag": "Recipe/baking_side_a/plate_setpoint", "value": "195"},
            headers=auth(tokens),
            follow_redirects=False,
        )
        assert response.status_code == 303 and "done=" in response.headers["location"]
        wait_until(lambda: plant.twin.tags["Recipe/baking_side_a/plate_setpoint"].value == 195.0)
        wait_until(lambda: plant.link.values(line)["Plate A/Setpoint"] == 195.0)
        wait_until(lambda: watcher.seen)
        ((_topic, qos, retain, payload),) = watcher.seen
        assert (qos, retain) == (0, False)
        assert payload.HasField("timestamp") and not payload.HasField("seq")
    finally:
        watcher.close()


def test_an_out_of_limit_setpoint_is_refused_and_the_typed_value_kept(
    plant: RunningPlant, web: tuple[TestClient, dict[str, str]]
) -> None:
    client, tokens = web
    line = plant.link.line("waffle-1")
    wait_until(lambda: "Recipe/baking_side_a/plate_setpoint" in plant.link.values(line))
    before = plant.twin.tags["Recipe/baking_side_a/plate_setpoint"].value
    page = client.post(
        "/plant/waffle-1/parameter",
        data={"tag": "Recipe/baking_side_a/plate_setpoint", "value": "999"},
        headers=auth(tokens),
    )
    assert page.status_code == 400
    assert "must be between" in page.text and 'value="999"' in page.text
    assert plant.twin.tags["Recipe/baking_side_a/plate_setpoint"].value == before


def test_an_alarm_is_acknowledged_by_the_signed_in_engineer(
    plant: RunningPlant, web: tuple[TestClient, dict[str, str]]
) -> None:
    client, tokens = web
    line = plant.link.line("waffle-1")
    wait_until(lambda: "Plate A/Temperature" in plant.link.values(line))
    wait_executing(plant.twin)  # a cold plate while heating up is suppressed by design
    plant.twin.inject_fault("heater_degradation", plate=0, health=0.05)
    wait_until(lambda: any(a.active for a in plant.alarms.alarms()), timeout=60)
    alarm = next(a for a in plant.alarms.alarms() if a.active)
    assert alarm.alarm_id in client.get("/plant/waffle-1", headers=auth(tokens)).text
    response = client.post(
        "/plant/waffle-1/alarm",
        data={"alarm_id": alarm.alarm_id, "action": "acknowledge"},
        headers=auth(tokens),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert alarm.state in (AlarmState.ACKNOWLEDGED, AlarmState.NORMAL)
    acknowledged = [e for e in alarm.history if e.previous is AlarmState.UNACKNOWLEDGED]
    assert acknowledged, alarm.history
    assert acknowledged[-1].actor not in ("", "system")  # the signed-in engineer, not the engine


def test_applicants_may_not_use_the_plant_dashboard(
    web: tuple[TestClient, dict[str, str]],
) -> None:
    client, tokens = web
    assert client.get("/plant/waffle-1", headers=auth(tokens, "applicant")).status_code == 403
    anonymous = client.get("/plant/waffle-1", follow_redirects=False)
    assert anonymous.status_code == 303 and "/sign-in" in anonymous.headers["location"]


def test_events_stream_pushes_live_values(
    plant: RunningPlant, web: tuple[TestClient, dict[str, str]]
) -> None:
    client, tokens = web
    line = plant.link.line("waffle-1")
    wait_until(lambda: "Plate A/Temperature" in plant.link.values(line))
    with client.stream("GET", "/plant/waffle-1/events", headers=auth(tokens)) as stream:
        for text in stream.iter_lines():
            if text.startswith("data: "):
                assert '"Plate A/Temperature"' in text
                break


def test_every_command_reaches_the_single_unit_waffle_machine(
    plant: RunningPlant, web: tuple[TestClient, dict[str, str]]
) -> None:
    """The waffle machine's unit is "" (an empty form field): its buttons must work."""
    client, tokens = web
    line = plant.link.line("waffle-1")
    wait_until(lambda: plant.link.values(line).get("PackML/State Name") == "Execute", 60)
    response = client.post(
        "/plant/waffle-1/command",
        data={"unit": "", "command": "HOLD"},
        headers=auth(tokens),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "done=" in response.headers["location"]
    wait_until(lambda: plant.twin.units[""].state.label in ("Holding", "Held"))


def test_a_command_the_state_forbids_is_refused_with_the_reason_in_chinese(
    plant: RunningPlant, web: tuple[TestClient, dict[str, str]]
) -> None:
    client, tokens = web
    line = plant.link.line("waffle-1")
    wait_until(lambda: plant.link.values(line).get("PackML/State Name") == "Execute", 60)
    page = client.post(
        "/plant/waffle-1/command?lang=zh-Hant",
        data={"unit": "", "command": "UNHOLD"},
        headers=auth(tokens) | {"Accept-Language": "zh-HK"},
    )
    assert page.status_code == 400
    assert "執行" in page.text and "沒有發送" in page.text
    assert plant.twin.units[""].state.label == "Execute"


def test_a_refused_setpoint_is_shown_at_a_sensible_precision(
    plant: RunningPlant, web: tuple[TestClient, dict[str, str]]
) -> None:
    client, tokens = web
    line = plant.link.line("waffle-1")
    wait_until(lambda: "Recipe/baking_side_a/plate_setpoint" in plant.link.values(line))
    page = client.post(
        "/plant/waffle-1/parameter",
        data={"tag": "Recipe/baking_side_a/plate_setpoint", "value": "231"},
        headers=auth(tokens),
    )
    assert page.status_code == 400
    assert "between 150 and 230 °C; 231 °C was not sent" in page.text, page.text
    assert not re.search(r">-?[0-9,]+\.[0-9]{3,}<", page.text)  # live values at display precision
