"""The ingest benchmarks' peers: a private Mosquitto, the edge-node publishers, a bare subscriber.

Kept apart from ``bench/ingest.py`` (which runs the gateway and prints the
figures) so the other benches (``gateways.py``, ``gateway_kill.py``) share the
same broker and publishers.

Publishers are separate processes sending pre-encoded payloads (only the
payload's timestamp and seq are spliced in per message), so they take little
of the two cores the gateway and the broker need. Timestamps are the node's
clock (``time.time_ns()`` in milliseconds when the message is sent): several
messages of one node may share a millisecond, as on a real edge node, and each
of its samples must still be stored. ``unique`` is the earlier behaviour (each
series' timestamps forced unique, running ahead of the clock flat out), kept to
compare. Every publisher reports how many samples it sent, so the bench counts
each one: loss is sent - stored.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from reind.factory.ingest.simulator import SimulatedEdgeNode
from reind.factory.sparkplug import DataType, decode_points
from reind.factory.sparkplug import sparkplug_b_pb2 as pb

METRICS = 100


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
