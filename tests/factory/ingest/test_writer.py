"""The store in a writer process: commits before acks, survives its own death, acks once."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.ingest.points import BirthRecord, PointColumns
from reind.factory.ingest.simulator import SimulatedEdgeNode
from reind.factory.ingest.store import open_store
from reind.factory.ingest.writer import Batch, ProcessWriter, StoreWriterError
from tests.factory.ingest.edge import EdgePublisher, wait_until
from tests.fixtures.servers import MosquittoBroker

BASE_MS = 1_767_225_600_000


def columns(start: int, count: int) -> PointColumns:
    points = PointColumns()
    for offset in range(count):
        points.add("plant/oven/d0/t", start + offset, float(offset))
    return points


def test_a_writer_process_commits_batches_and_replays_are_not_doubled(tmp_path: Path) -> None:
    url = f"duckdb:{tmp_path / 't.duckdb'}"
    writer = ProcessWriter(url)
    try:
        birth = BirthRecord("spBv1.0/plant/NBIRTH/oven", BASE_MS, b"\x08\x01")
        assert writer.write(Batch(columns(BASE_MS, 1000), births=[birth])) == 1000
        assert writer.write(Batch(columns(BASE_MS + 500, 1000))) == 500  # half replayed
    finally:
        writer.close()
    store = open_store(url)
    try:
        assert store.count_points() == 1500
        assert store.births() == [birth]
    finally:
        store.close()


def test_a_dead_writer_process_fails_the_write_and_the_retry_goes_to_a_new_one(
    tmp_path: Path,
) -> None:
    writer = ProcessWriter(f"duckdb:{tmp_path / 't.duckdb'}")
    try:
        first = writer.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)  # the writer process this test started
        time.sleep(0.2)
        with pytest.raises(StoreWriterError):
            writer.write(Batch(columns(BASE_MS, 10)))
        assert writer.pid != first
        assert writer.write(Batch(columns(BASE_MS, 10))) == 10
    finally:
        writer.close()


@pytest.mark.integration
@pytest.mark.parametrize("protocol", [3, 5])
def test_acknowledged_messages_are_not_redelivered_to_the_next_gateway(
    mosquitto: MosquittoBroker, tmp_path: Path, protocol: int
) -> None:
    """Acks go out as one batched write after the commit; the broker must have taken them."""
    config = GatewayConfig(
        broker_url=mosquitto.url, store_url=f"duckdb:{tmp_path / 'a.duckdb'}",
        client_id="ack-gw", protocol=5 if protocol == 5 else 3, share_group=None,
        batch_points=200, batch_seconds=0.05, persistent_session=True,
    )  # fmt: skip
    first = Gateway(config)  # no store given: it lives in a writer process
    first.start()
    assert first.wait_connected()
    node = SimulatedEdgeNode("plant", "mixer", devices=1, metrics=5)
    edge = EdgePublisher(mosquitto.port, [node])
    try:
        for step in range(300):
            edge.publish(*node.data(0, BASE_MS + step, [float(step)] * 5))
        edge.flush()
        births = len(node.metric_names) + 2
        stored = wait_until(lambda: first.stored_points >= 300 * 5 + births)
        assert stored, (first.stored_points, first.host.gaps, first.host.state.counts)
    finally:
        edge.close()
        first.stop()
    other = f"duckdb:{tmp_path / 'b.duckdb'}"
    second = Gateway(GatewayConfig(**{**config.__dict__, "store_url": other}))
    second.start()
    try:
        assert second.wait_connected()
        time.sleep(1.0)  # anything unacknowledged would be redelivered by now
        assert second.stored_points == 0
    finally:
        second.stop()
    store = open_store(other)
    try:
        assert store.dead_letters() == []
        assert store.births() == []
    finally:
        store.close()
