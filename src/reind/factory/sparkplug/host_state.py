"""The Sparkplug host application as a pure state machine (no MQTT, no threads).

:class:`HostState` tracks every edge node and device through NBIRTH, DBIRTH,
NDEATH and DDEATH, resolves aliases to series names
(``group/node[/device]/metric``) with the BIRTH datatypes, checks ``bdSeq``
and ``seq``, holds out-of-order messages for a configurable reorder timeout
and says when a ``Node Control/Rebirth`` must be sent. Each call returns a
:class:`HostResult`; nothing here publishes, so the ingest gateway can feed
messages in from its own client and tests can drive it without a broker.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from datetime import datetime

from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from reind.factory.sparkplug.codec import (
    Payload,
    decode_payload,
    parse_payload,
)
from reind.factory.sparkplug.datatypes import datetime_to_ms, to_datatype
from reind.factory.sparkplug.errors import SparkplugError
from reind.factory.sparkplug.host_results import (
    HostResult,
    RebirthRequest,
    RejectedMessage,
    ResolvedPoint,
    SeqGap,
    StatusChange,
)
from reind.factory.sparkplug.nodes import BDSEQ, REBIRTH, DeviceRecord, NodeRecord
from reind.factory.sparkplug.topic import MessageType, Topic
from reind.factory.sparkplug.wire import metric_value

logger = logging.getLogger(__name__)

_SEQUENCED = frozenset(
    {
        MessageType.NBIRTH,
        MessageType.DBIRTH,
        MessageType.NDATA,
        MessageType.DDATA,
        MessageType.DDEATH,
    }
)


class HostState:
    """Sparkplug host bookkeeping for every edge node seen.

    ``reorder_timeout_ms``: how long an out-of-order message is held waiting
    for the missing ones before the host gives up, applies what it holds and
    asks for a Rebirth. ``rebirth_retry_ms``: how long before a Rebirth that
    got no NBIRTH may be requested again (at most one pending per node).
    """

    def __init__(
        self,
        host_id: str | None = None,
        *,
        reorder_timeout_ms: int = 2000,
        rebirth_retry_ms: int = 30_000,
        max_gaps_kept: int = 10_000,
    ) -> None:
        self.host_id = host_id
        self.reorder_timeout_ms = reorder_timeout_ms
        self.rebirth_retry_ms = rebirth_retry_ms
        self.nodes: dict[tuple[str, str], NodeRecord] = {}
        self.gaps: deque[SeqGap] = deque(maxlen=max_gaps_kept)
        self.counts: dict[str, int] = {"messages": 0, "dead_letters": 0, "rebirths": 0, "gaps": 0}

    # ------------------------------------------------------------ entry points
    def handle(self, topic: Topic, payload: bytes, received_at: datetime | int) -> HostResult:
        """Apply one Sparkplug message; never raises for bad input (see dead_letters)."""
        now = received_at if isinstance(received_at, int) else datetime_to_ms(received_at)
        self.counts["messages"] += 1
        result = HostResult()
        try:
            self._handle(topic, payload, now, result)
        except SparkplugError as error:
            result.dead_letters.append(f"{topic.text}: {error}")
        result.extend(self._expire(now, only=topic.node_key))
        self.counts["dead_letters"] += len(result.dead_letters) + len(result.rejected)
        self.counts["rebirths"] += len(result.rebirths)
        return result

    def tick(self, now: datetime | int) -> HostResult:
        """Expire reorder timers; call this periodically."""
        result = self._expire(now if isinstance(now, int) else datetime_to_ms(now), only=None)
        self.counts["rebirths"] += len(result.rebirths)
        self.counts["dead_letters"] += len(result.dead_letters) + len(result.rejected)
        return result

    def node(self, group_id: str, edge_node_id: str) -> NodeRecord:
        """The record of one edge node; SparkplugError if never seen."""
        try:
            return self.nodes[(group_id, edge_node_id)]
        except KeyError:
            raise SparkplugError(f"edge node {group_id}/{edge_node_id} never seen") from None

    # ------------------------------------------------------------ dispatch
    def _handle(self, topic: Topic, data: bytes, now: int, result: HostResult) -> None:
        kind = topic.message_type
        if kind is MessageType.STATE:
            if topic.host_id != self.host_id:
                result.ignored = "STATE of another host"
            elif not state_is_online(data):
                # tck-id-message-flow-hid-sparkplug-state-message-delivered
                result.republish_state = True
            return
        if kind in (MessageType.NCMD, MessageType.DCMD):
            result.ignored = "commands are for edge nodes"
            return
        message = parse_payload(data)
        node = self.nodes.get(topic.node_key)
        if kind is MessageType.NBIRTH:
            self._nbirth(topic, data, now, result)
            return
        if kind is MessageType.NDEATH:
            self._ndeath(topic, node, message, now, result)
            return
        if node is None or not node.online:
            node = node or self.nodes.setdefault(topic.node_key, NodeRecord())
            self._rebirth(topic, node, now, result, f"{kind} before NBIRTH")
            result.dead_letters.append(f"{topic.text}: {kind} before NBIRTH")
            return
        if not message.HasField("seq") or message.seq > 255:
            self._rebirth(topic, node, now, result, "missing or invalid seq")
            raise SparkplugError(f"{kind} needs a seq of 0-255")
        self._sequence(topic, node, message, now, result, data)

    def _sequence(
        self,
        topic: Topic,
        node: NodeRecord,
        message: pb.Payload,
        now: int,
        result: HostResult,
        data: bytes,
    ) -> None:
        seq = message.seq
        if seq != node.expected_seq:
            if seq in node.held:
                raise SparkplugError(f"duplicate seq {seq} while waiting for {node.expected_seq}")
            gap = SeqGap(*topic.node_key, node.expected_seq, seq, now)
            self.gaps.append(gap)
            self.counts["gaps"] += 1
            node.held[seq] = (topic, message, now, data)
            if node.gap_since is None:
                node.gap_since = now  # tck-id-operational-behavior-host-reordering-start
            return
        node.expected_seq = (seq + 1) % 256  # a bad message still used up its seq
        self._apply_safely(topic, node, message, now, result)
        while node.expected_seq in node.held:  # tck-id-operational-behavior-host-reordering-success
            self._apply_held(node, node.held.pop(node.expected_seq), result)
            node.expected_seq = (node.expected_seq + 1) % 256
        if not node.held:
            node.gap_since = None

    def _expire(self, now: int, only: tuple[str, str] | None) -> HostResult:
        result = HostResult()
        keys = [only] if only is not None else list(self.nodes)
        for key in keys:
            node = self.nodes.get(key)
            if node is None or node.gap_since is None:
                continue
            if now - node.gap_since < self.reorder_timeout_ms and len(node.held) < 256:
                continue
            # tck-id-operational-behavior-host-reordering-rebirth: apply what we hold, then rebirth
            for seq in sorted(node.held, key=lambda s: (s - node.expected_seq) % 256):
                self._apply_held(node, node.held[seq], result)
                node.expected_seq = (seq + 1) % 256
            node.held.clear()
            node.gap_since = None
            self._rebirth(Topic(key[0], MessageType.NDATA, key[1]), node, now, result, "seq gap")
        return result

    def _apply_safely(
        self, topic: Topic, node: NodeRecord, message: pb.Payload, now: int, result: HostResult
    ) -> None:
        try:
            self._apply(topic, node, message, now, result)
        except SparkplugError as error:
            result.dead_letters.append(f"{topic.text}: {error}")

    def _apply_held(
        self, node: NodeRecord, held: tuple[Topic, pb.Payload, int, bytes], result: HostResult
    ) -> None:
        """Apply a held message; its dead letter keeps its own topic and raw bytes."""
        topic, message, at, data = held
        own = HostResult()
        self._apply_safely(topic, node, message, at, own)
        result.points.extend(own.points)
        result.rebirths.extend(own.rebirths)
        result.status.extend(own.status)
        result.rejected.extend(RejectedMessage(topic.text, r, data) for r in own.dead_letters)

    def _apply(
        self, topic: Topic, node: NodeRecord, message: pb.Payload, now: int, result: HostResult
    ) -> None:
        kind = topic.message_type
        if kind is MessageType.DBIRTH:
            self._dbirth(topic, node, message, now, result)
        elif kind is MessageType.DDEATH:
            device = node.devices.get(topic.device_id or "")
            if device is not None and device.online:
                device.online = False
                result.status.append(StatusChange(topic.series_prefix, False, now))
        elif kind is MessageType.NBIRTH:
            raise SparkplugError("NBIRTH is never sequenced")  # pragma: no cover
        else:
            self._data(topic, node, message, now, result)

    # ------------------------------------------------------------ births and deaths
    def _nbirth(self, topic: Topic, data: bytes, now: int, result: HostResult) -> None:
        payload = decode_payload(data)
        names = {m.name: m for m in payload.metrics if m.name is not None}
        bdseq_metric = names.get(BDSEQ)
        if bdseq_metric is None or not isinstance(bdseq_metric.value, int):
            raise SparkplugError("NBIRTH has no bdSeq metric")  # tck-id-payloads-nbirth-bdseq
        if REBIRTH not in names:
            raise SparkplugError("NBIRTH has no Node Control/Rebirth metric")
        if payload.seq is None or not 0 <= payload.seq <= 255:
            raise SparkplugError("NBIRTH needs a seq of 0-255")
        node = NodeRecord(
            bdseq=bdseq_metric.value,
            online=True,
            expected_seq=(payload.seq + 1) % 256,  # any NBIRTH seq is the new base
            born_at_ms=now,
        )
        node.register(None, payload.metrics)
        self.nodes[topic.node_key] = node
        result.status.append(StatusChange(topic.series_prefix, True, now))
        result.points.extend(_birth_points(topic, payload, now, node.bdseq))

    def _ndeath(
        self,
        topic: Topic,
        node: NodeRecord | None,
        message: pb.Payload,
        now: int,
        result: HostResult,
    ) -> None:
        bdseq = next((m.long_value for m in message.metrics if m.name == BDSEQ), None)
        if node is None or not node.online:
            result.ignored = "NDEATH for an edge node that is not online"
            return
        if bdseq is not None and bdseq != node.bdseq:
            # a stale Will from an earlier MQTT session: the node is still online
            result.ignored = f"NDEATH bdSeq {bdseq} does not match NBIRTH bdSeq {node.bdseq}"
            return
        node.online = False
        node.held.clear()
        node.gap_since = None
        result.status.append(StatusChange(topic.series_prefix, False, now))
        for device_id, device in node.devices.items():
            if device.online:
                device.online = False
                result.status.append(StatusChange(f"{topic.series_prefix}/{device_id}", False, now))

    def _dbirth(
        self, topic: Topic, node: NodeRecord, message: pb.Payload, now: int, result: HostResult
    ) -> None:
        payload = decode_payload(message.SerializeToString())
        device_id = topic.device_id or ""
        node.devices[device_id] = DeviceRecord(online=True)
        node.register(device_id, payload.metrics)
        result.status.append(StatusChange(topic.series_prefix, True, now))
        result.points.extend(_birth_points(topic, payload, now, node.bdseq))

    # ------------------------------------------------------------ data
    def _data(
        self, topic: Topic, node: NodeRecord, message: pb.Payload, now: int, result: HostResult
    ) -> None:
        device_id = topic.device_id
        if device_id is not None:
            device = node.devices.get(device_id)
            if device is None or not device.online:
                self._rebirth(topic, node, now, result, "DDATA before DBIRTH")
                raise SparkplugError(f"DDATA from {device_id} before its DBIRTH")
        prefix = topic.series_prefix
        default_ts = message.timestamp or now
        points = []
        seq = message.seq if message.HasField("seq") else None
        for index, metric in enumerate(message.metrics):
            known = node.lookup(device_id, metric)
            if known is None:
                self._rebirth(topic, node, now, result, "unknown metric or alias")
                raise SparkplugError(
                    f"unknown metric {metric.name or ''!r} alias {metric.alias} (not in BIRTH)"
                )
            name, datatype = known
            if metric.datatype and to_datatype(metric.datatype) != datatype:
                raise SparkplugError(f"metric {name!r} changed datatype since its BIRTH")
            value = metric_value(metric, datatype)
            points.append(
                ResolvedPoint(
                    f"{prefix}/{name}",
                    metric.timestamp or default_ts,
                    value,
                    metric.is_historical,
                    int(datatype),
                    node.bdseq,
                    seq,
                    index,
                )
            )
        result.points.extend(points)

    def _rebirth(
        self, topic: Topic, node: NodeRecord, now: int, result: HostResult, reason: str
    ) -> None:
        if node.rebirth_requested_at is not None:
            if now - node.rebirth_requested_at < self.rebirth_retry_ms:
                return  # at most one pending Rebirth per node
        node.rebirth_requested_at = now
        result.rebirths.append(RebirthRequest(topic.group_id, topic.edge_node_id, reason))


def _birth_points(
    topic: Topic, payload: Payload, now: int, bdseq: int | None
) -> list[ResolvedPoint]:
    default_ts = payload.timestamp or now
    return [
        ResolvedPoint(
            f"{topic.series_prefix}/{m.name}",
            m.timestamp or default_ts,
            m.value,
            m.is_historical,
            int(m.datatype),
            bdseq,
            payload.seq,
            index,
        )
        for index, m in enumerate(payload.metrics)
        if m.name is not None
    ]


def state_is_online(data: bytes) -> bool:
    """Whether a STATE payload says ``{"online": true, ...}``; False if unreadable."""
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(body, dict) and body.get("online") is True
