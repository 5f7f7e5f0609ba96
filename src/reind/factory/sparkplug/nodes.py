"""What a host remembers about one edge node and its devices between messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from reind.factory.sparkplug.codec import Metric
from reind.factory.sparkplug.datatypes import DataType
from reind.factory.sparkplug.errors import SparkplugError
from reind.factory.sparkplug.topic import Topic

BDSEQ = "bdSeq"
"""The birth/death sequence metric in NBIRTH and NDEATH."""
REBIRTH = "Node Control/Rebirth"
"""The Boolean metric a host writes true (NCMD) to ask for a new BIRTH."""


@dataclass(slots=True)
class DeviceRecord:
    """A device behind an edge node: online flag and metric datatypes by name."""

    online: bool = False
    datatypes: dict[str, DataType] = field(default_factory=dict)


@dataclass(slots=True)
class NodeRecord:
    """An edge node as the host knows it from its last NBIRTH."""

    bdseq: int | None = None
    online: bool = False
    expected_seq: int = 0
    born_at_ms: int | None = None
    datatypes: dict[str, DataType] = field(default_factory=dict)
    devices: dict[str, DeviceRecord] = field(default_factory=dict)
    aliases: dict[int, tuple[str | None, str, DataType]] = field(default_factory=dict)
    held: dict[int, tuple[Topic, pb.Payload, int, bytes]] = field(default_factory=dict)
    """Out-of-order messages by seq: (topic, parsed, received ms, raw bytes)."""
    gap_since: int | None = None
    rebirth_requested_at: int | None = None

    def register(self, device_id: str | None, metrics: tuple[Metric, ...]) -> None:
        """Record BIRTH metrics' names, datatypes and aliases (unique per node)."""
        target = self.datatypes if device_id is None else self.devices[device_id].datatypes
        for metric in metrics:
            if metric.name is None:
                raise SparkplugError("BIRTH metrics must have a name")
            if metric.datatype is DataType.Unknown:
                # tck-id-payloads-metric-datatype-req
                raise SparkplugError(f"BIRTH metric {metric.name!r} has no datatype")
            target[metric.name] = metric.datatype
            if metric.alias is not None:
                owner = self.aliases.get(metric.alias)
                if owner is not None and (owner[0], owner[1]) != (device_id, metric.name):
                    # tck-id-payloads-alias-uniqueness
                    raise SparkplugError(f"alias {metric.alias} is used twice on this edge node")
                self.aliases[metric.alias] = (device_id, metric.name, metric.datatype)

    def lookup(
        self, device_id: str | None, metric: pb.Payload.Metric
    ) -> tuple[str, DataType] | None:
        """(name, BIRTH datatype) of a DATA metric by alias or name; None if unknown."""
        if metric.HasField("alias"):
            entry = self.aliases.get(metric.alias)
            if entry is None or entry[0] != device_id:
                return None
            return entry[1], entry[2]
        if not metric.name:
            return None
        datatypes = self.datatypes if device_id is None else self.devices[device_id].datatypes
        datatype = datatypes.get(metric.name)
        return None if datatype is None else (metric.name, datatype)
