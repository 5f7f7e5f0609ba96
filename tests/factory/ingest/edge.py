"""A QoS 1 paho publisher of simulated edge nodes, for the integration tests.

With ``primary_host_id`` it behaves as a Sparkplug edge node with a primary
host: it births only once the host's STATE says online, buffers values while
the host or the broker is away, and after each new BIRTH re-sends, with fresh
``seq`` and marked historical (store and forward), every value of the previous
broker session as well as the buffered ones. A broker without persistence that
dies may drop messages it had already acknowledged, so only a later session
proves delivery; the store keeps a historical value once per (series, timestamp,
value), so re-sent values are stored once (docs/decisions/0140).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from reind.factory.ingest.simulator import SimulatedEdgeNode

Value = tuple[SimulatedEdgeNode, int, int, list[float]]
"""(node, device index, timestamp ms, values) of one DDATA message."""


class EdgePublisher:
    """Publishes births on every (re)connect (or host online), then what it is told to."""

    def __init__(
        self,
        port: int,
        nodes: list[SimulatedEdgeNode],
        name: str = "edge",
        primary_host_id: str | None = None,
    ) -> None:
        self.nodes = nodes
        self.primary_host_id = primary_host_id
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=name)
        self.client.reconnect_delay_set(1, 1)
        self.client.max_inflight_messages_set(0)  # unlimited: never park messages as "queued"
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.connected = threading.Event()
        self.host_online = threading.Event()
        self.connects = 0
        self.births = 0
        self._lock = threading.RLock()
        self._session: list[Value] = []  # sent since the last BIRTH
        self._backlog: list[Value] = []  # to send after the next BIRTH
        self._last: mqtt.MQTTMessageInfo | None = None
        self.client.connect(host="127.0.0.1", port=port)
        self.client.loop_start()
        assert self.connected.wait(10)

    @property
    def _state_topic(self) -> str:
        return f"spBv1.0/STATE/{self.primary_host_id}"

    def _on_connect(self, client: mqtt.Client, *_args: Any) -> None:
        self.connects += 1
        # births first: once ``connected`` is set, the test's thread publishes data, which
        # must queue behind the NBIRTH that resets the sequence numbers
        if self.primary_host_id is None:
            self._birth()
        else:
            client.subscribe(self._state_topic, qos=1)
        self.connected.set()

    def _on_disconnect(self, *_args: Any) -> None:
        with self._lock:
            self.connected.clear()
            self.host_online.clear()
            # the dead broker may have dropped anything of this session
            self._backlog = self._session + self._backlog
            self._session = []
            if self.primary_host_id is not None:
                self._forget_unacknowledged()

    def _forget_unacknowledged(self) -> None:
        """Drop paho's copies of this session's unacknowledged messages.

        paho re-sends them right after the next CONNACK, before this node's
        NBIRTH (which waits for the host's STATE), so the host would see DATA
        before BIRTH and rightly dead-letter it: an edge node's first message
        on a new connection is its NBIRTH. Every value among them is in the
        backlog and goes out again after that BIRTH with a fresh ``seq``.
        paho has no public call for this.
        """
        client = self.client
        with client._out_message_mutex:
            client._out_messages.clear()
            client._inflight_messages = 0

    def _on_message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        if message.topic == self._state_topic:
            if json.loads(message.payload).get("online") is True:
                self._birth()
            else:
                self._on_disconnect()

    def _birth(self) -> None:
        with self._lock:
            now = time.time_ns() // 1_000_000
            for node in self.nodes:
                for topic, payload in node.births(now):
                    self.client.publish(topic, payload, qos=1)
            self.births += 1
            self.host_online.set()
            backlog, self._backlog = self._backlog, []
            for value in backlog:
                self.send(*value, historical=True)

    def send(
        self,
        node: SimulatedEdgeNode,
        device: int,
        timestamp_ms: int,
        values: list[float],
        historical: bool = False,
    ) -> None:
        """Publish one DDATA now if the host is online, else keep it for the next BIRTH."""
        with self._lock:
            if self.primary_host_id is not None and not self.host_online.is_set():
                self._backlog.append((node, device, timestamp_ms, values))
                return
            self._session.append((node, device, timestamp_ms, values))
            message = node.data(device, timestamp_ms, values, historical)
            self._last = self.client.publish(*message, qos=1)

    def publish(self, topic: str, payload: bytes) -> None:
        """Publish raw bytes with QoS 1 (queued by paho while disconnected)."""
        self._last = self.client.publish(topic, payload, qos=1)

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until the broker acknowledged the last message published."""
        if self._last is not None:
            self._last.wait_for_publish(timeout)

    def close(self) -> None:
        """Disconnect and stop paho's thread."""
        self.client.disconnect()
        self.client.loop_stop()


def wait_until(predicate: Any, timeout: float = 30.0) -> bool:
    """Poll ``predicate`` until true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())
