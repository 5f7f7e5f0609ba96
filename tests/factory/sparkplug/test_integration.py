"""Edge node and host application against a real Mosquitto broker."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reind.factory.sparkplug import DataType, MessageType, Metric, Payload, Topic, encode_payload
from reind.factory.sparkplug.edge import EdgeNode
from reind.factory.sparkplug.host import HostApplication
from reind.factory.sparkplug.host_results import HostResult, RebirthRequest
from tests.fixtures.servers import MosquittoBroker

pytestmark = pytest.mark.integration

GROUP, NODE, DEVICE = "Plant1", "Line3", "Filler"


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Poll until ``condition`` holds; fail naming ``what`` if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.02)


class Recorder:
    """Collects every HostResult the host application produces."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.results: list[tuple[Topic, HostResult]] = []

    def __call__(self, topic: Topic, result: HostResult) -> None:
        with self.lock:
            self.results.append((topic, result))

    def points(self, series: str) -> list[tuple[object, bool]]:
        with self.lock:
            return [
                (p.value, p.is_historical)
                for _, r in self.results
                for p in r.points
                if p.series == series
            ]

    def statuses(self, prefix: str) -> list[bool]:
        with self.lock:
            return [s.online for _, r in self.results for s in r.status if s.prefix == prefix]

    def count(self, kind: MessageType) -> int:
        with self.lock:
            return sum(1 for t, _ in self.results if t.message_type is kind)


@pytest.fixture
def host(mosquitto: MosquittoBroker) -> Iterator[tuple[HostApplication, Recorder]]:
    recorder = Recorder()
    app = HostApplication("scada", broker_port=mosquitto.port, on_result=recorder)
    app.start()
    wait_until(app.connected.is_set, "host connected")
    yield app, recorder
    app.stop()


def make_edge(port: int, state_dir: Path, writes: list[object] | None = None) -> EdgeNode:
    edge = EdgeNode(GROUP, NODE, broker_port=port, state_dir=state_dir, primary_host_id="scada")
    edge.define_metric("Temperature", DataType.Double, 20.0)
    edge.define_metric("Count", DataType.Int32, 0)
    sink = writes if writes is not None else []
    edge.define_metric(
        "Speed", DataType.Float, 1.0, device_id=DEVICE, on_write=lambda v: sink.append(v)
    )
    return edge


@pytest.fixture
def edge(mosquitto: MosquittoBroker, tmp_path: Path) -> Iterator[EdgeNode]:
    node = make_edge(mosquitto.port, tmp_path / "edge")
    node.start()
    wait_until(node.online.is_set, "edge born")
    yield node
    node.stop()


def test_edge_births_and_reports_only_changed_values(
    host: tuple[HostApplication, Recorder], edge: EdgeNode
) -> None:
    app, recorder = host
    wait_until(lambda: recorder.statuses(f"{GROUP}/{NODE}/{DEVICE}") == [True], "DBIRTH seen")
    assert app.state.node(GROUP, NODE).bdseq == edge.bdseq
    assert edge.set("Temperature", 21.5)
    assert not edge.set("Temperature", 21.5)  # report by exception: unchanged, not sent
    edge.set("Count", -4)
    wait_until(lambda: (-4, False) in recorder.points(f"{GROUP}/{NODE}/Count"), "NDATA seen")
    assert recorder.points(f"{GROUP}/{NODE}/Temperature") == [(20.0, False), (21.5, False)]


def test_ncmd_rebirth_makes_the_edge_birth_again(
    host: tuple[HostApplication, Recorder], edge: EdgeNode
) -> None:
    app, recorder = host
    wait_until(lambda: recorder.count(MessageType.NBIRTH) == 1, "first NBIRTH")
    app.request_rebirth(RebirthRequest(GROUP, NODE, "test"))
    wait_until(lambda: recorder.count(MessageType.NBIRTH) == 2, "second NBIRTH")
    assert edge.births == 2


def test_dcmd_write_reaches_the_callback_and_is_reported(
    host: tuple[HostApplication, Recorder], mosquitto: MosquittoBroker, tmp_path: Path
) -> None:
    app, recorder = host
    writes: list[object] = []
    node = make_edge(mosquitto.port, tmp_path / "edge", writes)
    node.start()
    try:
        wait_until(lambda: recorder.statuses(f"{GROUP}/{NODE}/{DEVICE}") == [True], "DBIRTH")
        alias = 3  # Speed is the third metric defined
        command = encode_payload(Payload(1, None, (Metric(None, alias, DataType.Float, 7.5),)))
        app.client.publish(Topic(GROUP, MessageType.DCMD, NODE, DEVICE).text, command, 0)
        wait_until(lambda: writes == [7.5], "callback called")
        wait_until(
            lambda: (7.5, False) in recorder.points(f"{GROUP}/{NODE}/{DEVICE}/Speed"),
            "new value reported in DDATA",
        )
    finally:
        node.stop()


def test_store_and_forward_replays_everything_as_historical_after_rebirth(
    host: tuple[HostApplication, Recorder], edge: EdgeNode, mosquitto: MosquittoBroker
) -> None:
    app, recorder = host
    first_bdseq = edge.bdseq
    wait_until(lambda: recorder.count(MessageType.NBIRTH) == 1, "first NBIRTH")
    mosquitto.stop()
    wait_until(lambda: not edge.online.is_set(), "edge noticed the broker is gone")
    for count in range(1, 51):
        edge.set("Count", count)
    edge.set("Speed", 3.0, device_id=DEVICE)
    assert len(edge.buffer) == 51
    mosquitto.start()
    wait_until(lambda: len(edge.buffer) == 0 and edge.online.is_set(), "buffer replayed")
    series = f"{GROUP}/{NODE}/Count"
    wait_until(lambda: len(recorder.points(series)) >= 51, "replayed data seen by the host")
    replayed = [value for value, historical in recorder.points(series) if historical]
    assert replayed == list(range(1, 51))  # nothing lost, in order, marked historical
    wait_until(
        lambda: (3.0, True) in recorder.points(f"{GROUP}/{NODE}/{DEVICE}/Speed"), "device replay"
    )
    # bdSeq went up by one for the new MQTT CONNECT, and the host saw it in NBIRTH
    assert edge.bdseq == (first_bdseq + 1) % 256
    wait_until(lambda: app.state.node(GROUP, NODE).bdseq == edge.bdseq, "host has new bdSeq")


def test_bdseq_is_persisted_across_edge_restarts(
    mosquitto: MosquittoBroker, tmp_path: Path
) -> None:
    seen = []
    for _ in range(2):
        node = make_edge(mosquitto.port, tmp_path / "edge")
        node.primary_host_id = None
        node.start()
        wait_until(node.online.is_set, "edge born")
        seen.append(node.bdseq)
        node.stop()
    assert seen == [0, 1]


def test_host_sees_the_ndeath_will_when_the_edge_connection_drops(
    host: tuple[HostApplication, Recorder], edge: EdgeNode
) -> None:
    app, recorder = host
    prefix = f"{GROUP}/{NODE}"
    wait_until(lambda: recorder.statuses(prefix) == [True], "NBIRTH")
    sock = edge.client.socket()
    assert isinstance(sock, socket.socket)
    sock.shutdown(
        socket.SHUT_RDWR
    )  # the edge vanishes without DISCONNECT: the broker sends the Will
    wait_until(lambda: recorder.statuses(prefix)[:2] == [True, False], "NDEATH from the Will")
    wait_until(lambda: recorder.statuses(prefix)[-1] is True, "edge reconnected and reborn")
    assert app.state.node(GROUP, NODE).bdseq == edge.bdseq
