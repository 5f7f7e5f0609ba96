"""Simulated Sparkplug B edge nodes: load for tests, benchmarks and demos.

Payloads are real Sparkplug B protobuf, built with the generated classes of
``reind.factory.sparkplug`` (births through its ``encode_payload``). DATA
carries aliases only, as production edge nodes do. Publishing uses QoS 1
(Sparkplug prescribes QoS 0 for DATA; reind's edge nodes use 1 so a broker
or gateway crash loses nothing, see docs/decisions/0022).
"""

from __future__ import annotations

from reind.factory.sparkplug import DataType, Metric, Payload, encode_payload
from reind.factory.sparkplug import sparkplug_b_pb2 as pb

NAMESPACE = "spBv1.0"


class SimulatedEdgeNode:
    """An edge node with ``devices`` devices of ``metrics`` Double metrics each."""

    def __init__(self, group: str, node: str, devices: int = 1, metrics: int = 20) -> None:
        self.group = group
        self.node = node
        self.devices = [f"d{i}" for i in range(devices)]
        self.metric_names = [f"m{i}" for i in range(metrics)]
        self.seq = 0
        self.bdseq = 0

    def _next_seq(self) -> int:
        seq = self.seq
        self.seq = (seq + 1) % 256
        return seq

    def topic(self, kind: str, device: str | None = None) -> str:
        """The MQTT topic of a message of ``kind`` for the node or a device."""
        base = f"{NAMESPACE}/{self.group}/{kind}/{self.node}"
        return base if device is None else f"{base}/{device}"

    def alias(self, device_index: int, metric_index: int) -> int:
        """Alias of one device metric (unique per edge node)."""
        return 1 + device_index * len(self.metric_names) + metric_index

    def series(self, device: str, metric: str) -> str:
        """The series name the gateway stores a metric under."""
        return f"{self.group}/{self.node}/{device}/{metric}"

    def births(self, timestamp_ms: int) -> list[tuple[str, bytes]]:
        """NBIRTH then one DBIRTH per device; starts a new seq and bdSeq."""
        self.seq = 0
        node = Payload(
            timestamp=timestamp_ms,
            seq=self._next_seq(),
            metrics=(
                Metric("bdSeq", None, DataType.Int64, self.bdseq, timestamp_ms),
                Metric("Node Control/Rebirth", None, DataType.Boolean, False, timestamp_ms),
            ),
        )
        self.bdseq += 1
        messages = [(self.topic("NBIRTH"), encode_payload(node))]
        for d, device in enumerate(self.devices):
            metrics = tuple(
                Metric(name, self.alias(d, m), DataType.Double, 0.0, timestamp_ms)
                for m, name in enumerate(self.metric_names)
            )
            payload = Payload(timestamp=timestamp_ms, seq=self._next_seq(), metrics=metrics)
            messages.append((self.topic("DBIRTH", device), encode_payload(payload)))
        return messages

    def data(
        self, device_index: int, timestamp_ms: int, values: list[float], historical: bool = False
    ) -> tuple[str, bytes]:
        """A DDATA message with one value per metric (aliases only, datatype given);
        ``historical`` marks them as store and forward sends them."""
        message = pb.Payload()
        message.timestamp = timestamp_ms
        message.seq = self._next_seq()
        base = self.alias(device_index, 0)
        for offset, value in enumerate(values):
            metric = message.metrics.add()
            metric.alias = base + offset
            metric.timestamp = timestamp_ms
            metric.datatype = DataType.Double
            metric.double_value = value
            if historical:
                metric.is_historical = True
        return self.topic("DDATA", self.devices[device_index]), message.SerializeToString()
