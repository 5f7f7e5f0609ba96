"""The gateway's STATE messages are dated per MQTT session (Sparkplug 3.0 host chapter)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.subscribeoptions import SubscribeOptions

from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.ingest.store import TelemetryStore, open_store
from tests.factory.ingest.edge import wait_until
from tests.fixtures.servers import MosquittoBroker

pytestmark = pytest.mark.integration


class StateWatcher:
    """Every STATE message of one host, as a separate paho subscriber receives it."""

    def __init__(self, port: int, topic: str) -> None:
        self.states: list[dict[str, object]] = []
        self._lock = threading.Lock()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="state-watcher")
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe(topic, qos=1)
        self.client.loop_start()

    def _on_message(self, _c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.states.append(json.loads(message.payload))

    def seen(self) -> list[tuple[object, object]]:
        with self._lock:
            return [(s["online"], s["timestamp"]) for s in self.states]

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture
def duck() -> Iterator[TelemetryStore]:
    store = open_store("duckdb::memory:")
    yield store
    store.close()


@pytest.mark.parametrize("protocol", [3, 5])
def test_each_connect_dates_its_will_and_birth_and_a_clean_stop_dates_its_death(
    mosquitto: MosquittoBroker, duck: TelemetryStore, protocol: int
) -> None:
    """tck-id-host-topic-phid-death-payload-timestamp-connect,
    tck-id-host-topic-phid-birth-payload-timestamp,
    tck-id-host-topic-phid-death-payload-timestamp-disconnect-clean"""
    config = GatewayConfig(
        broker_url=mosquitto.url, protocol=5 if protocol == 5 else 3, client_id=f"gw-ts-{protocol}"
    )
    gateway = Gateway(config, duck)
    before = int(time.time() * 1000)
    gateway.start()
    assert gateway.wait_connected()
    watcher = StateWatcher(mosquitto.port, gateway.state_topic)
    try:
        assert wait_until(lambda: len(watcher.seen()) == 1)
        ((online, first),) = watcher.seen()
        assert online is True and isinstance(first, int) and before <= first
        # the connection drops without a DISCONNECT: the broker publishes the Will
        sock = gateway._client.socket()
        assert isinstance(sock, socket.socket)
        sock.shutdown(socket.SHUT_RDWR)
        assert wait_until(lambda: (False, first) in watcher.seen())  # the first CONNECT's Will
        # paho may re-send the first online once more (its PUBACK unread when the socket
        # went): a QoS 1 redelivery of the old session's message, not a new STATE
        assert wait_until(lambda: any(s[1] != first for s in watcher.seen()))
        births = [s for s in watcher.seen()[2:] if s != (True, first)]
        assert births and all(online is True for online, _ in births)
        # the second CONNECT's own date, on its Will and its online STATE alike
        assert {stamp for _, stamp in births} == {gateway._stamps.connected_at_ms}
        assert isinstance(births[0][1], int) and births[0][1] > first
        assert gateway.wait_connected()
        leaving = int(time.time() * 1000)
        gateway.stop()
        assert wait_until(lambda: watcher.seen()[-1][0] is False)
        death = watcher.seen()[-1]
        assert isinstance(death[1], int) and death[1] >= leaving
    finally:
        watcher.close()
        gateway.stop()


class WireWatcher:
    """Every STATE message as published: QoS and retain flag included.

    MQTT 5, subscribed at QoS 2 with Retain As Published: a subscriber receives
    min(published QoS, its own), so at 2 it sees the QoS the message was published
    with, and the retain flag of a live message is the publisher's.
    """

    def __init__(self, port: int, topic: str) -> None:
        self.messages: list[tuple[bool, int, bool]] = []
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id="wire-watcher", protocol=mqtt.MQTTv5
        )
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        options = SubscribeOptions(qos=2, retainAsPublished=True)
        self.client.subscribe(topic, options=options)
        self.client.loop_start()

    def _on_message(self, _c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        online = bool(json.loads(message.payload)["online"])
        self.messages.append((online, message.qos, bool(message.retain)))

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def test_the_online_state_and_the_will_are_published_at_qos_1_and_retained(
    mosquitto: MosquittoBroker, duck: TelemetryStore
) -> None:
    """tck-id-host-topic-phid-birth-qos, tck-id-host-topic-phid-birth-retain,
    tck-id-operational-behavior-host-application-connect-birth-qos, -retained,
    tck-id-host-topic-phid-death-qos, tck-id-host-topic-phid-death-retain,
    tck-id-operational-behavior-host-application-connect-will-qos, -retained,
    tck-id-payloads-state-will-message-qos, -retain: read off the wire by a plain paho
    client, not by reind's host."""
    gateway = Gateway(GatewayConfig(broker_url=mosquitto.url, client_id="gw-qos"), duck)
    gateway.start()
    assert gateway.wait_connected()
    watcher = WireWatcher(mosquitto.port, gateway.state_topic)
    try:
        assert wait_until(lambda: (True, 1, True) in watcher.messages)  # online, as retained
        sock = gateway._client.socket()  # the connection drops: the broker publishes the Will
        assert isinstance(sock, socket.socket)
        sock.shutdown(socket.SHUT_RDWR)
        assert wait_until(lambda: (False, 1, True) in watcher.messages)
        will_at = watcher.messages.index((False, 1, True))
        # back online in a new session (paho may first re-send the old online, its PUBACK lost)
        assert wait_until(lambda: gateway.generation >= 2 and gateway.wait_connected(0))
        assert wait_until(lambda: (True, 1, True) in watcher.messages[will_at:])
        # tck-id-operational-behavior-host-application-death-qos, -death-retained: the offline
        # STATE of a clean stop, published by the gateway itself, not the broker's Will
        gateway.stop()
        assert wait_until(lambda: (False, 1, True) in watcher.messages[will_at + 1 :])
        assert {qos for _, qos, _ in watcher.messages} == {1}
        assert all(retain for _, _, retain in watcher.messages)
    finally:
        watcher.close()
        gateway.stop()
