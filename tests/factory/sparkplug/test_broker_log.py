"""What the gateway and the edge node send the broker, read from Mosquitto's own log.

Another MQTT client cannot see a CONNECT's flags or a SUBSCRIBE; the broker can. With
``log_type all`` Mosquitto logs each CONNECT (protocol, clean-session/clean-start flag), its
Will (retain, QoS, topic), each SUBSCRIBE (filters and QoS), each PUBLISH it receives (QoS,
retain, topic) and each DISCONNECT, in the order it handled them. The assertions each check
answers are named in ``docs/sparkplug-conformance.md``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
from paho.mqtt.client import topic_matches_sub

from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.ingest.store import open_store
from reind.factory.sparkplug import DataType
from reind.factory.sparkplug.edge import EdgeNode
from tests.factory.ingest.edge import wait_until
from tests.fixtures.servers import MosquittoBroker, free_port, wait_for_port

pytestmark = pytest.mark.integration


@dataclass
class LoggedBroker(MosquittoBroker):
    """A Mosquitto whose log (everything it does) goes to ``log``, unbuffered (stderr)."""

    log: Path = Path()

    def start(self) -> None:
        with self.log.open("ab") as out:
            binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
            self.process = subprocess.Popen([binary, "-c", str(self.config)], stderr=out)
        wait_for_port(self.port)

    def lines(self, client_id: str) -> list[str]:
        """The log lines about one client, timestamps cut off, in order."""
        text = self.log.read_text(encoding="utf-8")
        mine, follows = [], False
        for line in text.splitlines():
            body = line.split(": ", 1)[-1]
            if client_id in body:
                mine.append(body)
                follows = body.startswith(("New client", "Received SUBSCRIBE"))
            elif follows and body.startswith(("\t", "Will message")):
                mine.append(body)  # the CONNECT's Will and its topic, or a subscribed filter
            else:
                follows = False
        return mine


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LoggedBroker]:
    port = free_port()
    config = tmp_path / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "log_dest stderr\nlog_type all\nconnection_messages true\n",
        encoding="utf-8",
    )
    logged = LoggedBroker(port, config, log=tmp_path / "mosquitto.log")
    logged.start()
    try:
        yield logged
    finally:
        logged.stop()


_PUBLISH = re.compile(r"Received PUBLISH from \S+ \(d\d, q(\d), r(\d), m\d+, '([^']*)'")


def _published(lines: list[str]) -> list[tuple[str, int, bool]]:
    """(topic, QoS, retain) of every PUBLISH the broker received from the client."""
    found = (_PUBLISH.search(line) for line in lines)
    return [(m[3], int(m[1]), m[2] == "1") for m in found if m]


def _subscribed(lines: list[str]) -> list[tuple[str, int]]:
    """(filter, QoS) of every subscription, in order."""
    found = (re.fullmatch(r"\t(\S+) \(QoS (\d)\)", line) for line in lines)
    return [(m[1], int(m[2])) for m in found if m]


def _first(lines: list[str], prefix: str) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith(prefix))


def _publishes_then_disconnects(lines: list[str]) -> None:
    """Its DISCONNECT comes after every PUBLISH: it said goodbye, then left."""
    last = max(i for i, line in enumerate(lines) if line.startswith("Received PUBLISH"))
    assert last < _first(lines, "Received DISCONNECT"), lines[last:]


@pytest.mark.parametrize(("protocol", "share_group"), [(3, None), (5, None), (5, "reind")])
def test_the_gateway_connects_clean_subscribes_then_births_and_leaves_after_its_death(
    broker: LoggedBroker, protocol: Literal[3, 5], share_group: str | None
) -> None:
    """tck-id-message-flow-phid-sparkplug-clean-session-311 / -50 (clean flag set),
    tck-id-host-topic-phid-death-required (Will on its STATE topic, QoS 1, retained),
    tck-id-host-topic-phid-birth-sub-required, tck-id-payloads-state-subscribe,
    tck-id-message-flow-phid-sparkplug-subscription (subscribed, its own STATE included,
    before it publishes), tck-id-host-topic-phid-birth-message (its first PUBLISH is the
    online STATE, a share group's roster announcement after it: ADR 0182),
    tck-id-operational-behavior-host-application-disconnect-intentional (the offline STATE,
    then DISCONNECT)."""
    store = open_store("duckdb::memory:")
    client_id = f"gw-log-{protocol}-{share_group}"
    config = GatewayConfig(
        broker_url=broker.url, protocol=protocol, client_id=client_id, share_group=share_group
    )
    gateway = Gateway(config, store)
    gateway.start()
    try:
        assert gateway.wait_connected()
    finally:
        gateway.stop()
        store.close()
    assert wait_until(lambda: any("DISCONNECT" in line for line in broker.lines(client_id)))
    lines = broker.lines(client_id)
    (connected,) = [line for line in lines if line.startswith("New client connected")]
    assert f"(p{2 if protocol == 3 else 5}, c1," in connected
    will = _first(lines, "Will message specified")
    assert lines[will].endswith("(r1, q1).") and lines[will + 1] == f"\t{gateway.state_topic}"
    subscribed = _subscribed(lines)
    plain = [re.sub(r"^\$share/[^/]+/", "", f) for f, _ in subscribed]
    assert any(topic_matches_sub(f, gateway.state_topic) for f in plain), subscribed
    assert any(topic_matches_sub(f, "spBv1.0/g/NDATA/n") for f in plain), subscribed
    assert _first(lines, "Received SUBSCRIBE") < _first(lines, "Received PUBLISH")
    published = _published(lines)
    assert published[0] == (gateway.state_topic, 1, True)
    roster = [] if share_group is None else [(f"reind/gateways/{share_group}/{client_id}", 1, True)]
    assert published[1 : 1 + len(roster)] == roster  # a member announces itself right after
    # the clean stop: the offline STATE (and a group member's roster goodbye), then DISCONNECT
    leaving = published[-1 - len(roster) :]
    assert leaving[0] == (gateway.state_topic, 1, True)
    assert [topic for topic, _, _ in leaving[1:]] == [topic for topic, _, _ in roster]
    _publishes_then_disconnects(lines)


def test_the_edge_node_connects_clean_subscribes_to_its_commands_and_dies_before_leaving(
    broker: LoggedBroker, tmp_path: Path
) -> None:
    """tck-id-principles-persistence-clean-session-311 (MQTT 3.1.1, clean session),
    tck-id-message-flow-edge-node-birth-publish-will-message-qos, -will-retained (r0, q1 on
    the NDEATH topic), tck-id-message-flow-edge-node-ncmd-subscribe and
    tck-id-message-flow-device-dcmd-subscribe (at QoS 1), tck-id-principles-birth-
    certificates-order (first PUBLISH the NBIRTH), tck-id-payloads-ndeath-will-message-
    publisher-disconnect-mqtt311 (its own NDEATH, then DISCONNECT)."""
    edge = EdgeNode("Logged", "Node1", broker_port=broker.port, state_dir=tmp_path / "edge")
    edge.define_metric("Speed", DataType.Float, 1.0, device_id="Dev1", on_write=lambda v: v)
    edge.start()
    try:
        assert wait_until(edge.online.is_set)
    finally:
        edge.stop()
    client_id = "reind-edge-Logged-Node1"
    assert wait_until(lambda: any("DISCONNECT" in line for line in broker.lines(client_id)))
    lines = broker.lines(client_id)
    (connected,) = [line for line in lines if line.startswith("New client connected")]
    assert "(p2, c1," in connected
    will = _first(lines, "Will message specified")
    assert lines[will].endswith("(r0, q1).")
    assert lines[will + 1] == "\tspBv1.0/Logged/NDEATH/Node1"
    assert set(_subscribed(lines)) >= {
        ("spBv1.0/Logged/NCMD/Node1", 1),
        ("spBv1.0/Logged/DCMD/Node1/+", 1),
    }
    published = _published(lines)
    assert published[0] == ("spBv1.0/Logged/NBIRTH/Node1", 0, False)
    assert published[-1] == ("spBv1.0/Logged/NDEATH/Node1", 0, False)
    _publishes_then_disconnects(lines)
