"""A gateway killed with SIGKILL mid-batch loses nothing it acknowledged and doubles nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from reind.factory.ingest.simulator import SimulatedEdgeNode
from reind.factory.ingest.store import open_store
from tests.factory.ingest.edge import EdgePublisher, wait_until
from tests.fixtures.servers import MosquittoBroker, free_port

pytestmark = pytest.mark.integration

BASE_MS = 1_767_225_600_000
START, END = datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)


def metric(port: int, name: str) -> float:
    """One sample of the gateway's Prometheus endpoint (0 when it is not up)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as page:  # noqa: S310
            text = page.read().decode()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def gateway(broker: MosquittoBroker, store: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "reind.factory.ingest", "--broker", broker.url,
        "--store", f"duckdb:{store}", "--client-id", "crash-gw", "--metrics-port", str(port),
        "--batch-points", "3000", "--batch-seconds", "0.3", "--share-group", "",
        "--persistent-session",  # the restart resumes the session the broker queued into
    ]  # fmt: skip
    started_ms = time.time_ns() // 1_000_000
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # the writer process may wait for the killed gateway's writer to release the file; the
    # edge node births at once, so the gateway must be subscribed (its STATE online) first
    if not (wait_until(lambda: _up(port), 60) and host_online(broker, "crash-gw", started_ms)):
        process.kill()  # never leave a gateway of ours behind
        process.wait()
        pytest.fail("the gateway did not come up within 60 s")
    return process


def host_online(broker: MosquittoBroker, host_id: str, since_ms: int) -> bool:
    """Wait (60 s at most) for the host's retained STATE: online, stamped ``since_ms`` or later."""
    seen = threading.Event()

    def on_message(_client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        state = json.loads(message.payload)
        if state.get("online") is True and int(state.get("timestamp", 0)) >= since_ms:
            seen.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2)
    client.on_message = on_message
    client.on_connect = lambda c, *_: c.subscribe(f"spBv1.0/STATE/{host_id}", qos=1)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    try:
        return seen.wait(60)
    finally:
        client.disconnect()
        client.loop_stop()


def quiet(port: int) -> bool:
    """The gateway has received messages and then nothing new for a second, all acked."""
    before = metric(port, "reind_ingest_messages_total")
    time.sleep(1.0)
    return (
        before > 0
        and metric(port, "reind_ingest_messages_total") == before
        and metric(port, "reind_ingest_pending_acks") == 0
        and metric(port, "reind_ingest_pending_points") == 0
    )


def _up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2):  # noqa: S310
            return True
    except OSError:
        return False


def test_sigkill_mid_batch_then_restart_stores_every_point_exactly_once(
    mosquitto: MosquittoBroker, tmp_path: Path
) -> None:
    store_path, port = tmp_path / "telemetry.duckdb", free_port()
    first = gateway(mosquitto, store_path, port)
    node = SimulatedEdgeNode("plant", "kiln", devices=1, metrics=10)
    edge = EdgePublisher(mosquitto.port, [node])
    steps = 3000
    try:
        for step in range(steps):
            edge.send(node, 0, BASE_MS + step, [float(step)] * 10)
            if step == steps // 3:
                assert wait_until(lambda: metric(port, "reind_ingest_points_stored_total") > 0)
                os.kill(first.pid, signal.SIGKILL)  # somewhere inside a batch
                first.wait()
        edge.flush()  # every message is with the broker, queued in the gateway's session
        second = gateway(mosquitto, store_path, port)
        try:
            # the backlog arrives in a burst; a quiet second with nothing pending means done
            assert wait_until(lambda: quiet(port), 60)
        finally:
            second.send_signal(signal.SIGTERM)
            try:
                second.wait(30)
            except subprocess.TimeoutExpired:  # never leave a gateway of ours behind
                second.kill()
                second.wait()
                raise
    finally:
        edge.close()
        if first.poll() is None:  # the test failed before killing it
            first.kill()
            first.wait()
    store = open_store(f"duckdb:{store_path}")
    try:
        stamps = [p.timestamp_ms for p in store.query_raw(node.series("d0", "m9"), START, END)]
        missing = sorted(set(range(BASE_MS, BASE_MS + steps)) - set(stamps))
        far = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
        host = {s: len(store.query_raw(s, *far)) for s in store.last_seen() if "$host" in s}
        dead = [(d.topic, d.reason) for d in store.dead_letters(20)]
        # on failure, say which steps are missing and what the host recorded
        assert stamps == list(range(BASE_MS, BASE_MS + steps)), (
            [m - BASE_MS for m in missing],
            host,
            dead,
        )
    finally:
        store.close()
