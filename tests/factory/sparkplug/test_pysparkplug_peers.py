"""reind's Sparkplug host and edge node against pysparkplug, an implementation nobody here wrote.

pysparkplug runs in its own process (:mod:`.peer`); the broker is a real
Mosquitto on a free port. Each test names the Sparkplug 3.0 assertions it
checks (docs/sparkplug-conformance.md lists them all).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.ingest.store import TelemetryStore, open_store
from tests.factory.ingest.edge import wait_until
from tests.factory.sparkplug.peer import Peer
from tests.fixtures.servers import MosquittoBroker, PostgresServer

pytestmark = pytest.mark.integration

BASE_MS = 1_767_225_600_000  # 2026-01-01
START, END = datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)

# (name, pysparkplug datatype, birth value, values sent in NDATA): what the store keeps today
METRICS: list[tuple[str, str, object, list[Any]]] = [
    ("int8", "INT8", 0, [-1, -128, 127]),  # pysparkplug sends Int8 -1 as 0xFF, Tahu as 0xFFFFFFFF
    ("int16", "INT16", 0, [-2, -32768, 32767]),
    ("int32", "INT32", 0, [-3, -(2**31), 2**31 - 1]),
    ("uint32", "UINT32", 0, [4_000_000_000, 0, 7]),
    ("float", "FLOAT", 0.0, [1.5, -0.25, 3.0]),
    ("double", "DOUBLE", 0.0, [0.1, -1e300, 2.5]),
    ("bool", "BOOLEAN", False, [True, False, True]),
    ("text", "STRING", "", ["début", "檢查", ""]),
]


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


def updates() -> list[list[list[object]]]:
    """One NDATA per step, every metric in each, at its own millisecond."""
    return [
        [[name, values[step], BASE_MS + 10 * step] for name, _, _, values in METRICS]
        for step in range(3)
    ]


def stored(store: TelemetryStore, series: str) -> list[tuple[int, object]]:
    """(timestamp, value or text) of every DATA point of a series, births left out."""
    return [
        (p.timestamp_ms, p.text if p.text is not None else p.value)
        for p in store.query_raw(series, START, END)
    ]


def test_values_from_a_pysparkplug_edge_node_are_stored_with_their_timestamps(
    mosquitto: MosquittoBroker, telemetry: TelemetryStore
) -> None:
    """tck-id-topics-ndata-timestamp, tck-id-payloads-name-requirement (named metrics),
    tck-id-payloads-metric-datatype-value: every basic datatype pysparkplug sends
    comes back with the value and metric timestamp it was sent with, on DuckDB and PostgreSQL;
    pysparkplug's narrow Int8 -1 (0xFF) and Int16 -2 (0xFFFE) read as -1 and -2."""
    gateway = start_gateway(mosquitto, telemetry, client_id="gw-values")
    spec = [[name, kind, birth] for name, kind, birth, _ in METRICS]
    edge = Peer(mosquitto.port, role="edge", group="peer", node="fryer", metrics=spec,
                updates=updates())  # fmt: skip
    try:
        edge.wait_for(lambda a: a.get("event") == "sent")
        expected = {
            f"peer/fryer/{name}": [
                (BASE_MS + 10 * step, float(v) if not isinstance(v, str) else v)
                for step, v in enumerate(values)
            ]
            for name, _, _, values in METRICS
        }
        assert wait_until(lambda: all(len(stored(telemetry, s)) == 3 for s in expected))
        assert {s: stored(telemetry, s) for s in expected} == expected
        assert telemetry.dead_letters() == []
        assert gateway.host.connected_nodes == 1
    finally:
        edge.close("disconnect")
        gateway.stop()


@pytest.mark.parametrize("protocol", [3, 5])
def test_a_gateway_that_ran_under_another_client_id_steals_nothing_from_a_pysparkplug_node(
    mosquitto: MosquittoBroker, duck: TelemetryStore, protocol: int
) -> None:
    """tck-id-message-flow-phid-sparkplug-clean-session-311 / -50: the primary host
    connects with a clean session, so a gateway once run as ``gw-old`` keeps no
    share of ``$share/reind/spBv1.0/#`` and every NDATA reaches ``gw-new``."""
    old = start_gateway(mosquitto, duck, protocol=protocol, client_id=f"gw-old-{protocol}")
    old.stop()
    new = start_gateway(mosquitto, duck, protocol=protocol, client_id=f"gw-new-{protocol}")
    steps = [[["count", step, BASE_MS + step]] for step in range(1, 51)]
    edge = Peer(mosquitto.port, role="edge", group="peer", node=f"share{protocol}",
                metrics=[["count", "INT32", 0]], updates=steps)  # fmt: skip
    try:
        edge.wait_for(lambda a: a.get("event") == "sent")
        series = f"peer/share{protocol}/count"
        assert wait_until(lambda: len(stored(duck, series)) == 50), len(stored(duck, series))
        assert [v for _, v in stored(duck, series)] == [float(i) for i in range(1, 51)]
        assert duck.dead_letters() == []
        assert new.host.state.counts["rebirths"] == 0
    finally:
        edge.close("disconnect")
        new.stop()


