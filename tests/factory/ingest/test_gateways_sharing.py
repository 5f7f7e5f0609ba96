"""Several gateways in one group split the edge nodes between them (issue 18, ADR 0182).

An MQTT shared subscription split an edge node's *messages* between gateways:
one got the NBIRTH, the others dead-lettered the data and saw every other
``seq`` missing (37 of 2,000 points stored). Now each gateway resolves the
edge nodes it owns by rendezvous hashing over the live members, overhears the
rest, and replays a dead member's nodes from what it overheard. Real
Mosquitto; the edge nodes are reind's simulator and pysparkplug.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.ingest.sharing import owner_of
from reind.factory.ingest.simulator import SimulatedEdgeNode
from reind.factory.ingest.store import TelemetryStore, open_store
from tests.factory.ingest.edge import EdgePublisher, wait_until
from tests.factory.ingest.test_gateway_crash import host_online
from tests.factory.sparkplug.peer import Peer
from tests.fixtures.servers import MosquittoBroker, PostgresServer

pytestmark = pytest.mark.integration

BASE_MS = 1_767_225_600_000
START, END = datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
METRICS = 5


def start(broker: MosquittoBroker, store: TelemetryStore, name: str) -> Gateway:
    gateway = Gateway(
        GatewayConfig(
            broker_url=broker.url,
            client_id=name,
            share_group="fleet",
            batch_points=500,
            batch_seconds=0.05,
        ),
        store=store,
    )
    gateway.start()
    assert gateway.wait_connected()
    return gateway


def stamps(store: TelemetryStore, node: SimulatedEdgeNode, metric: int = 0) -> list[int]:
    """The timestamps stored for one metric of a node's first device, in order."""
    return [p.timestamp_ms for p in store.query_raw(node.series("d0", f"m{metric}"), START, END)]


def owners(nodes: list[SimulatedEdgeNode], members: list[str]) -> dict[str, str | None]:
    return {n.node: owner_of((n.group, n.node), members) for n in nodes}


def test_two_gateways_in_one_group_store_every_point_once_each_its_own_nodes(
    mosquitto: MosquittoBroker,
) -> None:
    """Each gateway has its own store here, so a point resolved by both would show twice."""
    stores = [open_store("duckdb::memory:") for _ in range(2)]
    gateways = [start(mosquitto, store, f"share-gw-{i}") for i, store in enumerate(stores)]
    nodes = [SimulatedEdgeNode("plant", f"kiln{i}", devices=1, metrics=METRICS) for i in range(6)]
    plan = owners(nodes, [g.host_id for g in gateways])
    assert set(plan.values()) == {g.host_id for g in gateways}  # both own some (fixed names)
    edge = EdgePublisher(mosquitto.port, nodes)
    steps = 200
    try:
        for step in range(steps):
            for node in nodes:
                edge.send(node, 0, BASE_MS + step, [float(step)] * METRICS)
        edge.flush()
        expected = list(range(BASE_MS, BASE_MS + steps))

        def done() -> bool:
            return all(sum(len(stamps(s, n, 4)) for s in stores) >= steps for n in nodes)

        assert wait_until(done, 30)
        for gateway, store in zip(gateways, stores, strict=True):
            for node in nodes:
                mine = plan[node.node] == gateway.host_id
                assert stamps(store, node) == (expected if mine else []), (node.node, mine)
            assert store.dead_letters(1000) == []
            assert gateway.host.state.counts["rebirths"] == 0
    finally:
        edge.close()
        for gateway in gateways:
            gateway.stop()
        for store in stores:
            store.close()


def test_a_gateway_joining_a_running_group_takes_its_share_without_a_gap_or_a_double(
    mosquitto: MosquittoBroker,
) -> None:
    store = open_store("duckdb::memory:")
    first = start(mosquitto, store, "join-gw-a")
    nodes = [SimulatedEdgeNode("plant", f"oven{i}", devices=1, metrics=METRICS) for i in range(6)]
    plan = owners(nodes, ["join-gw-a", "join-gw-b"])
    assert "join-gw-b" in plan.values()
    edge = EdgePublisher(mosquitto.port, nodes)
    second: Gateway | None = None
    steps = 300
    try:
        for step in range(steps):
            if step == steps // 2:
                second = start(mosquitto, store, "join-gw-b")
            for node in nodes:
                edge.send(node, 0, BASE_MS + step, [float(step)] * METRICS)
            time.sleep(0.002)
        edge.flush()
        expected = list(range(BASE_MS, BASE_MS + steps))
        assert wait_until(lambda: all(len(stamps(store, n, 4)) >= steps for n in nodes), 30)
        assert {n.node: stamps(store, n) for n in nodes} == {n.node: expected for n in nodes}
        assert store.dead_letters(1000) == []
        assert second is not None and second.stored_points > 0  # it took its share
    finally:
        edge.close()
        for gateway in (first, second):
            if gateway is not None:
                gateway.stop()
        store.close()


