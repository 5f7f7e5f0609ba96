"""The Sparkplug B ingest gateway: MQTT in, alarms at once, store in batches.

The gateway is a Sparkplug host application: it publishes its STATE
(online once subscribed, offline as its retained Will), resolves messages
with the host state machine (:mod:`reind.factory.ingest.host`) and publishes
the NCMD Rebirths it asks for.

Receive path (paho's network thread): resolve the message into points,
evaluate alarms and SPC on them right there (alarm latency never waits for
a database), and queue the points with the message id. Writer thread: every
``batch_points`` points or ``batch_seconds``, commit one batch (points, dead
letters, alarm events) and only then acknowledge its messages (QoS 1,
``manual_ack``). With a persistent session, a gateway killed at any moment
gets every unacknowledged message redelivered; idempotent writes mean the
ones it had already committed are not doubled. See docs/decisions/0022.

Given a store object, the writer thread commits to it in this process (the
demo shares the store with the web app). Without one, the store named by
``store_url`` lives in a writer process of its own (:mod:`.writer`), so
decoding and writing use two cores (docs/decisions/0027). The broker holds
what the gateway has not taken; past ``max_pending_points`` the receive
thread waits for the writer, but never long enough to miss a keepalive
(the batch itself: :mod:`.batches`).

With a ``share_group``, several gateways split the edge nodes between them:
each hears every message and resolves only the nodes it owns, keeping the
others' recent messages to replay if their owner dies (:mod:`.sharing`, 0182).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from prometheus_client import start_http_server

from reind.factory.ingest.batches import BatchQueue, Pending
from reind.factory.ingest.gateway_config import GatewayConfig, broker_address
from reind.factory.ingest.host import IngestHost
from reind.factory.ingest.metrics import GatewayMetrics
from reind.factory.ingest.paho_tuning import acknowledge, no_delay
from reind.factory.ingest.points import PointColumns
from reind.factory.ingest.receive import ReceivePath
from reind.factory.ingest.sharing import Share, roster_topic
from reind.factory.ingest.store import TelemetryStore
from reind.factory.ingest.writer import Batch, BatchWriter, InlineWriter, ProcessWriter
from reind.factory.monitoring.engine import wall_clock_ms
from reind.factory.sparkplug import Topic
from reind.factory.sparkplug.host import StateCertificates
from reind.factory.sparkplug.paho_sockets import release

logger = logging.getLogger(__name__)

__all__ = ["Gateway", "GatewayConfig", "broker_address"]


class Gateway:
    """One gateway process's worth of ingest; start, then stop."""

    def __init__(self, config: GatewayConfig, store: TelemetryStore | None = None) -> None:
        """With ``store``, commit to it in a thread; without, in a writer process that
        opens ``config.store_url``."""
        self.config = config
        self.store = store
        self._writer: BatchWriter | None = InlineWriter(store) if store is not None else None
        self.engine = config.alarm_engine
        self.metrics = GatewayMetrics()
        self.host_id = config.host_id or config.client_id
        self.host = IngestHost(self.host_id, reorder_timeout_ms=config.reorder_timeout_ms)
        self.state_topic = Topic.state(self.host_id).text
        self.share = (
            Share(config.share_group, self.host_id, config.takeover_window_ms)
            if config.share_group
            else None
        )
        self._stamps = StateCertificates()
        self._offline_since: int | None = None
        self._stopping = threading.Event()
        self.batches = BatchQueue(
            batch_points=config.batch_points,
            batch_seconds=config.batch_seconds,
            max_pending_points=config.max_pending_points,
            max_wait_seconds=config.keepalive / 2,
            stopping=self._stopping,
        )
        # set before the offline STATE goes out, so the gateway never answers its own
        # offline (received back through spBv1.0/#) with online while leaving
        self._leaving = threading.Event()
        self._stopped = False
        self._generation = 0
        self._connected = threading.Event()
        self._client = self._make_client()
        self.receive = ReceivePath(
            host=self.host,
            share=self.share,
            batches=self.batches,
            engine=self.engine,
            metrics=self.metrics,
            state_topic=self.state_topic,
            stamps=self._stamps,
            publish=self._client.publish,
            leaving=self._leaving,
            connected=self._connected,
        )
        self._threads: list[threading.Thread] = []
        self._http: Any = None

    def _make_client(self) -> mqtt.Client:
        v5 = self.config.protocol == 5
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.config.client_id,
            clean_session=None if v5 else not self.config.persistent_session,
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
        self._generation += 1
        no_delay(client)
        if self.share is not None:
            self.share.reset()  # own nothing until our STATE online and entry come back
        client.subscribe([(topic, 1) for topic in self.config.subscriptions])
        logger.info(
            "connected to %s (session present: %s)", self.config.broker_url, flags.session_present
        )

    def _on_subscribe(self, client: mqtt.Client, *_args: Any) -> None:
        # online only once subscribed, so edge nodes waiting for us birth into our session
        if self._leaving.is_set():
            return
        # tck-id-host-topic-phid-birth-message: the STATE online is our first message; a
        # share group's announcement follows, and the later of the two settles the roster
        client.publish(self.state_topic, self._stamps.birth(), 1, True)
        if self.share is not None:
            client.publish(roster_topic(self.share.roster.group, self.host_id), b"1", 1, True)
        offline_since, self._offline_since = self._offline_since, None
        if offline_since is not None:  # record the outage as a point of the host's own series
            outage = PointColumns()
            outage.add(f"$host/{self.host_id}/broker_outage_ms", offline_since,
                       wall_clock_ms() - offline_since)  # fmt: skip
            self.batches.add(points=outage)
        if self.share is None:
            self._connected.set()

    @property
    def stored_points(self) -> int:
        """Points newly committed by this gateway so far (replays not counted)."""
        return int(self.metrics.points_stored._value.get())

    @property
    def writer_pid(self) -> int | None:
        """The writer process's id, when the store lives in one (after ``start``)."""
        return self._writer.pid if isinstance(self._writer, ProcessWriter) else None

    @property
    def generation(self) -> int:
        """How many times the gateway has connected (for tests and operators)."""
        return self._generation

    def _on_disconnect(
        self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        self._connected.clear()
        if self._offline_since is None:
            self._offline_since = wall_clock_ms()
        if not self._leaving.is_set():
            self._set_will()  # paho reconnects with this Will: a new session, a new date
        logger.warning("disconnected from broker: %s", reason)

    def _set_will(self) -> None:
        # tck-id-operational-behavior-host-application-connect-will: retained, QoS 1, dated
        # for the CONNECT about to be sent
        will = self._stamps.will(wall_clock_ms())
        self._client.will_set(self.state_topic, will, 1, True)

    def _on_message(self, client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        received = wall_clock_ms()
        self.metrics.messages.inc()
        topic = message.topic
        payload = bytes(message.payload)
        ack = (self._generation, message.mid) if message.qos > 0 else None
        self.receive.on_message(topic, payload, received, ack)

    # ------------------------------------------------------------ writer side
    def _write(self, batch: Pending) -> None:
        writer = self._writer
        assert writer is not None, "start() opens the writer"
        events = self.engine.drain()
        started = time.perf_counter()
        stored = 0
        work = Batch(batch.points, batch.dead_letters, events, batch.births)
        while batch.points or batch.dead_letters or batch.births or events:
            try:
                stored = writer.write(work)
                break
            except Exception:  # the store is down: keep the batch, never ack it, retry
                logger.exception("writing a batch of %d points failed; retrying", len(batch.points))
                if self._stopping.wait(1.0):
                    return
        self.metrics.batch_seconds.observe(time.perf_counter() - started)
        self.metrics.points_received.inc(len(batch.points))
        self.metrics.points_stored.inc(stored)
        newest = batch.points.newest()
        if newest is not None:
            self.metrics.lag_seconds.set((wall_clock_ms() - newest) / 1000)
        generation = self._generation
        # a message from an older connection is redelivered by the broker instead
        acknowledge(self._client, [mid for sent_on, mid in batch.acks if sent_on == generation])
        self.metrics.connected_nodes.set(self.host.connected_nodes)

    def _writer_loop(self) -> None:
        while True:
            batch = self.batches.take()
            if batch is not None:
                self._write(batch)
            points, acks = self.batches.sizes()
            self.metrics.pending_points.set(points)
            self.metrics.pending_acks.set(acks)
            if self._stopping.is_set() and batch is None:
                return

    def _timer_loop(self) -> None:
        ticks = 0
        interval = min(max(self.config.reorder_timeout_ms / 4000, 0.05), 1.0)
        while not self._stopping.wait(interval):
            ticks += 1
            try:
                self.receive.tick()
                if ticks * interval >= 1.0:
                    ticks = 0
                    events = self.engine.check_timers()
                    self.metrics.alarm_events.inc(len(events))
            except Exception:
                logger.exception("gateway timers failed")

    # -------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Connect, subscribe and start the writer; returns at once."""
        if self._writer is None:
            self._writer = ProcessWriter(
                self.config.store_url,
                duckdb_threads=self.config.writer_threads,
                niceness=self.config.writer_niceness,
            )
        self.host.restore(self._writer.births())
        if self.config.metrics_port is not None:
            self._http = start_http_server(self.config.metrics_port, registry=self.metrics.registry)
        for target, name in ((self._writer_loop, "writer"), (self._timer_loop, "timers")):
            thread = threading.Thread(target=target, name=f"gateway-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        host, port = broker_address(self.config.broker_url)
        self._set_will()
        if self.config.protocol == 5:
            properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
            persistent = self.config.persistent_session
            properties.SessionExpiryInterval = (
                self.config.session_expiry_seconds if persistent else 0
            )
            if self.config.receive_maximum is not None:
                properties.ReceiveMaximum = self.config.receive_maximum
            self._client.connect_async(
                host, port, self.config.keepalive, clean_start=not persistent, properties=properties
            )
        else:
            self._client.connect_async(host, port, self.config.keepalive)
        self._client.loop_start()

    def wait_connected(self, timeout: float = 10.0) -> bool:
        """Block until connected and subscribed (for tests and the CLI)."""
        return self._connected.wait(timeout)

    def stop(self) -> None:
        """Stop receiving, commit and acknowledge what is pending, disconnect (once)."""
        if self._stopped:
            return
        self._stopped = True
        self._leaving.set()
        if self._connected.is_set():
            # tck-id-operational-behavior-host-application-termination: offline before leaving
            death = self._stamps.death(wall_clock_ms())
            self._client.publish(self.state_topic, death, 1, True)
            if self.share is not None:  # leave the roster: the others take our nodes over
                self._client.publish(
                    roster_topic(self.share.roster.group, self.host_id), b"", 1, True
                )
        self._client.loop_stop()
        # paho's thread is gone: finish the last batch and ack it over the socket
        self._stopping.set()
        self.batches.wake()
        for thread in self._threads:
            thread.join(timeout=30)
        last = self.batches.take()
        if last is not None:
            self._write(last)
        self._client.loop_write()
        self._client.disconnect()
        release(self._client)
        if self.store is None and self._writer is not None:
            self._writer.close()  # our own writer process; a store given to us is the caller's
        if self._http is not None:
            server, _thread = self._http
            server.shutdown()
            server.server_close()