@pytest.mark.parametrize("protocol", [3, 5])
def test_a_pysparkplug_host_sees_the_gateway_offline_after_a_clean_stop(
    mosquitto: MosquittoBroker, duck: TelemetryStore, protocol: int
) -> None:
    """tck-id-operational-behavior-host-application-termination,
    tck-id-host-topic-phid-death-payload-timestamp-disconnect-clean: the last STATE
    another client sees is offline, dated when the gateway left."""
    watcher = Peer(mosquitto.port, role="host", host_id="watcher")
    watcher.wait_for(lambda a: a.get("event") == "ready")
    gateway = start_gateway(mosquitto, duck, protocol=protocol, client_id=f"gw-stop-{protocol}")
    topic = gateway.state_topic
    try:
        watcher.wait_for(lambda a: a.get("topic") == topic and a.get("online") is True)
        gateway.stop()
        death = watcher.wait_for(lambda a: a.get("topic") == topic and a.get("online") is False)
        birth = next(a for a in watcher.messages() if a["topic"] == topic)
        assert death["timestamp"] >= birth["timestamp"]
        later = Peer(mosquitto.port, role="host", host_id="late", client_id="late-reader")
        try:  # a client arriving later reads the retained STATE: offline
            retained = later.wait_for(lambda a: a.get("topic") == topic)
            assert retained["online"] is False
        finally:
            later.close()
        states = [a["online"] for a in watcher.messages() if a["topic"] == topic]
        assert states[-1] is False
    finally:
        watcher.close()
        gateway.stop()


def test_a_pysparkplug_birth_without_the_rebirth_metric_is_a_dead_letter_with_its_bytes(
    mosquitto: MosquittoBroker, duck: TelemetryStore
) -> None:
    """tck-id-payloads-nbirth-rebirth-req: pysparkplug leaves Node Control/Rebirth to
    the application; an NBIRTH without it is kept as a dead letter, never dropped,
    and its NDATA after it too (with a Rebirth request)."""
    gateway = start_gateway(mosquitto, duck, client_id="gw-norebirth")
    edge = Peer(mosquitto.port, role="edge", group="peer", node="bare", rebirth_metric=False,
                metrics=[["count", "INT32", 0]], updates=[[["count", 5, BASE_MS]]])  # fmt: skip
    try:
        edge.wait_for(lambda a: a.get("event") == "sent")
        assert wait_until(lambda: len(duck.dead_letters()) == 2)
        data, birth = duck.dead_letters()  # newest first
        assert birth.topic == "spBv1.0/peer/NBIRTH/bare" and "Rebirth" in birth.reason
        assert birth.payload and data.topic == "spBv1.0/peer/NDATA/bare"
        assert stored(duck, "peer/bare/count") == []
    finally:
        edge.close("disconnect")
        gateway.stop()