def test_pysparkplug_edge_nodes_are_split_between_two_gateways(
    mosquitto: MosquittoBroker,
) -> None:
    """Edge nodes nobody here wrote: every NDATA value stored once, no dead letters."""
    store = open_store("duckdb::memory:")
    gateways = [start(mosquitto, store, f"peer-gw-{i}") for i in range(2)]
    names = ["n0", "n1", "n2", "n3"]
    assert len({owner_of(("peer", n), [g.host_id for g in gateways]) for n in names}) == 2
    updates = [[["count", step, BASE_MS + step]] for step in range(1, 41)]
    peers: list[Peer] = []
    try:
        for name in names:
            peers.append(Peer(mosquitto.port, role="edge", group="peer", node=name,
                              metrics=[["count", "INT32", 0]], updates=updates))  # fmt: skip
        for peer in peers:
            peer.wait_for(lambda a: a.get("event") == "sent")

        def counts(name: str) -> list[float | None]:
            return [p.value for p in store.query_raw(f"peer/{name}/count", START, END)]

        assert wait_until(lambda: all(len(counts(n)) >= 40 for n in names), 30)
        for name in names:  # (the BIRTH's value is stamped now, outside the range)
            assert counts(name) == [float(i) for i in range(1, 41)], name
        assert store.dead_letters() == []
        assert all(g.stored_points > 0 for g in gateways)
    finally:
        for peer in peers:
            peer.close("disconnect")
        for gateway in gateways:
            gateway.stop()
        store.close()


@pytest.fixture
def telemetry_url(postgres_server: PostgresServer) -> Iterator[str]:
    yield postgres_server.create_database("telemetry_share")


def _gateway_process(broker: MosquittoBroker, store_url: str, name: str) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "reind.factory.ingest", "--broker", broker.url,
        "--store", store_url, "--client-id", name, "--share-group", "fleet",
        "--batch-points", "2000", "--batch-seconds", "0.3",
    ]  # fmt: skip
    started_ms = time.time_ns() // 1_000_000
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not host_online(broker, name, started_ms):
        process.kill()
        process.wait()
        pytest.fail(f"gateway {name} did not come up within 60 s")
    return process


def test_three_gateways_one_killed_mid_stream_the_others_take_its_nodes_and_lose_nothing(
    mosquitto: MosquittoBroker, telemetry_url: str
) -> None:
    """SIGKILL: the broker publishes the dead gateway's Will (STATE offline); the new owners
    replay what they overheard of its nodes, and PostgreSQL keeps each point once."""
    names = ["kill-gw-a", "kill-gw-b", "kill-gw-c"]
    processes = {name: _gateway_process(mosquitto, telemetry_url, name) for name in names}
    nodes = [SimulatedEdgeNode("line", f"press{i}", devices=1, metrics=METRICS) for i in range(9)]
    plan = owners(nodes, names)
    victim = "kill-gw-b"
    assert victim in plan.values() and len(set(plan.values())) == 3
    edge = EdgePublisher(mosquitto.port, nodes)
    steps = 400
    try:
        for step in range(steps):
            for node in nodes:
                edge.send(node, 0, BASE_MS + step, [float(step)] * METRICS)
            if step == steps // 3:
                os.kill(processes[victim].pid, signal.SIGKILL)  # mid-batch, mid-stream
                processes[victim].wait()
            time.sleep(0.003)
        edge.flush()
        store = open_store(telemetry_url)
        try:
            expected = list(range(BASE_MS, BASE_MS + steps))
            assert wait_until(lambda: all(len(stamps(store, n, 4)) >= steps for n in nodes), 60)
            got = {n.node: stamps(store, n) for n in nodes}
            short = {k: len(v) for k, v in got.items() if v != expected}
            assert short == {}, (short, plan)
            assert store.dead_letters(100) == []
        finally:
            store.close()
    finally:
        edge.close()
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
