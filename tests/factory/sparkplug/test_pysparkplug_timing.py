"""Time-dependent host behaviour against pysparkplug: the reorder timeout and STATE dates.

pysparkplug runs in its own process (:mod:`.peer`) on a real Mosquitto on a free
port. The reorder test makes pysparkplug's edge node skip a seq (as if a message
were lost) and send a metric its BIRTH never declared, so the held message cannot
be applied when the timeout expires; the STATE test reads every STATE the gateway
publishes (and the broker publishes for it) through a pysparkplug host.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.ingest.store import TelemetryStore, open_store
from tests.factory.ingest.edge import wait_until
from tests.factory.sparkplug.peer import Answer, Peer
from tests.fixtures.servers import MosquittoBroker

pytestmark = pytest.mark.integration

BASE_MS = 1_767_225_600_000  # 2026-01-01


@pytest.fixture
def duck() -> Iterator[TelemetryStore]:
    store = open_store("duckdb::memory:")
    yield store
    store.close()


def start_gateway(broker: MosquittoBroker, store: TelemetryStore, **extra: object) -> Gateway:
    config = GatewayConfig(
        broker_url=broker.url,
        batch_points=500,
        batch_seconds=0.05,
        **extra,  # type: ignore[arg-type]
    )
    gateway = Gateway(config, store)
    gateway.start()
    assert gateway.wait_connected()
    return gateway


def test_a_held_pysparkplug_message_refused_after_the_reorder_timeout_keeps_its_topic_and_bytes(
    mosquitto: MosquittoBroker, duck: TelemetryStore
) -> None:
    """tck-id-operational-behavior-host-reordering-start, -param, -rebirth: a pysparkplug
    NDATA that arrives one seq too early is held; when the reorder timeout expires the host
    applies it and sends the node a Rebirth. It names a metric the BIRTH never declared, so
    it is refused: the dead letter keeps the NDATA topic and the exact bytes pysparkplug
    sent (issue 14: it was stored with topic '' and an empty payload)."""
    gateway = start_gateway(mosquitto, duck, client_id="gw-reorder", reorder_timeout_ms=300)
    edge = Peer(mosquitto.port, role="edge", group="peer", node="gappy",
                metrics=[["count", "INT32", 0]], updates=[[["count", 1, BASE_MS]]])  # fmt: skip
    try:
        edge.wait_for(lambda a: a.get("event") == "sent")
        assert wait_until(lambda: gateway.host.state.counts["messages"] >= 2)
        edge.send(cmd="ndata", skip=1, metrics=[["ghost", "INT32", 7, BASE_MS + 1]])
        sent = edge.wait_for(lambda a: a.get("event") == "published")
        ncmd = edge.wait_for(lambda a: a.get("event") == "ncmd", timeout=20)
        assert ncmd["topic"] == "spBv1.0/peer/NCMD/gappy"
        assert ncmd["metrics"] == ["Node Control/Rebirth"]
        assert wait_until(lambda: len(duck.dead_letters()) == 1), duck.dead_letters()
        (dead,) = duck.dead_letters()
        assert dead.topic == "spBv1.0/peer/NDATA/gappy"
        assert dead.payload == bytes.fromhex(sent["hex"])
        assert "ghost" in dead.reason
        assert gateway.host.state.counts["gaps"] == 1
    finally:
        edge.close("disconnect")
        gateway.stop()


def _states(watcher: Peer, topic: str) -> list[Answer]:
    return [a for a in watcher.messages() if a["topic"] == topic]


def test_every_state_a_pysparkplug_host_reads_is_dated_by_its_connect_or_by_the_clean_stop(
    mosquitto: MosquittoBroker, duck: TelemetryStore
) -> None:
    """tck-id-host-topic-phid-birth-payload-timestamp, -death-payload-timestamp-connect,
    -death-payload-timestamp-disconnect-clean: an online STATE carries the timestamp of the
    Will sent with the same CONNECT; when the connection drops the broker publishes that
    Will (offline, the same date); the reconnect dates a new session (a later timestamp);
    the clean stop's offline STATE is dated when the gateway leaves, not when the process
    started (issue 14)."""
    watcher = Peer(mosquitto.port, role="host", host_id="watcher")
    watcher.wait_for(lambda a: a.get("event") == "ready")
    before_start = time.time_ns() // 1_000_000
    gateway = start_gateway(mosquitto, duck, client_id="gw-dates")
    topic = gateway.state_topic
    try:
        first = watcher.wait_for(lambda a: a.get("topic") == topic and a.get("online") is True)
        assert before_start <= first["timestamp"] <= time.time_ns() // 1_000_000
        time.sleep(0.05)  # the next CONNECT falls in a later millisecond
        sock = gateway._client.socket()
        assert isinstance(sock, socket.socket)
        sock.shutdown(socket.SHUT_RDWR)  # no DISCONNECT: the broker publishes the Will
        assert wait_until(lambda: len(_states(watcher, topic)) >= 3, timeout=20), watcher.answers
        _, will, again = _states(watcher, topic)[:3]
        assert will["online"] is False and will["timestamp"] == first["timestamp"]
        assert again["online"] is True and again["timestamp"] > first["timestamp"]
        time.sleep(0.05)
        leaving = time.time_ns() // 1_000_000
        gateway.stop()
        left = time.time_ns() // 1_000_000
        death = watcher.wait_for(
            lambda a: a.get("topic") == topic and a.get("online") is False and a is not will
        )
        assert leaving <= death["timestamp"] <= left
        # the gateway answers its own Will (retained, read back on resubscribing) with online
        # again, same session date (tck-id-message-flow-hid-sparkplug-state-message-delivered)
        seen = [(a["online"], a["timestamp"]) for a in _states(watcher, topic)]
        distinct = [state for k, state in enumerate(seen) if k == 0 or seen[k - 1] != state]
        assert distinct == [
            (True, first["timestamp"]),
            (False, first["timestamp"]),
            (True, again["timestamp"]),
            (False, death["timestamp"]),
        ]
    finally:
        watcher.close()
        gateway.stop()
