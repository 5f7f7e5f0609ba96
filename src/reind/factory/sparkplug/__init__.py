"""Sparkplug B 3.0: payload codec, topic namespace, host application, edge node.

``codec`` and ``topic`` are pure (bytes and strings in, frozen dataclasses
out); ``host`` separates a pure state machine (``HostState``) from its
paho-mqtt client (``HostApplication``); ``edge`` is an edge-node library for
twins and integrators; ``fast_decode`` reads numbers for the ingest hot paths
with the datatype rules of ``datatypes``. May import: ``reind.core`` only.
"""

from reind.factory.sparkplug.codec import (
    Metric,
    MetricMetaData,
    Payload,
    Point,
    decode_payload,
    decode_points,
    encode_payload,
)
from reind.factory.sparkplug.datatypes import DataType
from reind.factory.sparkplug.edge import EdgeNode
from reind.factory.sparkplug.errors import (
    SparkplugDecodeError,
    SparkplugError,
    SparkplugUnsupportedError,
)
from reind.factory.sparkplug.host import HostApplication
from reind.factory.sparkplug.host_results import (
    HostResult,
    RebirthRequest,
    RejectedMessage,
    ResolvedPoint,
    SeqGap,
    StatusChange,
)
from reind.factory.sparkplug.host_state import HostState
from reind.factory.sparkplug.properties import PropertyValue
from reind.factory.sparkplug.topic import NAMESPACE, MessageType, Topic, parse_topic

__all__ = [
    "NAMESPACE",
    "DataType",
    "EdgeNode",
    "HostApplication",
    "HostResult",
    "HostState",
    "MessageType",
    "Metric",
    "MetricMetaData",
    "Payload",
    "Point",
    "PropertyValue",
    "RebirthRequest",
    "RejectedMessage",
    "ResolvedPoint",
    "SeqGap",
    "SparkplugDecodeError",
    "SparkplugError",
    "SparkplugUnsupportedError",
    "StatusChange",
    "Topic",
    "decode_payload",
    "decode_points",
    "encode_payload",
    "parse_topic",
]
