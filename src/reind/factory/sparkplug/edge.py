"""A Sparkplug edge node library for twins and integrators (paho-mqtt v2).

Define metrics (on the node or on devices), then call :meth:`EdgeNode.set`
whenever a value changes: only changed values are published (report by
exception) as NDATA/DDATA with aliases and ``seq``. On every MQTT CONNECT the
node publishes NBIRTH (with ``bdSeq`` and ``Node Control/Rebirth``) and a
DBIRTH per device; ``bdSeq`` goes up by one per CONNECT and is persisted, and
the NDEATH Will carries the same value. With a primary host it births only
once that host's STATE says online; when the host goes offline it publishes
NDEATH, disconnects and starts over (a new CONNECT, a new bdSeq), as Sparkplug
3.0 asks. While the broker or the host is away values go to an on-disk
store-and-forward buffer and are replayed, marked historical, after the next
BIRTH. NCMD/DCMD writes reach registered
callbacks; ``Node Control/Rebirth`` triggers a new BIRTH.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from reind.core.clock import Clock, SystemClock
from reind.factory.sparkplug.codec import Metric, Payload, encode_payload, parse_payload
from reind.factory.sparkplug.datatypes import DataType, datetime_to_ms
from reind.factory.sparkplug.edge_metrics import MetricCatalogue, WriteHandler
from reind.factory.sparkplug.errors import SparkplugError
from reind.factory.sparkplug.nodes import BDSEQ, REBIRTH
from reind.factory.sparkplug.paho_sockets import release
from reind.factory.sparkplug.store_forward import StoreAndForwardBuffer
from reind.factory.sparkplug.topic import MessageType, Topic, parse_topic
from reind.factory.sparkplug.wire import metric_value

logger = logging.getLogger(__name__)

__all__ = ["EdgeNode", "WriteHandler"]


class EdgeNode:
    """One Sparkplug edge node and its devices on one MQTT server."""

    def __init__(
        self,
        group_id: str,
        edge_node_id: str,
        broker_host: str = "127.0.0.1",
        broker_port: int = 1883,
        *,
        state_dir: Path,
        clock: Clock | None = None,
        buffer_rows: int = 100_000,
        keepalive: int = 5,
        primary_host_id: str | None = None,
    ) -> None:
        self.node_topic = Topic(group_id, MessageType.NBIRTH, edge_node_id)
        self.clock = clock or SystemClock()
        state_dir.mkdir(parents=True, exist_ok=True)
        self._bdseq_file = state_dir / "bdseq"
        self.buffer = StoreAndForwardBuffer(state_dir / "store-and-forward.sqlite", buffer_rows)
        self._broker = (broker_host, broker_port, keepalive)
        self.catalogue = MetricCatalogue()
        self._seq = 0
        self.bdseq = -1
        self._lock = threading.RLock()
        self._stopping = False
        self.online = threading.Event()
        self.births = 0
        self.primary_host_id = primary_host_id
        self._host_state_ts = -1
        self._disconnected = threading.Event()
        self._restarter: threading.Thread | None = None
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"reind-edge-{group_id}-{edge_node_id}",
            protocol=mqtt.MQTTv311,
        )
        self.client.reconnect_delay_set(1, 2)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    # ------------------------------------------------------------ definitions
    def define_metric(
        self,
        name: str,
        datatype: DataType,
        value: object,
        *,
        device_id: str | None = None,
        on_write: WriteHandler | None = None,
    ) -> None:
        """Declare a metric (before ``start``); ``on_write`` makes it writable by CMD."""
        self.catalogue.define(
            name, datatype, value, self._now(), device_id=device_id, on_write=on_write
        )

    @property
    def devices(self) -> list[str]:
        """The device ids defined on this node."""
        return self.catalogue.devices

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Connect in the background; births follow every (re)connect."""
        self._prepare_will()
        host, port, keepalive = self._broker
        self.client.connect_async(host, port, keepalive)
        self.client.loop_start()

    def stop(self) -> None:
        """Publish NDEATH, disconnect cleanly and close the buffer."""
        with self._lock:
            self._stopping = True
            restarter = self._restarter
        if restarter is not None:
            restarter.join(timeout=15)
        with self._lock:
            if self.online.is_set():
                # tck-id-operational-behavior-edge-node-intentional-disconnect-ndeath
                info = self.client.publish(self._death_topic, self._death_payload(), 0, False)
                info.wait_for_publish(timeout=5)
            self.online.clear()
        self.client.disconnect()
        self.client.loop_stop()
        release(self.client)
        self.buffer.close()

    @property
    def _death_topic(self) -> str:
        return Topic(self.node_topic.group_id, MessageType.NDEATH, self._node_id).text

    @property
    def _node_id(self) -> str:
        return self.node_topic.edge_node_id

    def _death_payload(self) -> bytes:
        return encode_payload(
            Payload(self._now(), None, (Metric(BDSEQ, None, DataType.Int64, self.bdseq),))
        )

    def _prepare_will(self) -> None:
        """bdSeq for the next CONNECT: persisted, one more than the last, 0-255."""
        last = int(self._bdseq_file.read_text()) if self._bdseq_file.exists() else -1
        self.bdseq = (last + 1) % 256
        self._bdseq_file.write_text(str(self.bdseq))
        # tck-id-message-flow-edge-node-birth-publish-will-message-{topic,qos,will-retained}
        self.client.will_set(self._death_topic, self._death_payload(), 1, False)

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        if reason.is_failure:
            logger.warning("edge node %s could not connect: %s", self._node_id, reason)
            return
        group, node = self.node_topic.group_id, self._node_id
        client.subscribe(Topic(group, MessageType.NCMD, node).text, qos=1)
        client.subscribe(f"spBv1.0/{group}/DCMD/{node}/+", qos=1)
        if self.primary_host_id is not None:
            # tck-id-message-flow-edge-node-birth-publish-phid-wait: BIRTH once the host is online
            self._host_state_ts = -1
            client.subscribe(Topic.state(self.primary_host_id).text, qos=1)
            return
        self._go_online()

    def _go_online(self) -> None:
        with self._lock:
            if self.online.is_set() or self._stopping:
                return
            self._birth()
            self.online.set()
            self._replay()

    def _primary_host_state(self, data: bytes) -> None:
        try:
            body = json.loads(data)
            online, timestamp = bool(body["online"]), int(body["timestamp"])
        except (ValueError, KeyError, TypeError) as error:
            raise SparkplugError(f"unreadable STATE payload: {error}") from error
        if timestamp < self._host_state_ts:
            return  # tck-id-operational-behavior-edge-node-termination-host-offline-timestamp
        self._host_state_ts = timestamp
        if online:
            self._go_online()
        else:
            self._host_went_offline()

    def _host_went_offline(self) -> None:
        """tck-id-message-flow-edge-node-birth-publish-phid-offline: NDEATH, DISCONNECT, again.

        Values go to the buffer until the next BIRTH. A node not born in this
        session (waiting for the host) has nothing to take back and just waits.
        """
        with self._lock:
            was_online = self.online.is_set()
            self.online.clear()
            if not was_online or self._stopping or self._restarter is not None:
                return
            # tck-id-operational-behavior-edge-node-intentional-disconnect-ndeath
            self.client.publish(self._death_topic, self._death_payload(), 0, False)
            self._disconnected.clear()
            self.client.disconnect()  # queued behind the NDEATH
            self._restarter = threading.Thread(
                target=self._start_over, name=f"edge-{self._node_id}-restart", daemon=True
            )
            self._restarter.start()

    def _start_over(self) -> None:
        """Once disconnected (``_on_disconnect`` readied a new bdSeq), connect again."""
        try:
            self._disconnected.wait(10)
            self.client.loop_stop()  # paho's thread ends after a DISCONNECT we asked for
            # paho 2's loop_start makes a new wake-up socket pair without closing the old
            release(self.client, wake_up_only=True)
            with self._lock:
                if self._stopping:
                    return
                host, port, keepalive = self._broker
                self.client.connect_async(host, port, keepalive)
                self.client.loop_start()
        finally:
            with self._lock:
                self._restarter = None

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        with self._lock:
            self.online.clear()
            if not self._stopping:
                if self._restarter is None:
                    logger.warning("edge node %s lost its broker: %s", self._node_id, reason)
                self._prepare_will()  # the reconnect is a new CONNECT: new bdSeq
        self._disconnected.set()

    # ------------------------------------------------------------ publishing
    def _now(self) -> int:
        return datetime_to_ms(self.clock.now())

    def _next_seq(self) -> int:
        seq = self._seq
        self._seq = (self._seq + 1) % 256
        return seq

    def _publish(self, topic: Topic, metrics: tuple[Metric, ...], seq: int) -> bool:
        payload = encode_payload(Payload(self._now(), seq, metrics))
        info = self.client.publish(topic.text, payload, 0, False)
        return info.rc == mqtt.MQTT_ERR_SUCCESS

    def _birth(self) -> None:
        """NBIRTH (seq 0) then one DBIRTH per device: every metric with its alias."""
        now = self._now()
        self._seq = 0
        node_metrics = (
            Metric(BDSEQ, None, DataType.Int64, self.bdseq, now),
            # tck-id-operational-behavior-data-commands-rebirth-name-aliases: no alias
            Metric(REBIRTH, None, DataType.Boolean, False, now),
            *self.catalogue.birth_metrics(None),
        )
        self._publish(self.node_topic, node_metrics, self._next_seq())
        for device_id in self.devices:
            topic = Topic(self.node_topic.group_id, MessageType.DBIRTH, self._node_id, device_id)
            self._publish(topic, self.catalogue.birth_metrics(device_id), self._next_seq())
        self.births += 1

    def set(self, name: str, value: object, device_id: str | None = None) -> bool:
        """Record a new value; publish it if it changed. Returns whether it changed."""
        return bool(self.update({name: value}, device_id))

    def update(self, values: Mapping[str, object], device_id: str | None = None) -> list[str]:
        """Record several values of one node or device in one DATA message (RBE)."""
        now = self._now()
        with self._lock:
            if not self.catalogue.has(device_id):
                raise SparkplugError(f"no device {device_id!r} on edge node {self._node_id}")
            changed = self.catalogue.changes(values, device_id, now)  # report by exception
            if not changed:
                return []
            encode_payload(Payload(now, 0, tuple(changed)))  # refuse bad values before storing
            if not (self.online.is_set() and self._send_data(device_id, tuple(changed))):
                for metric in changed:
                    self.buffer.add(device_id, metric)
            return [self.catalogue.name_of(m.alias) for m in changed]

    def _send_data(self, device_id: str | None, metrics: tuple[Metric, ...]) -> bool:
        group = self.node_topic.group_id
        if device_id is None:
            topic = Topic(group, MessageType.NDATA, self._node_id)
        else:
            topic = Topic(group, MessageType.DDATA, self._node_id, device_id)
        return self._publish(topic, metrics, self._next_seq())

    def _replay(self) -> None:
        """Send buffered values after the BIRTH, marked historical, then forget them."""
        while True:
            rows = self.buffer.peek()
            if not rows:
                return
            batch: list[Metric] = []
            device: str | None = rows[0][1]
            last_id = rows[0][0]
            for row_id, row_device, metric in rows:
                if row_device != device:
                    break
                batch.append(_historical(metric))
                last_id = row_id
            if not self._send_data(device, tuple(batch)):
                return  # still offline: keep them for the next connection
            self.buffer.remove_through(last_id)

    def rebirth(self) -> None:
        """Publish NBIRTH and DBIRTHs again (as asked by Node Control/Rebirth)."""
        with self._lock:
            if self.online.is_set():
                self._birth()

    # ------------------------------------------------------------ commands
    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        try:
            topic = parse_topic(message.topic)
            if topic.is_state:
                if topic.host_id == self.primary_host_id:
                    self._primary_host_state(bytes(message.payload))
                return
            self._command(topic, parse_payload(bytes(message.payload)))
        except SparkplugError as error:
            logger.warning("edge node %s refused a command: %s", self._node_id, error)
        except Exception:
            logger.exception("edge node %s failed on %s", self._node_id, message.topic)

    def _command(self, topic: Topic, payload: Any) -> None:
        device_id = topic.device_id
        writes_asked: list[Any] = []
        for metric in payload.metrics:
            if device_id is None and metric.name == REBIRTH:
                if metric_value(metric, DataType.Boolean) is True:
                    self.rebirth()
                continue
            writes_asked.append(metric)
        writes = self.catalogue.apply_writes(device_id, writes_asked)
        if writes:
            self.update(writes, device_id)


def _historical(metric: Metric) -> Metric:
    return Metric(
        metric.name,
        metric.alias,
        metric.datatype,
        metric.value,
        metric.timestamp,
        is_historical=True,
    )
