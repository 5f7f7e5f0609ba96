"""Several gateways: points/s and CPU per point for 1, 2 and 3 gateway processes.

Issue 18 asks what N gateways in one group buy (ADR 0182: each member hears every
message and resolves only the edge nodes it owns by rendezvous hashing). Each round
starts its own Mosquitto and a database on one private PostgreSQL (the store the
members of a group share), N gateway processes (``python -m reind.factory.ingest
--share-group``, as deployed), and ``--nodes`` edge-node processes offering ``--rate``
points/s in all (0: flat out, at nice 19, as in ``bench/ingest.py``) for ``--seconds``;
a fixed rate gives each group size the same work, so the CPU per point compares like
with like. It waits until PostgreSQL holds every point sent, then prints per N:

- stored points/s (first publish to last point stored) and its ratio to one gateway;
- CPU µs per point of the gateways (each process and its writer child), of PostgreSQL,
  and in all; the gateways' figure is the scaling one: on this 2-core machine the
  processes compete for the same cores, so wall-clock throughput cannot grow with N,
  while the CPU each point costs shows what a machine per gateway would buy;
- loss (points sent and not stored; must be 0).

    python bench/gateways.py [--gateways 1,2,3] [--nodes 6] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from reind.factory.ingest.sharing import owner_of
from reind.factory.ingest.store import TelemetryStore, open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_peers import METRICS, cpu_seconds, free_port, run_publishers, start_broker  # noqa: E402
from private_postgres import PrivatePostgres, private_postgres  # noqa: E402

EVER = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
GROUP = "bench"  # the Sparkplug group bench/ingest.py's publishers use


def wait_online(port: int, host_id: str, since_ms: int, timeout: float = 60.0) -> bool:
    """Wait for the gateway's retained STATE: online, stamped ``since_ms`` or later."""
    seen = threading.Event()

    def on_message(_client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        state = json.loads(message.payload)
        if state.get("online") is True and int(state.get("timestamp", 0)) >= since_ms:
            seen.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2)
    client.on_message = on_message
    client.on_connect = lambda c, *_: c.subscribe(f"spBv1.0/STATE/{host_id}", qos=1)
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        return seen.wait(timeout)
    finally:
        client.disconnect()
        client.loop_stop()


def descendants(pid: int) -> list[int]:
    """``pid`` and its live descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def tree_cpu(pids: list[int]) -> float:
    """User plus system CPU seconds of ``pids`` and their live descendants."""
    total = 0.0
    for pid in pids:
        for member in descendants(pid):
            try:
                total += cpu_seconds(member)
            except OSError:
                continue
    return total


def not_data(store: TelemetryStore) -> int:
    """Points the host itself recorded (``$host`` series: rebirths, seq gaps, outages)."""
    return sum(len(store.query_raw(s, *EVER)) for s in store.last_seen() if "$host" in s)


def start_gateways(count: int, broker_port: int, store_url: str) -> list[subprocess.Popen[bytes]]:
    """``count`` gateway processes in one share group, each online before this returns."""
    gateways = []
    for index in range(count):
        name = f"bench-gw-{index}"
        command = [
            sys.executable, "-m", "reind.factory.ingest",
            "--broker", f"mqtt://127.0.0.1:{broker_port}", "--store", store_url,
            "--client-id", name, "--share-group", "fleet",
        ]  # fmt: skip
        since = time.time_ns() // 1_000_000
        gateways.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
        if not wait_online(broker_port, name, since):
            raise SystemExit(f"gateway {name} did not come online within 60 s")
    return gateways


def one_round(count: int, args: argparse.Namespace, postgres: PrivatePostgres) -> dict[str, float]:
    """Run ``count`` gateways against fresh publishers; the figures of the run."""
    store_url = postgres.create_database(f"telemetry_{count}")
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        broker = start_broker(port, Path(tmp))
        gateways = start_gateways(count, port, store_url)
        watched = [g.pid for g in gateways]
        server = postgres.postmaster_pid()
        names = [f"bench-gw-{i}" for i in range(count)]
        owners = [owner_of((GROUP, f"n{i}"), names) for i in range(args.nodes)]
        cpu = tree_cpu(watched), tree_cpu([server])
        store = open_store(store_url)
        started = time.perf_counter()
        try:
            sent = run_publishers(port, args.nodes, args.seconds, args.rate, args.metrics)
            births = args.nodes * (args.metrics + 2)  # the metrics, bdSeq and Rebirth
            deadline = time.monotonic() + 600
            stored = store.count_points()
            while stored < sent + births and time.monotonic() < deadline:
                time.sleep(0.2)
                stored = store.count_points()
            elapsed = time.perf_counter() - started
            used = tree_cpu(watched) - cpu[0], tree_cpu([server]) - cpu[1]
            extra = not_data(store)
        finally:
            store.close()
            for gateway in gateways:
                gateway.terminate()
            for gateway in gateways:
                gateway.wait(60)
            broker.kill()
            broker.wait()
    kept = stored - births - extra
    return {
        "rate": kept / elapsed,
        "gateway_us": used[0] / max(kept, 1) * 1e6,
        "postgres_us": used[1] / max(kept, 1) * 1e6,
        "sent": sent,
        "loss": sent - kept,
        "owners": len(set(owners)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateways", default="1,2,3", help="comma-separated group sizes")
    parser.add_argument("--nodes", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--metrics", type=int, default=METRICS, help="metrics per DDATA")
    parser.add_argument(
        "--rate", type=float, default=20_000.0, help="points/s offered in all; 0 = flat out"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.gateways.split(",")]
    load_before = os.getloadavg()[0]
    results: dict[int, dict[str, float]] = {}
    settings = {"max_connections": "100", "shared_buffers": "128MB", "fsync": "on"}
    with private_postgres(settings) as postgres:
        for size in sizes:
            results[size] = one_round(size, args, postgres)
    print(
        f"edge nodes: {args.nodes} offering {args.rate or 'flat out':,} points/s for"
        f" {args.seconds:g} s,"
        f" {args.metrics} metrics per message; store: PostgreSQL; cores: {os.cpu_count()};"
        f" load average (1 min) before {load_before:.1f}, after {os.getloadavg()[0]:.1f}"
    )
    base = results[sizes[0]]
    for size, figures in results.items():
        total = figures["gateway_us"] + figures["postgres_us"]
        print(
            f"{size} gateway(s) ({figures['owners']:.0f} owning nodes):"
            f" {figures['rate']:,.0f} points/s stored"
            f" ({figures['rate'] / base['rate']:.2f}x {sizes[0]}),"
            f" CPU µs/point: gateways {figures['gateway_us']:.2f}"
            f" ({figures['gateway_us'] / base['gateway_us']:.2f}x),"
            f" PostgreSQL {figures['postgres_us']:.2f}, all {total:.2f};"
            f" loss {figures['loss']:.0f} of {figures['sent']:,.0f} (target 0)"
        )


if __name__ == "__main__":
    main()
