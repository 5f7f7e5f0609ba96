"""What a SIGKILLed gateway loses from QoS 0 edge nodes, with and without a primary host.

A Mosquitto on a free port; the gateway as a process of its own (``python -m
reind.factory.ingest``, the default clean session); reind edge nodes publishing DATA at
QoS 0, as Sparkplug has them, each setting a counter every ``--interval-ms``. Half of the
nodes know no primary host; the other half wait for the gateway's STATE (``--primary-host``,
the gateway's client id), so when the broker publishes its Will (STATE offline) they send
NDEATH, buffer on disk and replay, marked historical, after the gateway is back. After
``--before`` seconds the gateway is SIGKILLed, restarted ``--down`` seconds later, and the
nodes go on for ``--after`` seconds; then the gateway stops cleanly and the store is read.

Per group it prints the values set, the values stored and the loss; the loss of the plain
nodes is the window the guarantee in docs/decisions/0022 talks about, the other group's is
what is left of it with the specification's mechanism (the time between the kill and the
Will reaching the nodes).

    python bench/gateway_kill.py [--nodes 4] [--interval-ms 10] [--before 5] [--down 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from reind.factory.ingest.store import open_store
from reind.factory.sparkplug.datatypes import DataType
from reind.factory.sparkplug.edge import EdgeNode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_peers import free_port, start_broker  # noqa: E402 - the other bench's broker helpers

GATEWAY = "kill-gw"
START, END = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def start_gateway(port: int, store: Path) -> subprocess.Popen[bytes]:
    """The gateway, up and subscribed (its STATE online) before this returns."""
    command = [
        sys.executable, "-m", "reind.factory.ingest", "--broker", f"mqtt://127.0.0.1:{port}",
        "--store", f"duckdb:{store}", "--client-id", GATEWAY, "--batch-seconds", "0.25",
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_online(nodes: list[EdgeNode], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(node.online.is_set() for node in nodes):
            return True
        time.sleep(0.05)
    return False


def run(args: argparse.Namespace, workdir: Path) -> dict[str, tuple[int, int, float]]:
    """(values set, values stored, ms between a node's values) per group."""
    port = free_port()
    broker = start_broker(port, workdir)
    store = workdir / "telemetry.duckdb"
    gateway = start_gateway(port, store)
    nodes: dict[str, list[EdgeNode]] = {"plain": [], "primary": []}
    for group, primary in (("plain", None), ("primary", GATEWAY)):
        for index in range(args.nodes):
            node = EdgeNode(
                group, f"n{index}", "127.0.0.1", port,
                state_dir=workdir / group / str(index), primary_host_id=primary, keepalive=2,
            )  # fmt: skip
            node.define_metric("count", DataType.Int64, 0)
            node.start()
            nodes[group].append(node)
    everyone = nodes["plain"] + nodes["primary"]
    if not wait_online(everyone):
        raise SystemExit("the edge nodes did not come online")
    sent = dict.fromkeys(nodes, 0)
    stop = threading.Event()
    began = time.monotonic()

    def publish() -> None:
        value = 0
        while not stop.is_set():
            value += 1
            for group, members in nodes.items():
                for node in members:
                    node.set("count", value)
                sent[group] = value * len(members)
            time.sleep(args.interval_ms / 1000)

    publisher = threading.Thread(target=publish, daemon=True, name="publisher")
    publisher.start()
    try:
        time.sleep(args.before)
        os.kill(gateway.pid, signal.SIGKILL)
        gateway.wait()
        killed = time.monotonic()
        time.sleep(args.down)
        gateway = start_gateway(port, store)
        if not wait_online(everyone):
            print("warning: not every node came back online", file=sys.stderr)
        print(f"gateway down {time.monotonic() - killed:.1f} s (until every node was back)")
        time.sleep(args.after)
    finally:
        stop.set()
        publisher.join()
        elapsed = time.monotonic() - began
        time.sleep(2.0)  # replays and the last batch
        for node in everyone:
            node.stop()
        time.sleep(1.0)
        gateway.send_signal(signal.SIGTERM)
        gateway.wait(60)
        broker.kill()
        broker.wait()
    telemetry = open_store(f"duckdb:{store}")
    try:
        stored = {
            group: sum(
                len(
                    {
                        p.exact
                        for p in telemetry.query_raw(f"{group}/n{i}/count", START, END)
                        if p.exact
                    }
                )
                for i in range(args.nodes)
            )
            for group in nodes
        }
    finally:
        telemetry.close()
    every_ms = elapsed * 1000 / max(sent["plain"] // args.nodes, 1)
    return {group: (sent[group], stored[group], every_ms) for group in nodes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=4, help="edge nodes per group")
    parser.add_argument("--interval-ms", type=float, default=10.0)
    parser.add_argument("--before", type=float, default=5.0)
    parser.add_argument("--down", type=float, default=3.0)
    parser.add_argument("--after", type=float, default=5.0)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        results = run(args, Path(tmp))
    print(
        f"{args.nodes} edge nodes per group, a value every {args.interval_ms:g} ms each,"
        f" QoS 0 DATA; gateway SIGKILLed after {args.before:g} s, restarted {args.down:g} s"
        f" later; load average {load:.1f}, cores {os.cpu_count()}"
    )
    for group, (sent, stored, every_ms) in results.items():
        lost = sent - stored
        print(
            f"{group:8} sent {sent:6}  stored {stored:6}  lost {lost:6}"
            f" ({lost / max(sent, 1):.1%}; {lost / args.nodes * every_ms:,.0f} ms of each"
            f" node's data at one value every {every_ms:.1f} ms)"
        )


if __name__ == "__main__":
    main()
