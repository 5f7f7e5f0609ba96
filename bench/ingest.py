"""Ingest benchmark: simulated edge nodes -> own Mosquitto -> gateway -> DuckDB.

Prints stored points/s, loss (must be 0), alarm latency p50/p99 (source
timestamp to alarm event) and, in the same run, the bare limit: a subscriber
that only decodes payloads into memory, with the ratio gateway/bare, and
every figure's ratio to the issue's target (200,000 points/s stored, 0.7 of
the bare limit, alarm p99 under 50 ms at 100,000 points/s).

``--metrics`` is the number of metrics per DDATA message. Real Sparkplug
edge nodes report a whole device (PLC tag groups of 50-200 values) per
message, so the default is 100; ``--metrics 20`` shows the cost of small
messages, where MQTT per-message overhead dominates.

Publishers are separate processes sending pre-encoded payloads (only the
timestamp and seq are spliced in per message), so they take little of the
two cores the gateway and the broker need. Flat out, they run at nice 19:
otherwise they outpace any subscriber on the same two cores and fill the
broker with minutes of backlog. The gateway keeps its store in a
writer process (``--writer process``, the service's default; ``thread`` is the
in-process writer the demo uses). The load average and the CPU seconds per
point of the gateway (receive process plus writer process) and of the bare
subscriber are printed, because other work on the machine skews the wall-clock
figures.

Timestamps are the node's clock (``--timestamps node``, the default): several
messages of one node may share a millisecond, as on a real edge node, so
samples the store cannot tell apart show up as loss. ``--timestamps unique``
is the earlier behaviour (each series' timestamps forced unique, running
ahead of the clock flat out), kept to compare. The run waits until the gateway
has received every point sent, then counts what the store kept: loss is
sent - stored, with its ratio, and the stored rate is printed beside the
offered one.

The bare and the gateway runs take turns on the same two cores, so other work on
the machine changes both; ``--rounds 3`` runs three pairs, alternating which side
goes first, and prints each pair's ratio and the median one. Flat out, one more gateway
run at ``--alarm-rate`` (100,000 points/s, the target's rate) gives the alarm latency at a
fixed rate: flat out, the broker's queue is in every latency.

    python bench/ingest.py --seconds 60 --nodes 4 [--metrics 100] [--rate 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.ingest.simulator import SimulatedEdgeNode
from reind.factory.ingest.store import open_store
from reind.factory.monitoring.engine import AlarmEngine
from reind.factory.monitoring.events import AlarmEvent, AlarmState
from reind.factory.monitoring.rules import LimitRule, RuleScope
from reind.factory.sparkplug import DataType, decode_points
from reind.factory.sparkplug import sparkplug_b_pb2 as pb

METRICS = 100
TARGET_RATE = 200_000.0
TARGET_RATIO = 0.7
TARGET_P99_MS = 50.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_broker(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    config = workdir / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "max_queued_messages 10000000\nmax_inflight_messages 0\nset_tcp_nodelay true\n",
        encoding="utf-8",
    )
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    process = subprocess.Popen(
        [binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    raise RuntimeError("mosquitto did not start")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _varint(number: int) -> bytes:
    out = bytearray()
    while number > 0x7F:
        out.append(number & 0x7F | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def metrics_blob(node: SimulatedEdgeNode, values: list[float]) -> bytes:
    """The encoded ``metrics`` field of a DDATA payload (aliases, Double, no timestamps)."""
    message = pb.Payload()
    for offset, value in enumerate(values):
        metric = message.metrics.add()
        metric.alias = node.alias(0, offset)
        metric.datatype = DataType.Double
        metric.double_value = value
    return message.SerializeToString()


def publisher(
    port: int,
    index: int,
    seconds: float,
    rate: float,
    metrics: int,
    result: Any,
    unique: bool = False,
) -> None:
    """One edge node process: births, then DDATA as fast as allowed for ``seconds``.

    Payloads are pre-encoded: protobuf fields may come in any order, so a
    message is the timestamp field, a fixed metrics blob and the seq field.
    Metrics carry no timestamp of their own, so the payload's is theirs.
    paho runs without its network thread: ``publish`` writes to the socket
    at once (no hand-off between threads, which under load delays messages
    after their timestamp was taken), and ``loop`` reads the PUBACKs while
    the node waits for its next slot.
    """
    if not rate:  # flat out: take only the CPU the broker and the subscriber leave
        os.nice(19)
    node = SimulatedEdgeNode("bench", f"n{index}", devices=1, metrics=metrics)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-edge-{index}")
    client.max_inflight_messages_set(0)
    client.connect("127.0.0.1", port)
    sock = client.socket()
    if isinstance(sock, socket.socket):  # no Nagle: each DDATA leaves at once
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    now = time.time_ns() // 1_000_000
    for topic, payload in node.births(now):
        client.publish(topic, payload, qos=1)
    topic = node.topic("DDATA", node.devices[0])
    normal = metrics_blob(node, [1.0] * metrics)
    hot = metrics_blob(node, [200.0] + [1.0] * (metrics - 1))  # m0 crosses its limit
    seqs = [b"\x18" + _varint(seq) for seq in range(256)]
    seq = node.seq
    sent, start, last_ms = 0, time.monotonic(), 0
    info: mqtt.MQTTMessageInfo | None = None
    while (elapsed := time.monotonic() - start) < seconds:
        if rate and sent * metrics > rate * elapsed:
            client.loop(0.001)
            continue
        ts = time.time_ns() // 1_000_000  # the node's clock
        if unique:  # the earlier bench: unique per series, ahead of the clock flat out
            ts = max(ts, last_ms + 1)
        last_ms = ts
        body = hot if sent % 50 == 0 else normal
        info = client.publish(topic, b"\x08" + _varint(ts) + body + seqs[seq], qos=1)
        seq = (seq + 1) % 256
        sent += 1
        if sent % 16 == 0:
            client.loop(0)
    if info is not None:
        deadline = time.monotonic() + 120  # everything handed to the broker before we go
        while not info.is_published() and time.monotonic() < deadline:
            client.loop(0.01)
    client.disconnect()
    result.put(sent * metrics)


def run_publishers(
    port: int, nodes: int, seconds: float, rate: float, metrics: int, unique: bool = False
) -> int:
    queue: Any = mp.Queue()
    per_node = rate / nodes if rate else 0.0
    procs = [
        mp.Process(target=publisher, args=(port, i, seconds, per_node, metrics, queue, unique))
        for i in range(nodes)
    ]
    for proc in procs:
        proc.start()
    total = int(sum(queue.get() for _ in procs))
    for proc in procs:
        proc.join()
    return total


def bare_limit(
    port: int, nodes: int, seconds: float, rate: float, metrics: int, unique: bool
) -> tuple[float, float]:
    """Points/s a subscriber reaches that only decodes into memory, and its CPU s/point."""
    decoded: list[Any] = []
    done = threading.Event()
    times: list[float] = []

    def on_message(_c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        if message.topic.startswith("spBv1.0/STATE/"):  # a gateway's retained JSON STATE
            return
        if not times:
            times.append(time.perf_counter())
        decoded.extend(decode_points(bytes(message.payload)))
        times[1:] = [time.perf_counter()]

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-bare")
    client.on_message = on_message

    def on_connect(c: mqtt.Client, *_: Any) -> None:
        c.subscribe("spBv1.0/#", qos=1)
        done.set()

    client.on_connect = on_connect
    client.connect("127.0.0.1", port)
    client.loop_start()
    done.wait(10)
    cpu = time.process_time()
    published = run_publishers(port, nodes, seconds, rate, metrics, unique)
    deadline = time.monotonic() + 120
    while len(decoded) < published and time.monotonic() < deadline:
        time.sleep(0.1)
    cpu = time.process_time() - cpu
    client.loop_stop()
    client.disconnect()
    rate_bare = len(decoded) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    return rate_bare, cpu / max(len(decoded), 1)


def gateway_run(
    port: int,
    nodes: int,
    seconds: float,
    rate: float,
    metrics: int,
    unique: bool,
    writer: str,
    workdir: Path,
    writer_niceness: int = GatewayConfig.writer_niceness,
) -> tuple[float, int, int, list[int], tuple[float, float]]:
    latencies: list[int] = []

    def on_alarm(event: AlarmEvent) -> None:
        if event.state is AlarmState.UNACKNOWLEDGED and event.source_ms is not None:
            latencies.append(event.at_ms - event.source_ms)

    engine = AlarmEngine([LimitRule("hot", high=100.0, scope=RuleScope(metric="m0"))])
    engine.stream.add_listener(on_alarm)
    url = f"duckdb:{workdir / 'telemetry.duckdb'}"
    inline = open_store(url) if writer == "thread" else None
    gateway = Gateway(
        GatewayConfig(broker_url=f"mqtt://127.0.0.1:{port}", client_id="bench-gw",
                      store_url=url, alarm_engine=engine, batch_points=100_000,
                      batch_seconds=0.1, writer_niceness=writer_niceness),
        inline,
    )  # fmt: skip
    gateway.start()
    gateway.wait_connected()
    writer_pid = gateway.writer_pid
    cpu = time.process_time(), cpu_seconds(writer_pid) if writer_pid else 0.0
    started = time.perf_counter()
    published = run_publishers(port, nodes, seconds, rate, metrics, unique)
    # BIRTH values: the metrics, bdSeq and Rebirth
    births = nodes * (metrics + 2)
    deadline = time.monotonic() + 300

    def received() -> int:  # points handed to the store, new or not
        return int(gateway.metrics.points_received._value.get())

    while time.monotonic() < deadline and received() < published + births:
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    used = time.process_time() - cpu[0], 0.0
    if writer_pid:
        used = used[0], cpu_seconds(writer_pid) - cpu[1]
    gateway.stop()
    if inline is not None:
        inline.close()
    store = open_store(url)
    far = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    host_series = [s for s in store.last_seen() if "$host" in s]
    host_points = sum(len(store.query_raw(s, *far)) for s in host_series)
    if host_points:  # what the host recorded (rebirths, seq gaps, broker outages)
        print(f"host events recorded: {host_points} points in {host_series}")
    stored = store.count_points() - births - host_points
    store.close()
    per_point = used[0] / max(stored, 1), used[1] / max(stored, 1)
    return stored / elapsed, published, published - stored, latencies, per_point


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--nodes", type=int, default=4)
    parser.add_argument("--rate", type=float, default=0.0, help="points/s in all; 0 = flat out")
    parser.add_argument("--metrics", type=int, default=METRICS, help="metrics per DDATA message")
    parser.add_argument("--writer", choices=("process", "thread"), default="process")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="pairs of bare and gateway runs, alternating which goes first; the median"
        " round's ratio is printed (the load other work puts on the machine changes"
        " between two runs)",
    )
    parser.add_argument(
        "--writer-niceness",
        type=int,
        default=GatewayConfig.writer_niceness,
        help="niceness of the writer process (the service's default favours decoding and"
        " alarms; on a machine busy with other work a nice writer is starved first)",
    )
    parser.add_argument(
        "--timestamps",
        choices=("node", "unique"),
        default="node",
        help="node: the edge node's clock (samples may share a millisecond);"
        " unique: forced unique per series (the earlier bench)",
    )
    parser.add_argument(
        "--alarm-rate",
        type=float,
        default=100_000.0,
        help="flat out, also one gateway run at this fixed rate for the alarm latency"
        " (the target is set at 100,000 points/s); 0 to skip",
    )
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        broker = start_broker(port, Path(tmp))
        try:
            unique = args.timestamps == "unique"
            shape = (args.nodes, args.seconds, args.rate, args.metrics, unique)
            rounds: list[tuple[float, float, float, int, int, list[int], tuple[float, float]]] = []
            for k in range(args.rounds):
                workdir = Path(tmp) / f"round{k}"
                workdir.mkdir()
                gateway_first = k % 2 == 1  # alternate, so a change of load hits both sides
                if gateway_first:
                    run = gateway_run(port, *shape, args.writer, workdir, args.writer_niceness)
                bare_round = bare_limit(port, *shape)
                if not gateway_first:
                    run = gateway_run(port, *shape, args.writer, workdir, args.writer_niceness)
                rounds.append((*bare_round, *run))
                if args.rounds > 1:
                    print(
                        f"round {k + 1}: bare {bare_round[0]:,.0f}, gateway stored"
                        f" {run[0]:,.0f} points/s, ratio {run[0] / bare_round[0]:.2f}"
                        f" (load {os.getloadavg()[0]:.1f})"
                    )
            fixed = None  # the alarm target is at a fixed rate: flat out, queues hide it
            if not args.rate and args.alarm_rate:
                workdir = Path(tmp) / "fixed"
                workdir.mkdir()
                fixed_shape = (args.nodes, args.seconds, args.alarm_rate, args.metrics, unique)
                fixed = gateway_run(port, *fixed_shape, args.writer, workdir, args.writer_niceness)[
                    3
                ]
        finally:
            broker.kill()
            broker.wait()
    load_after = os.getloadavg()
    # the median round's figures (one round: that round's)
    rounds.sort(key=lambda r: r[2] / r[0])
    bare, bare_cpu, rate, _, _, _, (receive_cpu, writer_cpu) = rounds[len(rounds) // 2]
    sent = sum(r[3] for r in rounds)
    loss = sum(r[4] for r in rounds)
    latencies = [latency for r in rounds for latency in r[5]]
    print(
        f"edge nodes: {args.nodes}, metrics per message: {args.metrics},"
        f" seconds: {args.seconds}, offered rate: {args.rate or 'flat out'},"
        f" writer: {args.writer} (nice {args.writer_niceness}), timestamps: {args.timestamps},"
        f" cores: {os.cpu_count()}"
    )
    print(f"load average (1 min) before {load_before[0]:.1f}, after {load_after[0]:.1f}")
    print(f"bare limit (decode only): {bare:,.0f} points/s, {bare_cpu * 1e6:.2f} CPU µs/point")
    print(
        f"gateway stored:           {rate:,.0f} points/s"
        f" ({rate / TARGET_RATE:.2f} of the {TARGET_RATE:,.0f} target,"
        f" {rate / bare:.2f} of the bare limit; target {TARGET_RATIO})"
    )
    cpu = receive_cpu + writer_cpu
    print(
        f"gateway CPU:              {cpu * 1e6:.2f} µs/point ({receive_cpu * 1e6:.2f} receive"
        f" + {writer_cpu * 1e6:.2f} writer process; {cpu / bare_cpu:.2f}x the bare"
        " subscriber's)"
    )
    if args.rate:
        print(
            f"offered:                  {args.rate:,.0f} points/s; stored {rate:,.0f}"
            f" ({rate / args.rate:.2f} of the offered rate)"
        )
    print(f"loss: {loss} of {sent} points sent ({loss / max(sent, 1):.2%}; target 0)")
    print_latency("alarm latency" + (" (flat out)" if not args.rate else ""), latencies)
    if fixed is not None:
        print_latency(f"alarm latency at a fixed {args.alarm_rate:,.0f} points/s", fixed)


def print_latency(label: str, latencies: list[int]) -> None:
    """Source timestamp to alarm event: p50, p99 (against the target), p90, max."""
    if not latencies:
        return
    q = statistics.quantiles(latencies, n=100)
    print(
        f"{label}: p50 {q[49]:.0f} ms, p99 {q[98]:.0f} ms ({q[98] / TARGET_P99_MS:.2f} of the"
        f" {TARGET_P99_MS:.0f} ms target; {len(latencies)} alarms)"
    )
    if q[49] < 0:
        print(
            "  (negative: with --timestamps unique a node sending over 1,000 messages/s"
            " runs its timestamps ahead of the clock)"
        )
    within = sum(1 for latency in latencies if latency < TARGET_P99_MS) / len(latencies)
    print(
        f"  p90 {q[89]:.0f} ms, max {max(latencies)} ms, {within:.1%} under {TARGET_P99_MS:.0f} ms"
    )


if __name__ == "__main__":
    main()
