"""Turns one Sparkplug MQTT message into stored points, or a dead-letter reason.

A minimal host-side adapter over ``reind.factory.sparkplug``'s topic parser
and fast ``decode_points``: it keeps, per edge node, the alias table bound
in NBIRTH/DBIRTH, the datatype of each alias (DATA may omit it) and whether
the node is online. Sequence numbers are not checked here: the full host
state machine (reorder timeout, at most one pending Rebirth) belongs to
``reind.factory.sparkplug.host``. It never raises for bad input: an
unknown topic, a malformed payload, DATA before BIRTH or an unknown alias
become a dead-letter reason, and the latter two also ask for a Rebirth.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from reind.factory.ingest.points import TelemetryPoint
from reind.factory.sparkplug import (
    DataType,
    MessageType,
    SparkplugError,
    Topic,
    decode_points,
    parse_topic,
)

logger = logging.getLogger(__name__)

_BIRTHS = (MessageType.NBIRTH, MessageType.DBIRTH)
_DATA = (MessageType.NDATA, MessageType.DDATA)
_IGNORED = (MessageType.NCMD, MessageType.DCMD, MessageType.STATE)


@dataclass(frozen=True, slots=True)
class Resolved:
    """What one message yields: points, or why it was refused."""

    points: list[TelemetryPoint]
    dead_letter: str | None = None
    rebirth: tuple[str, str] | None = None
    """``(group, edge node)`` that should be sent an NCMD ``Node Control/Rebirth``."""
    birth: bool = False
    """An accepted NBIRTH or DBIRTH: worth keeping to restore aliases after a restart."""


@dataclass(slots=True)
class _EdgeNode:
    online: bool = False
    aliases: dict[int, tuple[str, DataType]] = field(default_factory=dict)
    datatypes: dict[int, DataType] = field(default_factory=dict)


class SparkplugResolver:
    """Per-edge-node state needed to resolve aliases into series names."""

    def __init__(self) -> None:
        self._nodes: dict[tuple[str, str], _EdgeNode] = {}
        self._topics: dict[str, Topic | str] = {}

    @property
    def connected_nodes(self) -> int:
        """How many edge nodes are online (born and not dead)."""
        return sum(1 for node in self._nodes.values() if node.online)

    def _topic(self, text: str) -> Topic | str:
        cached = self._topics.get(text)
        if cached is None:
            try:
                cached = parse_topic(text)
            except SparkplugError as error:
                cached = f"unknown topic: {error}"
            if len(self._topics) < 100_000:
                self._topics[text] = cached
        return cached

    def resolve(self, topic_text: str, payload: bytes, received_ms: int) -> Resolved:
        """Resolve one message; never raises for malformed input."""
        topic = self._topic(topic_text)
        if isinstance(topic, str):
            return Resolved([], topic)
        kind = topic.message_type
        if kind in _IGNORED:
            return Resolved([])
        node = self._nodes.setdefault(topic.node_key, _EdgeNode())
        if kind is MessageType.NDEATH:
            node.online = False
            return Resolved([])
        if kind is MessageType.DDEATH:
            return Resolved([])
        if kind in _DATA and not node.online:
            return Resolved([], f"{kind} before NBIRTH", topic.node_key)
        try:
            raw = decode_points(payload, node.datatypes if kind in _DATA else None)
        except SparkplugError as error:
            return Resolved([], f"malformed payload: {error}")
        if kind is MessageType.NBIRTH:
            node.online, node.aliases, node.datatypes = True, {}, {}
        prefix = topic.series_prefix
        return self._points(node, topic, prefix, raw, payload, received_ms, kind in _BIRTHS)

    def _points(
        self,
        node: _EdgeNode,
        topic: Topic,
        prefix: str,
        raw: list[tuple[str | None, int | None, int | None, object, bool]],
        payload: bytes,
        received_ms: int,
        birth: bool,
    ) -> Resolved:
        points: list[TelemetryPoint] = []
        append = points.append
        aliases = node.aliases
        for name, alias, timestamp, value, _historical in raw:
            if birth and alias is not None and name is not None:
                aliases[alias] = (name, DataType.Unknown)
            if name is None:
                if alias is None or alias not in aliases:
                    return Resolved([], f"unknown alias {alias} on {topic.text}", topic.node_key)
                name = aliases[alias][0]
            ts = timestamp if timestamp is not None else received_ms
            if value.__class__ is float or value.__class__ is int:
                append(TelemetryPoint(f"{prefix}/{name}", ts, value))
            elif isinstance(value, bool | int | float):
                append(TelemetryPoint(f"{prefix}/{name}", ts, float(value)))
            elif isinstance(value, str):
                append(TelemetryPoint(f"{prefix}/{name}", ts, None, value))
        if birth:
            self._learn_datatypes(node, payload)
        return Resolved(points, birth=birth)

    @staticmethod
    def _learn_datatypes(node: _EdgeNode, payload: bytes) -> None:
        from reind.factory.sparkplug import decode_payload

        try:
            for metric in decode_payload(payload).metrics:
                if metric.alias is not None:
                    node.datatypes[metric.alias] = metric.datatype
        except SparkplugError:
            logger.info("BIRTH payload decodes only partly; DATA datatypes come from the wire")
