"""A Sparkplug host application on paho-mqtt (v2 callback API).

:class:`HostApplication` is the thin MQTT side of :class:`HostState`: it
registers the offline STATE Will, subscribes to its own STATE topic and to
``spBv1.0/#``, publishes the online STATE (QoS 1, retained), feeds every
message to the state machine, publishes the NCMD Rebirths it asks for, and
ticks the reorder timers. Results go to an ``on_result`` callback.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from reind.core.clock import Clock, SystemClock
from reind.factory.sparkplug.datatypes import datetime_to_ms
from reind.factory.sparkplug.errors import SparkplugError
from reind.factory.sparkplug.host_results import HostResult, RebirthRequest
from reind.factory.sparkplug.host_state import HostState
from reind.factory.sparkplug.paho_sockets import release
from reind.factory.sparkplug.topic import NAMESPACE, Topic, parse_topic

logger = logging.getLogger(__name__)

ResultSink = Callable[[Topic, HostResult], None]


def state_payload(online: bool, timestamp_ms: int) -> bytes:
    """The STATE JSON body: ``{"online": <bool>, "timestamp": <ms>}``."""
    return json.dumps({"online": online, "timestamp": timestamp_ms}).encode("utf-8")


class StateCertificates:
    """The timestamps of a host's STATE messages, one MQTT session at a time.

    Sparkplug 3.0 dates each CONNECT: the Will's offline STATE carries the
    time the CONNECT is sent (tck-id-host-topic-phid-death-payload-timestamp-connect),
    the online STATE after it the same value
    (tck-id-host-topic-phid-birth-payload-timestamp), and the offline STATE
    published before a clean DISCONNECT the time of leaving
    (tck-id-host-topic-phid-death-payload-timestamp-disconnect-clean). Call
    :meth:`will` before every CONNECT (paho's reconnects included).
    """

    def __init__(self) -> None:
        self.connected_at_ms = 0

    def will(self, now_ms: int) -> bytes:
        """The Will payload for a CONNECT sent now; dates the session."""
        self.connected_at_ms = now_ms
        return state_payload(False, now_ms)

    def birth(self) -> bytes:
        """The online STATE of the current session (the Will's timestamp)."""
        return state_payload(True, self.connected_at_ms)

    @staticmethod
    def death(now_ms: int) -> bytes:
        """The offline STATE published when leaving cleanly at ``now_ms``."""
        return state_payload(False, now_ms)


class HostApplication:
    """A Sparkplug host application connected to one MQTT server."""

    def __init__(
        self,
        host_id: str,
        broker_host: str = "127.0.0.1",
        broker_port: int = 1883,
        *,
        reorder_timeout_ms: int = 2000,
        clock: Clock | None = None,
        on_result: ResultSink | None = None,
        subscription: str = f"{NAMESPACE}/#",
        keepalive: int = 30,
    ) -> None:
        self.state = HostState(host_id, reorder_timeout_ms=reorder_timeout_ms)
        self.topic = Topic.state(host_id)
        self._clock = clock or SystemClock()
        self._on_result = on_result
        self._subscription = subscription
        self._broker = (broker_host, broker_port, keepalive)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ticker: threading.Thread | None = None
        self.connected = threading.Event()
        self._stamps = StateCertificates()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"reind-host-{host_id}",
            protocol=mqtt.MQTTv311,
        )
        self.client.reconnect_delay_set(1, 2)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    def _now_ms(self) -> int:
        return datetime_to_ms(self._clock.now())

    def _set_will(self) -> None:
        # tck-id-operational-behavior-host-application-connect-will (QoS 1, retained), dated
        # for the CONNECT about to be sent
        will = self._stamps.will(self._now_ms())
        self.client.will_set(self.topic.text, will, 1, True)

    def start(self) -> None:
        """Connect (retrying in the background) and start the reorder ticker."""
        self._set_will()
        host, port, keepalive = self._broker
        self.client.connect_async(host, port, keepalive)
        self.client.loop_start()
        self._ticker = threading.Thread(target=self._tick_loop, name="sparkplug-host-tick")
        self._ticker.daemon = True
        self._ticker.start()

    def stop(self) -> None:
        """Publish the offline STATE, disconnect and stop the threads."""
        self._stopping.set()
        if self.connected.is_set():
            # tck-id-operational-behavior-host-application-termination
            death = self._stamps.death(self._now_ms())
            info = self.client.publish(self.topic.text, death, 1, True)
            info.wait_for_publish(timeout=5)
        self.client.disconnect()
        self.client.loop_stop()
        release(self.client)
        if self._ticker is not None:
            self._ticker.join(timeout=5)

    # ------------------------------------------------------------ paho callbacks
    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        if reason.is_failure:
            logger.warning("Sparkplug host could not connect: %s", reason)
            return
        client.subscribe(self.topic.text, qos=1)
        client.subscribe(self._subscription, qos=0)
        # tck-id-operational-behavior-host-application-connect-birth (same timestamp as the Will)
        client.publish(self.topic.text, self._stamps.birth(), 1, True)
        self.connected.set()

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        self.connected.clear()
        if not self._stopping.is_set():
            logger.warning("Sparkplug host lost its MQTT connection: %s", reason)
            self._set_will()  # paho reconnects with this Will: a new session, a new date

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        try:
            topic = parse_topic(message.topic)
        except SparkplugError as error:
            logger.warning("dead letter: %s", error)
            return
        try:
            with self._lock:
                result = self.state.handle(topic, bytes(message.payload), self._now_ms())
            self._act(topic, result)
        except Exception:
            logger.exception("Sparkplug host failed on %s", message.topic)

    # ------------------------------------------------------------ actions
    def _act(self, topic: Topic, result: HostResult) -> None:
        if result.republish_state and not self._stopping.is_set():
            # never answer our own offline STATE with online while leaving
            self.client.publish(self.topic.text, self._stamps.birth(), 1, True)
        for reason in result.dead_letters:
            logger.warning("dead letter: %s", reason)
        for request in result.rebirths:
            self.request_rebirth(request)
        if self._on_result is not None:
            self._on_result(topic, result)

    def request_rebirth(self, request: RebirthRequest) -> None:
        """Publish NCMD ``Node Control/Rebirth`` = true to the edge node."""
        logger.info(
            "asking %s/%s to rebirth: %s", request.group_id, request.edge_node_id, request.reason
        )
        self.client.publish(request.topic.text, request.payload(self._now_ms()), 0, False)

    def _tick_loop(self) -> None:
        interval = max(self.state.reorder_timeout_ms / 4000, 0.01)
        while not self._stopping.wait(interval):
            try:
                with self._lock:
                    result = self.state.tick(self._now_ms())
                if result.rebirths or result.points or result.dead_letters:
                    self._act(Topic.state(self.topic.host_id or ""), result)
            except Exception:
                logger.exception("Sparkplug host reorder tick failed")
