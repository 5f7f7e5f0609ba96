"""Encode Sparkplug payloads with Eclipse Tahu's Python encoder, as mqtt-spb-wrapper ships it.

Run as ``python -m tests.factory.sparkplug.tahu_peer`` by :mod:`.test_tahu_peer`, in a process
of its own (ADR 0146): its generated ``sparkplug_b_pb2`` registers ``sparkplug_b.proto`` in
protobuf's default pool, as reind's does, and the pool takes only one. Nothing of reind is
imported here.

Reads one JSON object on stdin::

    {"birth_ms": int, "data_ms": int,
     "metrics": [[name, alias, datatype name, birth value, data value], ...]}

and prints one JSON object of hex payloads:

- ``nbirth``: ``getNodeBirthPayload`` and ``addMetric`` (names and aliases, plus the
  ``Node Control/Rebirth`` metric Sparkplug 3.0 requires);
- ``ndata``: ``getDdataPayload`` and ``addMetric`` (aliases only). Tahu's Python helper adds
  ``2**8`` / ``2**16`` / ``2**32`` / ``2**64`` to a negative Int8 / Int16 / Int32 / Int64, so
  Int8 -1 travels as 0xFF and Int32 -1 as 0xFFFFFFFF;
- ``ndata_java``: the same values set on the same generated ``Payload`` class the way Tahu's
  Java encoder does (``SparkplugBPayloadEncoder``: a Byte, Short or Integer value is passed to
  ``setIntValue(int)``, which widens it with its sign, and a Long or BigInteger to
  ``setLongValue(long)``). Protobuf writes a Java int into the uint32 field as its 32-bit
  pattern, so Int8 -1 travels as 0xFFFFFFFF; Python's protobuf takes that pattern as
  ``value & 0xFFFFFFFF``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from mqtt_spb_wrapper.spb_protobuf import sparkplug_b as tahu

_INT_FIELD = {"Int8", "Int16", "Int32", "UInt8", "UInt16", "UInt32"}
_LONG_FIELD = {"Int64", "UInt64", "DateTime"}


def _java_style(payload: Any, alias: int, kind: str, value: Any, timestamp: int) -> None:
    metric = payload.metrics.add()
    metric.alias = alias
    metric.timestamp = timestamp
    metric.datatype = getattr(tahu.MetricDataType, kind)
    if kind in _INT_FIELD:
        metric.int_value = int(value) & 0xFFFF_FFFF  # setIntValue(int): the int's 32 bits
    elif kind in _LONG_FIELD:
        metric.long_value = int(value) & 0xFFFF_FFFF_FFFF_FFFF  # setLongValue(long)
    elif kind == "Double":
        metric.double_value = value
    elif kind == "Float":
        metric.float_value = value
    elif kind == "Boolean":
        metric.boolean_value = value
    else:
        metric.string_value = value


def main() -> None:
    spec = json.loads(sys.stdin.readline())
    birth = tahu.getNodeBirthPayload()
    birth.timestamp = spec["birth_ms"]
    tahu.addMetric(birth, "Node Control/Rebirth", None, tahu.MetricDataType.Boolean, False)
    data = tahu.getDdataPayload()
    data.timestamp = spec["data_ms"]
    java = type(data)()
    java.timestamp, java.seq = data.timestamp, data.seq
    for name, alias, kind, birth_value, value in spec["metrics"]:
        datatype = getattr(tahu.MetricDataType, kind)
        tahu.addMetric(birth, name, alias, datatype, birth_value, spec["birth_ms"])
        tahu.addMetric(data, None, alias, datatype, value, spec["data_ms"])
        _java_style(java, alias, kind, value, spec["data_ms"])
    answer = {
        "nbirth": birth.SerializeToString().hex(),
        "ndata": data.SerializeToString().hex(),
        "ndata_java": java.SerializeToString().hex(),
    }
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
