"""Edge nodes -> real Mosquitto -> gateway -> store, including broker crashes."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.ingest.simulator import SimulatedEdgeNode
from reind.factory.ingest.store import TelemetryStore, open_store
from reind.factory.monitoring.engine import AlarmEngine
from reind.factory.monitoring.events import AlarmEvent, AlarmState
from reind.factory.monitoring.rules import LimitRule, RuleScope
from tests.factory.ingest.edge import EdgePublisher, wait_until
from tests.fixtures.servers import MosquittoBroker

pytestmark = pytest.mark.integration

BASE_MS = 1_767_225_600_000  # 2026-01-01: far from the births' wall-clock timestamps
START, END = datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)


@pytest.fixture
def duck() -> Iterator[TelemetryStore]:
    store = open_store("duckdb::memory:")
    yield store
    store.close()


def start_gateway(
    broker: MosquittoBroker, store: TelemetryStore, protocol: int = 5, **extra: object
) -> Gateway:
    settings: dict[str, object] = {"client_id": f"gw-{protocol}", **extra}
    config = GatewayConfig(
        broker_url=broker.url,
        protocol=5 if protocol == 5 else 3,
        batch_points=500,
        batch_seconds=0.05,
        **settings,  # type: ignore[arg-type]
    )
    gateway = Gateway(config, store)
    gateway.start()
    assert gateway.wait_connected()
    return gateway


def data_points(store: TelemetryStore, node: SimulatedEdgeNode) -> dict[str, list[int]]:
    """Timestamps of each data series (births excluded), as stored."""
    out: dict[str, list[int]] = {}
    for device in node.devices:
        for metric in node.metric_names:
            series = node.series(device, metric)
            out[series] = [p.timestamp_ms for p in store.query_raw(series, START, END)]
    return out


def test_published_points_reach_the_store_and_raise_alarms_before_commit(
    mosquitto: MosquittoBroker, duck: TelemetryStore
) -> None:
    engine = AlarmEngine([LimitRule("hot", high=100.0, scope=RuleScope(metric="m0"))])
    seen: list[AlarmEvent] = []
    engine.stream.add_listener(seen.append)
    gateway = start_gateway(mosquitto, duck, alarm_engine=engine)
    node = SimulatedEdgeNode("plant", "oven", devices=2, metrics=5)
    edge = EdgePublisher(mosquitto.port, [node])
    try:
        for i in range(40):
            edge.publish(*node.data(i % 2, BASE_MS + i, [150.0 if i == 7 else 1.0] * 5))
        assert wait_until(lambda: sum(map(len, data_points(duck, node).values())) == 200)
        assert gateway.host.connected_nodes == 1
        assert [e.state for e in seen] == [AlarmState.UNACKNOWLEDGED, AlarmState.RTN_UNACKNOWLEDGED]
        assert wait_until(lambda: len(duck.alarm_events()) == 2)
        assert duck.dead_letters() == []
    finally:
        edge.close()
        gateway.stop()


def test_malformed_payloads_and_unknown_topics_are_dead_lettered_and_ingest_goes_on(
    mosquitto: MosquittoBroker, duck: TelemetryStore
) -> None:
    gateway = start_gateway(mosquitto, duck, protocol=3)
    node = SimulatedEdgeNode("plant", "press", devices=1, metrics=3)
    edge = EdgePublisher(mosquitto.port, [node])
    rng = random.Random(7)
    try:
        topic, good = node.data(0, BASE_MS, [1.0, 2.0, 3.0])
        garbage = [b"\xff" + rng.randbytes(rng.randint(0, 60)) for _ in range(30)]
        truncated = [good[: rng.randint(1, len(good) - 1)] for _ in range(30)]
        for payload in garbage:
            edge.publish(topic, payload)
        edge.publish("spBv1.0/plant/BOGUS/press", good)
        edge.publish("spBv1.0/plant/DDATA/unborn/d0", good)  # DATA before NBIRTH
        for payload in truncated:
            edge.publish(topic, payload)
        edge.publish(*node.data(0, BASE_MS + 1, [4.0, 5.0, 6.0]))
        last = node.series("d0", "m2")
        assert wait_until(
            lambda: BASE_MS + 1 in [p.timestamp_ms for p in duck.query_raw(last, START, END)]
        )
        assert wait_until(lambda: gateway.metrics.messages._value.get() >= 64)
        reasons = [d.reason for d in duck.dead_letters(limit=1000)]
        assert len([r for r in reasons if r.startswith("malformed")]) >= 30
        assert any(r.startswith("unknown topic") for r in reasons)
        assert any("before NBIRTH" in r for r in reasons)
        assert all(d.payload for d in duck.dead_letters(limit=1000))
    finally:
        edge.close()
        gateway.stop()


def test_every_point_is_stored_exactly_once_across_broker_crashes(
    mosquitto: MosquittoBroker, duck: TelemetryStore
) -> None:
    """Sparkplug 3.0 primary host: edge nodes birth only when the gateway's STATE is online
    (tck-id-message-flow-edge-node-birth-publish-phid-wait) and store and forward meanwhile."""
    gateway = start_gateway(mosquitto, duck, protocol=5)
    nodes = [SimulatedEdgeNode("plant", f"n{i}", devices=1, metrics=10) for i in range(3)]
    edge = EdgePublisher(mosquitto.port, nodes, primary_host_id=gateway.host_id)
    crashes = 3
    try:
        assert wait_until(edge.host_online.is_set)
        step, last_restart_ms = 0, 0
        for crash in range(crashes + 1):
            for _ in range(150):
                for node in nodes:
                    edge.send(node, 0, BASE_MS + step, [float(step)] * 10)
                step += 1
            if crash == crashes:
                break
            generation, births = gateway.generation, edge.births
            mosquitto.stop()  # mid-stream: much of the segment is still in flight
            last_restart_ms = time.time_ns() // 1_000_000
            mosquitto.start()
            assert wait_until(
                lambda g=generation, b=births: (
                    gateway.generation > g and gateway.wait_connected(0.1) and edge.births > b
                )
            )
        expected = list(range(BASE_MS, BASE_MS + step))
        last = [node.series("d0", "m9") for node in nodes]
        assert wait_until(lambda: all(len(duck.query_raw(s, START, END)) >= step for s in last), 60)
        for node in nodes:
            for series, stamps in data_points(duck, node).items():
                assert stamps == expected, series
        # the host saw and recorded the gaps: its own outages and every edge node's rebirth
        far = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
        outages = duck.query_raw(f"$host/{gateway.host_id}/broker_outage_ms", *far)
        assert len(outages) == crashes
        assert all(o.value is not None and o.value > 0 for o in outages)
        for node in nodes:
            # a BIRTH the killed broker still held for the gateway dies with it (persistence is
            # off), so the host records at most one point per BIRTH the edge published, and
            # always the last one, which no later crash could take
            online = duck.query_raw(f"plant/{node.node}/$host/online", *far)
            assert 1 <= len(online) <= edge.births, [p.timestamp_ms for p in online]
            assert online[-1].timestamp_ms >= last_restart_ms
            assert all(point.value == 1.0 for point in online)
        assert duck.dead_letters() == []
    finally:
        edge.close()
        gateway.stop()


def retained_state(broker: MosquittoBroker, topic: str) -> dict[str, object]:
    """The retained STATE as a fresh subscriber sees it (plain paho, not the gateway's code)."""
    import json
    import threading

    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    got: list[bytes] = []
    arrived = threading.Event()

    def on_message(_c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        got.append(bytes(message.payload))
        arrived.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="state-reader")
    client.on_message = on_message
    client.connect("127.0.0.1", broker.port)
    client.subscribe(topic, qos=1)
    client.loop_start()
    try:
        assert arrived.wait(10), f"no retained message on {topic}"
    finally:
        client.loop_stop()
        client.disconnect()
    state: dict[str, object] = json.loads(got[-1])
    return state


@pytest.mark.parametrize("protocol", [3, 5])
def test_retained_state_is_offline_after_a_clean_stop(
    mosquitto: MosquittoBroker, duck: TelemetryStore, protocol: int
) -> None:
    # tck-id-operational-behavior-host-application-termination: a host that leaves on
    # purpose publishes STATE offline and must not answer its own offline with online
    gateway = start_gateway(mosquitto, duck, protocol=protocol)
    assert retained_state(mosquitto, gateway.state_topic)["online"] is True
    gateway.stop()
    assert retained_state(mosquitto, gateway.state_topic)["online"] is False


@pytest.mark.parametrize("protocol", [3, 5])
def test_a_stopped_gateway_under_another_client_id_keeps_no_share_of_the_data(
    mosquitto: MosquittoBroker, duck: TelemetryStore, protocol: int
) -> None:
    # Sparkplug 3.0 tck-id-principles-persistence-clean-session-311 / -50: a primary host
    # connects with a clean session, so a gateway that once ran under another client id
    # is no longer a member of the share group and cannot take births or data
    old = start_gateway(mosquitto, duck, protocol=protocol, client_id=f"gw-old-{protocol}")
    old.stop()
    new = start_gateway(mosquitto, duck, protocol=protocol, client_id=f"gw-new-{protocol}")
    node = SimulatedEdgeNode("plant", f"fryer{protocol}", devices=1, metrics=4)
    edge = EdgePublisher(mosquitto.port, [node])
    try:
        for i in range(50):
            edge.publish(*node.data(0, BASE_MS + i, [float(i)] * 4))
        edge.flush()
        assert wait_until(lambda: sum(map(len, data_points(duck, node).values())) == 200)
        assert duck.dead_letters() == []
    finally:
        edge.close()
        new.stop()
