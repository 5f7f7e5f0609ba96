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
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.ingest.store import open_store
from reind.factory.monitoring.engine import AlarmEngine
from reind.factory.monitoring.events import AlarmEvent, AlarmState
from reind.factory.monitoring.rules import LimitRule, RuleScope

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_peers import (  # noqa: E402 - bench/ is not a package
    METRICS,
    bare_limit,
    cpu_seconds,
    free_port,
    run_publishers,
    start_broker,
)

TARGET_RATE = 200_000.0
TARGET_RATIO = 0.7
TARGET_P99_MS = 50.0


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
) -> tuple[float, int, int, list[tuple[int, int]], tuple[float, float]]:
    latencies: list[tuple[int, int]] = []  # (source to alarm, of which inside the gateway)
    resolving = [0]  # when the message being resolved arrived (the alarm comes in its call)

    def on_alarm(event: AlarmEvent) -> None:
        if event.state is AlarmState.UNACKNOWLEDGED and event.source_ms is not None:
            latencies.append((event.at_ms - event.source_ms, event.at_ms - resolving[0]))

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
    resolve = gateway.receive.resolve

    def timed_resolve(topic: str, payload: bytes, received: int, ack: Any) -> None:
        resolving[0] = received
        resolve(topic, payload, received, ack)

    gateway.receive.resolve = timed_resolve  # type: ignore[method-assign]
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
            rounds: list[
                tuple[float, float, float, int, int, list[tuple[int, int]], tuple[float, float]]
            ] = []
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
                fixed = gateway_run(port, *fixed_shape, args.writer, workdir, args.writer_niceness)
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
        print(
            f"at a fixed {args.alarm_rate:,.0f} points/s the gateway stored {fixed[0]:,.0f}"
            f" points/s ({fixed[0] / args.alarm_rate:.2f} of the offered rate;"
            f" load {os.getloadavg()[0]:.1f})"
        )
        print_latency(f"alarm latency at a fixed {args.alarm_rate:,.0f} points/s", fixed[3])


def print_latency(label: str, pairs: list[tuple[int, int]]) -> None:
    """Source timestamp to alarm event: p50, p99 (against the target), p90, max; and the
    part spent inside the gateway (from the message's arrival to its alarm)."""
    if len(pairs) < 2:
        return
    latencies = [total for total, _ in pairs]
    q = statistics.quantiles(latencies, n=100)
    inside = statistics.quantiles([part for _, part in pairs], n=100)
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
        f"  p90 {q[89]:.0f} ms, max {max(latencies)} ms, {within:.1%} under {TARGET_P99_MS:.0f} ms;"
        f" inside the gateway p50 {inside[49]:.0f} ms, p99 {inside[98]:.0f} ms (the rest is"
        " the publisher, the broker and the socket before the gateway reads the message)"
    )


if __name__ == "__main__":
    main()
