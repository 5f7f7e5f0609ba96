"""The Sparkplug B ingest gateway: MQTT in, alarms at once, store in batches.

Receive path (paho's network thread): resolve the message into points,
evaluate alarms and SPC on them right there (alarm latency never waits for
a database), and queue the points with the message id. Writer thread: every
``batch_points`` points or ``batch_seconds``, commit one batch (points, dead
letters, alarm events) and only then acknowledge its messages (QoS 1,
``manual_ack``). With a persistent session, a gateway killed at any moment
gets every unacknowledged message redelivered; idempotent writes mean the
ones it had already committed are not doubled. See docs/decisions/0022.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from prometheus_client import start_http_server

from reind.core.errors import InvalidInputError
from reind.factory.ingest.metrics import GatewayMetrics
from reind.factory.ingest.points import BirthRecord, DeadLetter, TelemetryPoint
from reind.factory.ingest.resolver import SparkplugResolver
from reind.factory.ingest.store import TelemetryStore
from reind.factory.monitoring.engine import AlarmEngine, wall_clock_ms

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GatewayConfig:
    """How to run one gateway; several with the same ``share_group`` split the load."""

    broker_url: str = "mqtt://127.0.0.1:1883"
    store_url: str = "duckdb:telemetry.duckdb"
    client_id: str = "reind-gateway-1"
    share_group: str | None = "reind"
    topic_filter: str = "spBv1.0/#"
    protocol: Literal[3, 5] = 5
    batch_points: int = 20_000
    batch_seconds: float = 0.25
    max_pending_points: int = 200_000
    metrics_port: int | None = None
    keepalive: int = 30
    session_expiry_seconds: int = 7 * 24 * 3600
    alarm_engine: AlarmEngine = field(default_factory=AlarmEngine, compare=False)

    @property
    def subscription(self) -> str:
        """The topic filter actually subscribed, shared when a group is set."""
        if self.share_group:
            return f"$share/{self.share_group}/{self.topic_filter}"
        return self.topic_filter


def broker_address(url: str) -> tuple[str, int]:
    """Host and port from ``mqtt://host[:port]``."""
    parsed = urlparse(url)
    if parsed.scheme not in ("mqtt", "tcp") or not parsed.hostname:
        raise InvalidInputError(f"broker URL {url!r} must look like mqtt://host:port", url=url)
    return parsed.hostname, parsed.port or 1883


@dataclass(slots=True)
class _Pending:
    points: list[TelemetryPoint] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)
    acks: list[tuple[int, int]] = field(default_factory=list)  # (connection generation, mid)
    births: list[BirthRecord] = field(default_factory=list)
    since: float | None = None


