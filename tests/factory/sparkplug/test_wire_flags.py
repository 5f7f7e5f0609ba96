"""What reind's edge node and gateway put on the wire, read by a bare paho client (Sparkplug 3.0).

The other side here is no Sparkplug library at all: an MQTT 5 paho subscriber at QoS 2 with
Retain As Published sees each message with the QoS and retain flag it was published with,
and the payload is read field by field with protobuf's generated code for the
specification's ``sparkplug_b.proto`` (so a field reind's own decoder would fill in, such as a
missing ``seq``, shows as missing). The assertion ids each check answers are in
``docs/sparkplug-conformance.md``.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.subscribeoptions import SubscribeOptions

from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.ingest.store import open_store
from reind.factory.sparkplug import DataType, Payload, encode_payload
from reind.factory.sparkplug.edge import EdgeNode
from reind.factory.sparkplug.sparkplug_b_pb2 import Payload as WirePayload
from tests.factory.ingest.edge import wait_until
from tests.fixtures.servers import MosquittoBroker

pytestmark = pytest.mark.integration

GROUP, NODE, DEVICE = "Wire", "Node1", "Dev1"


@dataclass(frozen=True)
class Seen:
    """One message as the broker delivered it."""

    topic: str
    qos: int
    retain: bool
    payload: WirePayload

    @property
    def kind(self) -> str:
        return self.topic.split("/")[2]


class WireLog:
    """Every Sparkplug message of the group, flags as published."""

    def __init__(self, port: int) -> None:
        self._seen: list[Seen] = []
        self._lock = threading.Lock()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id="edge-wire-log", protocol=mqtt.MQTTv5
        )
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe(
            f"spBv1.0/{GROUP}/#", options=SubscribeOptions(qos=2, retainAsPublished=True)
        )
        self.client.loop_start()

    def _on_message(self, _c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        payload = WirePayload()
        payload.ParseFromString(bytes(message.payload))
        with self._lock:
            self._seen.append(Seen(message.topic, message.qos, bool(message.retain), payload))

    def of(self, kind: str) -> list[Seen]:
        with self._lock:
            return [s for s in self._seen if s.kind == kind]

    def all(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture
def wire(mosquitto: MosquittoBroker) -> Iterator[WireLog]:
    log = WireLog(mosquitto.port)
    yield log
    log.close()


def _bdseq(payload: WirePayload) -> int:
    (metric,) = [m for m in payload.metrics if m.name == "bdSeq"]
    assert metric.datatype == DataType.Int64
    return int(metric.long_value)


def _wait(condition: Callable[[], bool], what: str) -> None:
    assert wait_until(condition), what


def test_the_edge_nodes_messages_carry_the_flags_sequence_and_metrics_sparkplug_asks(
    mosquitto: MosquittoBroker, wire: WireLog, tmp_path: Path
) -> None:
    """tck-id-topics-nbirth-mqtt, -seq-num, -timestamp, -bdseq-included, -bdseq-increment,
    tck-id-payloads-ndeath-will-message-qos, -retain, tck-id-topics-ndeath-payload, -seq,
    tck-id-operational-behavior-data-commands-rebirth-name-aliases, and the rest of the rows
    of the conformance table naming this test."""
    edge = EdgeNode(GROUP, NODE, broker_port=mosquitto.port, state_dir=tmp_path / "edge")
    edge.define_metric("Temperature", DataType.Double, 20.0)
    edge.define_metric("Speed", DataType.Float, 1.0, device_id=DEVICE)
    edge.start()
    try:
        _wait(edge.online.is_set, "first birth")
        _wait(lambda: len(wire.of("DBIRTH")) == 1, "DBIRTH")
        edge.set("Temperature", 21.5)
        edge.set("Speed", 2.5, device_id=DEVICE)
        _wait(lambda: bool(wire.of("NDATA") and wire.of("DDATA")), "NDATA and DDATA")

        # the connection drops without a DISCONNECT: the broker publishes the Will
        sock = edge.client.socket()
        assert isinstance(sock, socket.socket)
        sock.shutdown(socket.SHUT_RDWR)
        _wait(lambda: len(wire.of("NDEATH")) == 1, "the Will")
        _wait(lambda: len(wire.of("NBIRTH")) == 2 and edge.online.is_set(), "second birth")
        _wait(lambda: len(wire.of("DBIRTH")) == 2, "second DBIRTH")
    finally:
        edge.stop()
    _wait(lambda: len(wire.of("NDEATH")) == 2, "the NDEATH of a clean stop")

    births, dbirths = wire.of("NBIRTH"), wire.of("DBIRTH")
    (ndata,), (ddata,) = wire.of("NDATA"), wire.of("DDATA")
    will, stop_death = wire.of("NDEATH")
    order = [s.kind for s in wire.all()]
    # NBIRTH first, each DBIRTH right after it, DATA only after both
    assert order[:4] == ["NBIRTH", "DBIRTH", "NDATA", "DDATA"]
    assert order[4:7] == ["NDEATH", "NBIRTH", "DBIRTH"]

    for message in (*births, *dbirths, ndata, ddata):
        assert (message.qos, message.retain) == (0, False), message.topic
        assert message.payload.HasField("seq") and message.payload.HasField("timestamp")
        assert all(m.HasField("timestamp") for m in message.payload.metrics)
    # seq: NBIRTH 0, DBIRTH 1, then one more per message
    assert [births[0].payload.seq, dbirths[0].payload.seq] == [0, 1]
    assert [ndata.payload.seq, ddata.payload.seq] == [2, 3]
    assert [births[1].payload.seq, dbirths[1].payload.seq] == [0, 1]
    for birth in (*births, *dbirths):
        for metric in birth.payload.metrics:
            assert metric.HasField("name") and metric.HasField("datatype")
            assert metric.WhichOneof("value") is not None or metric.is_null
    for birth in births:
        (rebirth,) = [m for m in birth.payload.metrics if m.name == "Node Control/Rebirth"]
        assert rebirth.datatype == DataType.Boolean and rebirth.boolean_value is False
        assert not rebirth.HasField("alias")
        others = [m for m in birth.payload.metrics if m.name not in ("bdSeq", rebirth.name)]
        assert others and all(m.HasField("alias") for m in others)
    aliases = [m.alias for b in (births[0], dbirths[0]) for m in b.payload.metrics if m.alias]
    assert len(aliases) == len(set(aliases))
    for data in (ndata, ddata):
        (metric,) = data.payload.metrics
        assert metric.HasField("alias") and not metric.HasField("name")

    # the Will: QoS 1, not retained, the bdSeq of its CONNECT alone, no seq
    assert (will.qos, will.retain) == (1, False)
    for death in (will, stop_death):
        assert not death.payload.HasField("seq")
        assert [m.name for m in death.payload.metrics] == ["bdSeq"]
    first, second = _bdseq(births[0].payload), _bdseq(births[1].payload)
    assert _bdseq(will.payload) == first
    assert second == (first + 1) % 256
    assert _bdseq(stop_death.payload) == second


def test_the_gateways_rebirth_request_is_an_ncmd_at_qos_0_dated_and_without_seq(
    mosquitto: MosquittoBroker, wire: WireLog
) -> None:
    """tck-id-topics-ncmd-mqtt, tck-id-payloads-ncmd-qos, -retain, -timestamp, -seq,
    tck-id-operational-behavior-data-commands-ncmd-rebirth-verb, -name, -value: NDATA from a
    node the gateway never saw born makes it ask for a BIRTH, read here off the wire."""
    store = open_store("duckdb::memory:")
    gateway = Gateway(GatewayConfig(broker_url=mosquitto.url, client_id="gw-wire"), store)
    gateway.start()
    try:
        assert gateway.wait_connected()
        data = encode_payload(Payload(1_700_000_000_000, 7, ()))
        wire.client.publish(f"spBv1.0/{GROUP}/NDATA/Ghost", data, 0)
        _wait(lambda: bool(wire.of("NCMD")), "the rebirth request")
    finally:
        gateway.stop()
        store.close()
    (ncmd,) = wire.of("NCMD")
    assert ncmd.topic == f"spBv1.0/{GROUP}/NCMD/Ghost"
    assert (ncmd.qos, ncmd.retain) == (0, False)
    assert ncmd.payload.HasField("timestamp") and not ncmd.payload.HasField("seq")
    (metric,) = ncmd.payload.metrics
    assert metric.name == "Node Control/Rebirth" and metric.datatype == DataType.Boolean
    assert metric.boolean_value is True


def _command(name: str, datatype: DataType, value: object) -> bytes:
    """An NCMD/DCMD payload built with the generated protobuf classes, by name."""
    payload = WirePayload(timestamp=1_767_225_600_000)
    metric = payload.metrics.add(name=name, datatype=datatype, timestamp=payload.timestamp)
    if isinstance(value, bool):
        metric.boolean_value = value
    else:
        assert isinstance(value, float)
        metric.float_value = value
    return payload.SerializeToString()


def _state(online: bool, timestamp: int) -> bytes:
    return json.dumps({"online": online, "timestamp": timestamp}).encode()


def test_an_older_offline_state_is_ignored_and_a_rebirth_keeps_the_bdseq(
    mosquitto: MosquittoBroker, wire: WireLog, tmp_path: Path
) -> None:
    """tck-id-operational-behavior-edge-node-termination-host-offline-timestamp,
    tck-id-message-flow-edge-node-birth-publish-phid-wait-timestamp (an offline STATE older than
    the online one is not the host going away), tck-id-operational-behavior-data-commands-
    rebirth-action-3 (an NCMD Rebirth's NBIRTH keeps this CONNECT's bdSeq). The STATE and the
    commands come from a bare paho client, in order on one connection, so the DCMD write the
    edge node applies shows it has already read the STATE sent before it."""
    writes: list[object] = []
    edge = EdgeNode(
        GROUP, NODE, broker_port=mosquitto.port, state_dir=tmp_path / "edge",
        primary_host_id="scada",
    )  # fmt: skip
    edge.define_metric("Speed", DataType.Float, 1.0, device_id=DEVICE, on_write=writes.append)
    state_topic, node = "spBv1.0/STATE/scada", f"{GROUP}/NCMD/{NODE}"
    edge.start()
    try:
        wire.client.publish(state_topic, _state(True, 2_000), 1, True).wait_for_publish()
        _wait(lambda: len(wire.of("DBIRTH")) == 1 and edge.online.is_set(), "births")
        wire.client.publish(state_topic, _state(False, 1_000), 1).wait_for_publish()
        dcmd = _command("Speed", DataType.Float, 2.5)
        wire.client.publish(f"spBv1.0/{GROUP}/DCMD/{NODE}/{DEVICE}", dcmd, 1).wait_for_publish()
        _wait(lambda: writes == [2.5], "the DCMD write, after the older offline STATE")
        assert edge.online.is_set() and wire.of("NDEATH") == []

        rebirth = _command("Node Control/Rebirth", DataType.Boolean, True)
        wire.client.publish(f"spBv1.0/{node}", rebirth, 1).wait_for_publish()
        _wait(lambda: len(wire.of("NBIRTH")) == 2, "the NBIRTH the Rebirth asked for")
        first, again = wire.of("NBIRTH")
        assert again.payload.seq == 0 and _bdseq(again.payload) == _bdseq(first.payload)

        wire.client.publish(state_topic, _state(False, 3_000), 1, True).wait_for_publish()
        _wait(lambda: len(wire.of("NDEATH")) == 1, "a newer offline STATE is the host leaving")
        assert _bdseq(wire.of("NDEATH")[0].payload) == _bdseq(first.payload)
    finally:
        edge.stop()
        wire.client.publish(state_topic, b"", 1, True).wait_for_publish()
