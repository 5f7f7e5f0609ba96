"""Prometheus metrics of one gateway, in its own registry (tests run several)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class GatewayMetrics:
    """Ingest rate, lag, batch latency, dead letters and connected nodes."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "reind_ingest_messages", "MQTT messages received", registry=self.registry
        )
        self.points_received = Counter(
            "reind_ingest_points_received", "Points resolved from messages", registry=self.registry
        )
        self.points_stored = Counter(
            "reind_ingest_points_stored", "Points newly inserted (replays excluded)",
            registry=self.registry,
        )  # fmt: skip
        self.dead_letters = Counter(
            "reind_ingest_dead_letters", "Messages dead-lettered", registry=self.registry
        )
        self.alarm_events = Counter(
            "reind_ingest_alarm_events", "Alarm events raised", registry=self.registry
        )
        self.batch_seconds = Histogram(
            "reind_ingest_batch_seconds",
            "Time to write and commit one batch",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.lag_seconds = Gauge(
            "reind_ingest_lag_seconds",
            "Commit time minus the newest source timestamp in the last batch",
            registry=self.registry,
        )
        self.pending_points = Gauge(
            "reind_ingest_pending_points", "Points waiting for the writer", registry=self.registry
        )
        self.pending_acks = Gauge(
            "reind_ingest_pending_acks", "Messages waiting for commit before ack",
            registry=self.registry,
        )  # fmt: skip
        self.connected_nodes = Gauge(
            "reind_ingest_connected_nodes", "Edge nodes online", registry=self.registry
        )