class Gateway:
    """One gateway process's worth of ingest; start, then stop."""

    def __init__(self, config: GatewayConfig, store: TelemetryStore) -> None:
        self.config = config
        self.store = store
        self.engine = config.alarm_engine
        self.metrics = GatewayMetrics()
        self.resolver = SparkplugResolver()
        self._pending = _Pending()
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._generation = 0
        self._connected = threading.Event()
        self._client = self._make_client()
        self._threads: list[threading.Thread] = []
        self._http: Any = None

    def _make_client(self) -> mqtt.Client:
        v5 = self.config.protocol == 5
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.config.client_id,
            clean_session=None if v5 else False,
            protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
            manual_ack=True,
        )
        client.max_inflight_messages_set(1000)
        client.max_queued_messages_set(0)
        client.reconnect_delay_set(1, 2)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        return client

    # -------------------------------------------------------------- MQTT side
    def _on_connect(
        self, client: mqtt.Client, _userdata: Any, flags: Any, reason: Any, _props: Any
    ) -> None:
        if reason.is_failure:
            logger.warning("broker refused the connection: %s", reason)
            return
        with self._cond:
            self._generation += 1
        client.subscribe(self.config.subscription, qos=1)
        logger.info(
            "connected to %s (session present: %s)", self.config.broker_url, flags.session_present
        )

    def _on_subscribe(self, *_args: Any) -> None:
        self._connected.set()

    @property
    def generation(self) -> int:
        """How many times the gateway has connected (for tests and operators)."""
        return self._generation

    def _on_disconnect(
        self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        self._connected.clear()
        logger.warning("disconnected from broker: %s", reason)

    def _on_message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        received = wall_clock_ms()
        self.metrics.messages.inc()
        try:
            payload = message.payload
            resolved = self.resolver.resolve(message.topic, bytes(payload), received)
        except Exception:  # a bug must not stop ingest: keep the bytes for later
            logger.exception("resolving a message on %s failed", message.topic)
            resolved = None
        dead: DeadLetter | None = None
        points: list[TelemetryPoint] = []
        if resolved is None or resolved.dead_letter is not None:
            reason = resolved.dead_letter if resolved else "internal error while resolving"
            dead = DeadLetter(received, message.topic, str(reason), bytes(message.payload))
            self.metrics.dead_letters.inc()
            if resolved is not None and resolved.rebirth is not None:
                logger.info("edge node %s/%s needs a Rebirth: %s", *resolved.rebirth, reason)
        else:
            points = resolved.points
            if resolved.birth:
                birth = BirthRecord(message.topic, received, bytes(message.payload))
                with self._cond:
                    self._pending.births.append(birth)
        if points:
            try:
                events = self.engine.evaluate_many(points)
                if events:
                    self.metrics.alarm_events.inc(len(events))
            except Exception:
                logger.exception("alarm evaluation failed on %s", message.topic)
        self._enqueue(points, dead, message)

    def _enqueue(
        self, points: list[TelemetryPoint], dead: DeadLetter | None, message: mqtt.MQTTMessage
    ) -> None:
        with self._cond:
            # back-pressure: stop reading the socket while the writer is far behind
            while (
                len(self._pending.points) >= self.config.max_pending_points
                and not self._stopping.is_set()
            ):
                self._cond.wait(0.1)
            pending = self._pending
            if pending.since is None:
                pending.since = time.monotonic()
            pending.points.extend(points)
            if dead is not None:
                pending.dead_letters.append(dead)
            if message.qos > 0:
                pending.acks.append((self._generation, message.mid))
            if len(pending.points) >= self.config.batch_points:
                self._cond.notify_all()

    # ------------------------------------------------------------ writer side
    def _take_batch(self) -> _Pending | None:
        with self._cond:
            while not self._stopping.is_set():
                pending = self._pending
                if pending.since is not None:
                    due = pending.since + self.config.batch_seconds
                    if len(pending.points) >= self.config.batch_points or time.monotonic() >= due:
                        break
                    self._cond.wait(max(0.0, due - time.monotonic()))
                else:
                    self._cond.wait(self.config.batch_seconds)
            batch, self._pending = self._pending, _Pending()
            self._cond.notify_all()
            return batch if batch.since is not None else None

    def _write(self, batch: _Pending) -> None:
        events = self.engine.drain()
        started = time.perf_counter()
        while True:
            try:
                stored = self.store.write_batch(
                    batch.points, batch.dead_letters, events, batch.births
                )
                break
            except Exception:  # the store is down: keep the batch, never ack it, retry
                logger.exception("writing a batch of %d points failed; retrying", len(batch.points))
                if self._stopping.wait(1.0):
                    return
        self.metrics.batch_seconds.observe(time.perf_counter() - started)
        self.metrics.points_received.inc(len(batch.points))
        self.metrics.points_stored.inc(stored)
        if batch.points:
            newest = max(p.timestamp_ms for p in batch.points)
            self.metrics.lag_seconds.set((wall_clock_ms() - newest) / 1000)
        generation = self._generation
        for sent_on, mid in batch.acks:
            # a message from an older connection is redelivered by the broker instead
            if sent_on == generation:
                self._client.ack(mid, 1)
        self.metrics.connected_nodes.set(self.resolver.connected_nodes)

    def _writer_loop(self) -> None:
        while True:
            batch = self._take_batch()
            if batch is not None:
                self._write(batch)
            with self._cond:
                self.metrics.pending_points.set(len(self._pending.points))
                self.metrics.pending_acks.set(len(self._pending.acks))
            if self._stopping.is_set() and batch is None:
                return

    def _timer_loop(self) -> None:
        while not self._stopping.wait(1.0):
            try:
                events = self.engine.check_timers()
                self.metrics.alarm_events.inc(len(events))
            except Exception:
                logger.exception("alarm timers failed")

    # -------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Connect, subscribe and start the writer; returns at once."""
        for birth in self.store.births():
            self.resolver.resolve(birth.topic, birth.payload, birth.received_ms)
        if self.config.metrics_port is not None:
            self._http = start_http_server(self.config.metrics_port, registry=self.metrics.registry)
        for target, name in ((self._writer_loop, "writer"), (self._timer_loop, "timers")):
            thread = threading.Thread(target=target, name=f"gateway-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        host, port = broker_address(self.config.broker_url)
        if self.config.protocol == 5:
            properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
            properties.SessionExpiryInterval = self.config.session_expiry_seconds
            self._client.connect_async(
                host, port, self.config.keepalive, clean_start=False, properties=properties
            )
        else:
            self._client.connect_async(host, port, self.config.keepalive)
        self._client.loop_start()

    def wait_connected(self, timeout: float = 10.0) -> bool:
        """Block until connected and subscribed (for tests and the CLI)."""
        return self._connected.wait(timeout)

    def stop(self) -> None:
        """Stop receiving, commit and acknowledge what is pending, disconnect."""
        self._client.loop_stop()
        # paho's thread is gone: finish the last batch and ack it over the socket
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=30)
        last = self._take_batch()
        if last is not None:
            self._write(last)
        self._client.loop_write()
        self._client.disconnect()
        if self._http is not None:
            server, _thread = self._http
            server.shutdown()
            server.server_close()
