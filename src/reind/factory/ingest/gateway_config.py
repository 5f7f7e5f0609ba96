"""How to run one ingest gateway, read from the command line, ``Settings`` or a test.

Kept apart from :mod:`.gateway` (the running gateway) so entry points and
the composition root can name a broker and a store without paho's machinery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlparse

from paho.mqtt.client import topic_matches_sub

from reind.core.errors import InvalidInputError
from reind.factory.ingest.sharing import roster_filter
from reind.factory.monitoring.engine import AlarmEngine


@dataclass(frozen=True)
class GatewayConfig:
    """How to run one gateway; several with the same ``share_group`` split the edge nodes
    between them (:mod:`.sharing`): each resolves its own and overhears the others'."""

    broker_url: str = "mqtt://127.0.0.1:1883"
    store_url: str = "duckdb:telemetry.duckdb"
    client_id: str = "reind-gateway-1"
    share_group: str | None = "reind"
    topic_filter: str = "spBv1.0/#"
    protocol: Literal[3, 5] = 5
    batch_points: int = 20_000
    batch_seconds: float = 0.25
    max_pending_points: int = 1_000_000
    """A memory bound only: the receive thread waits for the writer past it, but never
    longer than half the keepalive, so paho keeps pinging (0027)."""
    receive_maximum: int | None = None
    """MQTT 5 Receive Maximum: unacknowledged QoS 1 messages the broker may send us (the
    broker's own limit when None). Off by default: Mosquitto 2.0.11 then reorders queued
    messages, which the host sees as seq gaps (docs/decisions/0027)."""
    writer_threads: int = 1
    """DuckDB threads in the writer process: one leaves the other core to decoding."""
    writer_niceness: int = 10
    """How much nicer the writer process runs than the receive path (alarms first)."""
    metrics_port: int | None = None
    keepalive: int = 30
    persistent_session: bool = False
    """Off (Sparkplug 3.0: a primary host connects with a clean session and a Session Expiry
    of 0), so a gateway's share of ``$share/...`` ends with its connection and no stale
    client id keeps taking data. On, the broker keeps the session for
    ``session_expiry_seconds`` under a fixed client id and queues QoS 1 messages while the
    gateway restarts (not Sparkplug-conformant; docs/decisions/0022)."""
    session_expiry_seconds: int = 7 * 24 * 3600
    host_id: str | None = None
    """Sparkplug host id for the STATE topic; the client id when not set."""
    reorder_timeout_ms: int = 2000
    takeover_window_ms: int = 10_000
    """With a ``share_group``: how long a gateway keeps the messages of another member's
    edge nodes, to replay them if that member dies (longer than a batch stays uncommitted
    plus how long the broker takes to publish a dead member's Will; 0182)."""
    alarm_engine: AlarmEngine = field(default_factory=AlarmEngine, compare=False)

    @property
    def subscription(self) -> str:
        """The edge nodes' topic filter (never an MQTT ``$share``: see :mod:`.sharing`)."""
        return self.topic_filter

    @property
    def subscriptions(self) -> list[str]:
        """Every filter subscribed: the edge nodes', and with a group its roster and the
        hosts' STATE (the members' liveness) when the edge nodes' filter misses it."""
        filters = [self.topic_filter]
        if self.share_group:
            filters.append(roster_filter(self.share_group))
            if not topic_matches_sub(self.topic_filter, "spBv1.0/STATE/any"):
                filters.append("spBv1.0/STATE/+")
        return filters


def broker_address(url: str) -> tuple[str, int]:
    """Host and port from ``mqtt://host[:port]``."""
    parsed = urlparse(url)
    if parsed.scheme not in ("mqtt", "tcp") or not parsed.hostname:
        raise InvalidInputError(f"broker URL {url!r} must look like mqtt://host:port", url=url)
    return parsed.hostname, parsed.port or 1883
