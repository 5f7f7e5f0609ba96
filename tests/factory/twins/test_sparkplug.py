"""The waffle twin on a real broker: births every tag, reports by exception, obeys DCMD."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reind.factory.control.packml import PackMLState
from reind.factory.sparkplug import DataType, MessageType, Metric, Payload, Topic, encode_payload
from reind.factory.sparkplug.edge import EdgeNode
from reind.factory.sparkplug.host import HostApplication
from reind.factory.sparkplug.host_results import HostResult
from reind.factory.twins.sparkplug_link import SparkplugLink
from tests.factory.twins.conftest import producing_waffle_machine
from tests.fixtures.servers import MosquittoBroker

pytestmark = pytest.mark.integration

GROUP, NODE, DEVICE = "reind", "waffle-1", "waffle"


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.02)


class Historian:
    """What the SCADA host received, series by series."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.series: dict[str, list[object]] = {}

    def __call__(self, topic: Topic, result: HostResult) -> None:
        with self.lock:
            for point in result.points:
                self.series.setdefault(point.series, []).append(point.value)

    def values(self, metric: str) -> list[object]:
        with self.lock:
            return list(self.series.get(f"{GROUP}/{NODE}/{DEVICE}/{metric}", []))


def dcmd(host: HostApplication, name: str, datatype: DataType, value: object) -> None:
    payload = encode_payload(Payload(1, None, (Metric(name, None, datatype, value),)))
    host.client.publish(Topic(GROUP, MessageType.DCMD, NODE, DEVICE).text, payload, 0)


def test_a_dcmd_changes_a_plate_setpoint_and_the_plate_follows(
    mosquitto: MosquittoBroker, tmp_path: Path
) -> None:
    historian = Historian()
    host = HostApplication("scada", broker_port=mosquitto.port, on_result=historian)
    host.start()
    twin = producing_waffle_machine()
    lock = threading.Lock()
    edge = EdgeNode(
        GROUP,
        NODE,
        broker_port=mosquitto.port,
        state_dir=tmp_path / "edge",
        clock=twin.clock,
        primary_host_id="scada",
    )
    link = SparkplugLink(twin, edge, lock)
    edge.start()
    try:
        wait_until(edge.online.is_set, "edge born")
        wait_until(lambda: len(historian.values("Plate B/Temperature")) == 1, "DBIRTH seen")
        assert len(historian.values("Recipe/baking_side_b/plate_setpoint")) == 1

        dcmd(host, "Recipe/baking_side_b/plate_setpoint", DataType.Double, 200.0)
        wait_until(
            lambda: twin.recipe.value("baking_side_b", "plate_setpoint") == 200.0, "DCMD applied"
        )
        for _ in range(300):
            with lock:
                twin.step()
            link.publish()
        wait_until(
            lambda: any(
                abs(float(str(v)) - 200) < 2 for v in historian.values("Plate B/Temperature")
            ),
            "plate B reported near its new setpoint",
        )
        assert 200.0 in historian.values("Recipe/baking_side_b/plate_setpoint")
        assert twin.recipe.adjustments[-1].who == "sparkplug"

        dcmd(host, "Recipe/baking_side_b/plate_setpoint", DataType.Double, 400.0)
        wait_until(lambda: link.refused == 1, "out-of-limit DCMD refused")
        assert twin.recipe.value("baking_side_b", "plate_setpoint") == 200.0

        dcmd(host, "PackML/Command", DataType.Int64, 4)  # Hold
        wait_until(lambda: twin.machine.state is not PackMLState.EXECUTE, "Hold applied")
        for _ in range(300):
            with lock:
                twin.step()
            link.publish()
        wait_until(
            lambda: int(PackMLState.HELD) in historian.values("PackML/State"), "Held reported"
        )
    finally:
        edge.stop()
        host.stop()