WHEN_MS = BASE_MS + 250  # pysparkplug's int(timestamp() * 1000) is exact for quarters
WHEN = datetime.fromtimestamp(WHEN_MS / 1000, tz=UTC)
UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
TYPED: list[tuple[str, str, object, object]] = [
    # (name, pysparkplug datatype, value as the peer is told it, the Python value it is)
    ("int8", "INT8", -128, -128),
    ("int16", "INT16", -32768, -32768),
    ("int32", "INT32", -(2**31), -(2**31)),
    ("int64", "INT64", 2**53 + 1, 2**53 + 1),
    ("int64min", "INT64", -(2**63), -(2**63)),
    ("uint8", "UINT8", 255, 255),
    ("uint16", "UINT16", 65_535, 65_535),
    ("uint32", "UINT32", 2**32 - 1, 2**32 - 1),
    ("uint64", "UINT64", 2**64 - 1, 2**64 - 1),
    ("float", "FLOAT", 1.5, 1.5),
    ("double", "DOUBLE", 0.1, 0.1),
    ("bool", "BOOLEAN", True, True),
    ("string", "STRING", "début 檢查", "début 檢查"),
    ("text", "TEXT", "line\ttwo", "line\ttwo"),
    ("uuid", "UUID", UUID, UUID),
    ("when", "DATETIME", WHEN_MS, WHEN),
    ("blob", "BYTES", "00ff10", b"\x00\xff\x10"),
    ("file", "FILE", "cafe", b"\xca\xfe"),
    ("i8s", "INT8_ARRAY", [-1, 0, 127], (-1, 0, 127)),
    ("i16s", "INT16_ARRAY", [-32768, 2], (-32768, 2)),
    ("i32s", "INT32_ARRAY", [-(2**31), 7], (-(2**31), 7)),
    ("i64s", "INT64_ARRAY", [-(2**63), 2**63 - 1], (-(2**63), 2**63 - 1)),
    ("u8s", "UINT8_ARRAY", [0, 255], (0, 255)),
    ("u16s", "UINT16_ARRAY", [65_535], (65_535,)),
    ("u32s", "UINT32_ARRAY", [2**32 - 1, 1], (2**32 - 1, 1)),
    ("u64s", "UINT64_ARRAY", [2**64 - 1, 0], (2**64 - 1, 0)),
    ("floats", "FLOAT_ARRAY", [1.5, -0.25], (1.5, -0.25)),
    ("doubles", "DOUBLE_ARRAY", [0.1, -1e300], (0.1, -1e300)),
    ("bools", "BOOLEAN_ARRAY", [True, False, True, True, False, False, False, False, True],
     (True, False, True, True, False, False, False, False, True)),
    ("strings", "STRING_ARRAY", ["a", "檢", ""], ("a", "檢", "")),
    ("whens", "DATETIME_ARRAY", [BASE_MS, WHEN_MS],
     (datetime.fromtimestamp(BASE_MS / 1000, tz=UTC), WHEN)),
]  # fmt: skip


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.integration)])
def telemetry(request: pytest.FixtureRequest) -> Iterator[TelemetryStore]:
    """A fresh store of each kind: what the gateway keeps must not depend on which."""
    if request.param == "duckdb":
        store = open_store("duckdb::memory:")
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        store = open_store(server.create_database(f"peer_store_{next(_databases)}"))
    yield store
    store.close()


_databases = itertools.count()


def test_every_datatype_a_pysparkplug_edge_node_sends_is_stored_in_its_exact_type(
    mosquitto: MosquittoBroker, telemetry: TelemetryStore
) -> None:
    """tck-id-payloads-metric-datatype-value, tck-id-topics-ndata-timestamp: every datatype
    pysparkplug implements (all but DataSet, Template and the property sets), from Int8 to
    DateTimeArray, reads back as the value it was sent as, in its Python type: Int64 and
    UInt64 beyond 2**53 as exact integers, DateTime as a datetime, Bytes and File as bytes,
    arrays as tuples. Nothing is dead-lettered (issue 14)."""
    gateway = start_gateway(mosquitto, telemetry, client_id="gw-typed")
    spec = [[name, kind, sent] for name, kind, sent, _ in TYPED]
    update = [[name, sent, BASE_MS + 1] for name, _, sent, _ in TYPED]
    edge = Peer(mosquitto.port, role="edge", group="peer", node="typed", metrics=spec,
                updates=[update])  # fmt: skip
    try:
        edge.wait_for(lambda a: a.get("event") == "sent")
        last = f"peer/typed/{TYPED[-1][0]}"
        assert wait_until(lambda: len(telemetry.query_raw(last, START, END)) == 1)
        for name, kind, _, expected in TYPED:
            (point,) = telemetry.query_raw(f"peer/typed/{name}", START, END)
            assert point.timestamp_ms == BASE_MS + 1
            assert point.exact == expected and type(point.exact) is type(expected), (kind, point)
        assert telemetry.dead_letters() == []
    finally:
        edge.close("disconnect")
        gateway.stop()


def test_a_metric_changing_three_times_in_one_millisecond_is_stored_three_times(
    mosquitto: MosquittoBroker, telemetry: TelemetryStore
) -> None:
    """tck-id-payloads-sequence-num-incrementing (each NDATA its own seq): report by exception
    from pysparkplug, 1 -> 2 -> 3 inside one millisecond, in three NDATA. Every sample is kept,
    in the order sent, and the rollup counts three (issue 14: the store kept the first only)."""
    gateway = start_gateway(mosquitto, telemetry, client_id="gw-same-ms")
    steps = [[["count", value, BASE_MS + 7]] for value in (1, 2, 3)]
    edge = Peer(mosquitto.port, role="edge", group="peer", node="rbe",
                metrics=[["count", "INT32", 0]], updates=steps)  # fmt: skip
    try:
        edge.wait_for(lambda a: a.get("event") == "sent")
        series = "peer/rbe/count"
        assert wait_until(lambda: len(stored(telemetry, series)) == 3), stored(telemetry, series)
        assert stored(telemetry, series) == [(BASE_MS + 7, float(v)) for v in (1, 2, 3)]
        (minute,) = telemetry.query_rollups(series, START, END, "minute")
        assert (minute.count, minute.total, minute.last) == (3, 6.0, 3.0)
    finally:
        edge.close("disconnect")
        gateway.stop()
