"""Negative and extreme integers from Eclipse Tahu's encoders, through Mosquitto, into the store.

Sparkplug carries Int8, Int16 and Int32 in the protobuf ``uint32`` field, and implementations
disagree on how a negative one is written: Tahu's Python helper (shipped by mqtt-spb-wrapper,
ADR 0146) and pysparkplug write Int8 -1 as 0xFF, Tahu's Java encoder as 0xFFFFFFFF (the Java
``int`` it widens the byte to). The fast decoder once read the 32-bit form of Int8 -1 as
4294967039 (issue 14). Both forms are produced here by code nobody here wrote (the Java form
with the peer's own generated protobuf classes, as Tahu's Java sets them, see
:mod:`.tahu_peer`), published by a bare paho client, and read back from each store.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.ingest.store import TelemetryStore, open_store
from tests.factory.ingest.edge import wait_until
from tests.fixtures.servers import MosquittoBroker, PostgresServer

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
BIRTH_MS = 1_767_225_600_000  # 2026-01-01
DATA_MS = BIRTH_MS + 5
START, END = datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)

# (name, Sparkplug datatype, the value sent in NDATA)
VALUES: list[tuple[str, str, int]] = [
    ("int8_minus_one", "Int8", -1),
    ("int8_min", "Int8", -128),
    ("int8_max", "Int8", 127),
    ("int16_minus_two", "Int16", -2),
    ("int16_min", "Int16", -32_768),
    ("int32_minus_three", "Int32", -3),
    ("int32_min", "Int32", -(2**31)),
    ("int32_max", "Int32", 2**31 - 1),
    ("int64_min", "Int64", -(2**63)),
    ("int64_wide", "Int64", 2**53 + 1),
    ("int64_minus_one", "Int64", -1),
    ("uint32_max", "UInt32", 2**32 - 1),
    ("uint64_max", "UInt64", 2**64 - 1),
    ("uint64_wide", "UInt64", 2**53 + 1),
]


def tahu_payloads() -> dict[str, bytes]:
    """NBIRTH and both NDATA forms, encoded by the Tahu peer in a process of its own."""
    if importlib.util.find_spec("mqtt_spb_wrapper") is None:
        pytest.fail("mqtt-spb-wrapper is not installed: run scripts/bootstrap dev (ADR 0146)")
    spec = {
        "birth_ms": BIRTH_MS,
        "data_ms": DATA_MS,
        "metrics": [
            [name, alias, kind, 0, value]
            for alias, (name, kind, value) in enumerate(VALUES, start=1)
        ],
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.factory.sparkplug.tahu_peer"],
        cwd=ROOT,
        input=json.dumps(spec) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return {key: bytes.fromhex(value) for key, value in json.loads(done.stdout).items()}


@pytest.fixture(params=["duckdb", "postgresql"])
def telemetry(request: pytest.FixtureRequest) -> Iterator[TelemetryStore]:
    if request.param == "duckdb":
        store = open_store("duckdb::memory:")
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        store = open_store(server.create_database(f"tahu_store_{next(_databases)}"))
    yield store
    store.close()


_databases = itertools.count()


def test_negative_and_extreme_integers_from_tahus_encoders_are_stored_exactly(
    mosquitto: MosquittoBroker, telemetry: TelemetryStore
) -> None:
    """tck-id-payloads-metric-datatype-value, tck-id-payloads-alias-data-cmd-requirement:
    Int8/Int16/Int32 negatives in the narrow form (Tahu's Python) and the 32-bit form (Tahu's
    Java), Int64 and UInt64 at their limits, each read back as the integer sent, on DuckDB and
    PostgreSQL; nothing dead-lettered (issue 14)."""
    payloads = tahu_payloads()
    assert payloads["ndata"] != payloads["ndata_java"]  # the two forms really differ
    config = GatewayConfig(
        broker_url=mosquitto.url, batch_points=500, batch_seconds=0.05, client_id="gw-tahu"
    )
    gateway = Gateway(config, telemetry)
    gateway.start()
    publisher = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="tahu-publisher")
    try:
        assert gateway.wait_connected()
        publisher.connect("127.0.0.1", mosquitto.port)
        publisher.loop_start()
        for node, data in (("python", payloads["ndata"]), ("java", payloads["ndata_java"])):
            for kind, payload in (("NBIRTH", payloads["nbirth"]), ("NDATA", data)):
                publisher.publish(f"spBv1.0/tahu/{kind}/{node}", payload, 0).wait_for_publish()
        series = [f"tahu/{node}/{name}" for node in ("python", "java") for name, _, _ in VALUES]
        assert wait_until(
            lambda: all(
                any(p.timestamp_ms == DATA_MS for p in telemetry.query_raw(s, START, END))
                for s in series
            )
        )
        for node in ("python", "java"):
            for name, kind, value in VALUES:
                points = telemetry.query_raw(f"tahu/{node}/{name}", START, END)
                (sent,) = [p for p in points if p.timestamp_ms == DATA_MS]
                assert sent.exact == value and type(sent.exact) is int, (node, kind, sent)
        assert telemetry.dead_letters() == []
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        gateway.stop()
