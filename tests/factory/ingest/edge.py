"""A QoS 1 paho publisher of simulated edge nodes, for the integration tests."""

from __future__ import annotations

import threading
import time
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from reind.factory.ingest.simulator import SimulatedEdgeNode


class EdgePublisher:
    """Publishes births on every (re)connect, then whatever it is told to."""

    def __init__(self, port: int, nodes: list[SimulatedEdgeNode], name: str = "edge") -> None:
        self.nodes = nodes
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=name)
        self.client.reconnect_delay_set(1, 1)
        self.client.max_inflight_messages_set(0)  # unlimited: never park messages as "queued"
        self.client.on_connect = self._on_connect
        self.connected = threading.Event()
        self.connects = 0
        self.client.connect(host="127.0.0.1", port=port)
        self.client.loop_start()
        assert self.connected.wait(10)

    def _on_connect(self, client: mqtt.Client, *_args: Any) -> None:
        now = time.time_ns() // 1_000_000
        for node in self.nodes:
            for topic, payload in node.births(now):
                client.publish(topic, payload, qos=1)
        self.connects += 1
        self.connected.set()

    def publish(self, topic: str, payload: bytes) -> None:
        """Publish with QoS 1 (queued by paho while disconnected)."""
        self.client.publish(topic, payload, qos=1)

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
