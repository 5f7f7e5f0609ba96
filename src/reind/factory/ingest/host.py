"""The gateway's Sparkplug host: :class:`HostState` plus a columnar fast path.

Every message goes through the Sparkplug host state machine of
``reind.factory.sparkplug.host_state`` (births, deaths, bdSeq, seq with a
reorder timeout, Rebirth requests), except the common case, which is
decoded here straight into :class:`PointColumns`: NDATA/DDATA from an
online node and device, with the ``seq`` the host expects, no messages held
for reordering and every alias known with its BIRTH datatype. That path
reads the same :class:`NodeRecord` the state machine keeps and advances its
``expected_seq`` exactly as the state machine would; on anything unusual it
changes nothing and hands the message to :meth:`HostState.handle`, so the
rules live in one place (docs/decisions/0024). A payload of a layout already
seen on its topic skips even the per-metric reading: its values are read
from their bytes as arrays (:mod:`.layouts`, docs/decisions/0143).

Host events worth keeping are recorded as points in the ``$host`` series
of the edge node or device: ``online`` (1 at BIRTH, 0 at DEATH) and
``seq_gap`` (how many messages the gap skipped).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from google.protobuf.message import DecodeError

from reind.factory.ingest.layouts import KnownLayout, Layouts, SeriesInfo
from reind.factory.ingest.points import BirthRecord, Block, PointColumns, message_ordinal
from reind.factory.sparkplug import (
    DataType,
    HostResult,
    HostState,
    MessageType,
    RebirthRequest,
    RejectedMessage,
    SeqGap,
    SparkplugError,
    Topic,
    parse_topic,
)
from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from reind.factory.sparkplug.fast_decode import SlowPathError, number, plain_field

logger = logging.getLogger(__name__)

_DATA = (MessageType.NDATA, MessageType.DDATA)
_SEQUENCED = (MessageType.DBIRTH, MessageType.DDEATH)
"""Messages with a seq that the state machine (not the fast path) checks."""
_NOT_EDGE = (MessageType.STATE, MessageType.NCMD, MessageType.DCMD)


@dataclass(slots=True)
class Outcome:
    """What one message (or a reorder tick) yields for the gateway."""

    points: PointColumns = field(default_factory=PointColumns)
    dead_letters: list[str] = field(default_factory=list)
    """Why the message handled is a dead letter (its own topic and bytes go with it)."""
    rejected: list[RejectedMessage] = field(default_factory=list)
    """Held messages released and dead-lettered, each with its own topic and bytes."""
    rebirths: list[RebirthRequest] = field(default_factory=list)
    unstored: list[str] = field(default_factory=list)
    """DATA values the store keeps no column for yet (``series (type)``): the gateway keeps
    the whole message as a dead letter with its bytes, beside the points it did store."""
    birth: bool = False
    """An accepted NBIRTH or DBIRTH: kept so a restarted gateway knows the aliases."""
    republish_state: bool = False
    layout: KnownLayout | None = None
    """Set when the points are exactly one payload of this layout, in its order: the same
    series every time, so per-series work (which have alarm rules) can be done once."""


class IngestHost:
    """Resolves Sparkplug messages into points for one gateway (one thread at a time)."""

    def __init__(self, host_id: str, *, reorder_timeout_ms: int = 2000) -> None:
        self.state = HostState(host_id, reorder_timeout_ms=reorder_timeout_ms)
        self._topics: dict[str, Topic | str] = {}
        self._series: dict[tuple[str, str], dict[int, SeriesInfo]] = {}
        self._rebase: set[tuple[str, str]] = set()
        self._layouts = Layouts()

    @property
    def connected_nodes(self) -> int:
        """How many edge nodes are online (born and not dead)."""
        return sum(1 for node in self.state.nodes.values() if node.online)

    @property
    def gaps(self) -> list[SeqGap]:
        """The seq gaps seen so far (bounded, newest last)."""
        return list(self.state.gaps)

    def holding(self, topic_text: str) -> bool:
        """Whether messages of this topic's edge node are held for reordering."""
        topic = self._topics.get(topic_text)
        if not isinstance(topic, Topic):
            return False
        node = self.state.nodes.get(topic.node_key)
        return node is not None and bool(node.held)

    def restore(self, births: Iterable[BirthRecord]) -> None:
        """Replay stored BIRTHs after a restart; the next seq of each node is taken as is.

        The broker redelivers what the last run had not acknowledged, starting
        at whatever seq that was, so the first message re-bases the sequence.
        """
        for birth in births:
            topic = self._topic(birth.topic)
            if isinstance(topic, Topic):
                self.state.handle(topic, birth.payload, birth.received_ms)
                self._rebase.add(topic.node_key)
        self._series.clear()

    def edge_topic(self, topic_text: str) -> Topic | None:
        """The parsed topic of an edge node's or device's message; None for anything else."""
        topic = self._topic(topic_text)
        if not isinstance(topic, Topic) or topic.message_type in _NOT_EDGE:
            return None
        return topic

    def follow(self, node_key: tuple[str, str]) -> None:
        """Take the next message of this node as the next in sequence (a takeover)."""
        self._rebase.add(node_key)

    def overhear(self, topic: Topic, payload: bytes, received_ms: int) -> None:
        """Apply a BIRTH of an edge node another gateway resolves: learn, store nothing.

        Only BIRTHs reach us of such a node, so every one is taken as next in
        sequence; its first message once ours re-bases the sequence again.
        """
        self._rebase.add(topic.node_key)
        self._rebase_on(topic, payload)
        self.state.handle(topic, payload, received_ms)
        self._series.pop(topic.node_key, None)
        self._rebase.add(topic.node_key)

    def _rebase_on(self, topic: Topic, payload: bytes) -> None:
        """Set the node's expected seq to this message's, if it carries one."""
        node = self.state.nodes.get(topic.node_key)
        if node is None:
            return
        message = pb.Payload()
        try:
            message.ParseFromString(payload)
        except DecodeError:
            return  # the state machine dead-letters it
        if message.HasField("seq") and message.seq <= 255:
            node.expected_seq = message.seq
            self._rebase.discard(topic.node_key)

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

    def handle(self, topic_text: str, payload: bytes, received_ms: int) -> Outcome:
        """Resolve one message; never raises for bad input (see ``dead_letters``)."""
        topic = self._topic(topic_text)
        outcome = Outcome()
        if isinstance(topic, str):
            outcome.dead_letters.append(topic)
            return outcome
        if self._rebase and topic.message_type in _SEQUENCED and topic.node_key in self._rebase:
            self._rebase_on(topic, payload)
        if topic.message_type in _DATA:
            if self._by_layout(topic, topic_text, payload, received_ms, outcome):
                return outcome
            try:
                self._fast_data(topic, payload, received_ms, outcome.points)
                known = self._series.get(topic.node_key)
                if known is not None:
                    self._layouts.learn(topic_text, payload, known, topic.device_id)
                return outcome
            except SlowPathError:
                outcome.points = PointColumns()
            except (DecodeError, RuntimeError, ValueError) as error:
                outcome.dead_letters.append(f"malformed payload: {error}")
                self.state.counts["messages"] += 1
                self.state.counts["dead_letters"] += 1
                return outcome
        gaps_before = self.state.counts["gaps"]
        result = self.state.handle(topic, payload, received_ms)
        self._absorb(result, outcome)
        if self.state.counts["gaps"] != gaps_before:
            gap = self.state.gaps[-1]
            skipped = (gap.received - gap.expected) % 256
            prefix = f"{gap.group_id}/{gap.edge_node_id}"
            outcome.points.add(f"{prefix}/$host/seq_gap", gap.at_ms, skipped)
        kind = topic.message_type
        if kind in (MessageType.NBIRTH, MessageType.DBIRTH):
            outcome.unstored.clear()  # the BIRTH record keeps every value with its bytes
        if kind in (MessageType.NBIRTH, MessageType.DBIRTH) and not outcome.dead_letters:
            outcome.birth = True
            self._series.pop(topic.node_key, None)
            self._rebase.discard(topic.node_key)
        return outcome

    def tick(self, now_ms: int) -> Outcome:
        """Expire reorder timers: apply what is held and ask for Rebirths."""
        outcome = Outcome()
        self._absorb(self.state.tick(now_ms), outcome)
        return outcome

    @staticmethod
    def _absorb(result: HostResult, outcome: Outcome) -> None:
        points = outcome.points
        for point in result.points:
            ordinal = message_ordinal(point.bdseq, point.seq, point.index, point.is_historical)
            if not points.add(
                point.series, point.timestamp_ms, point.value, point.datatype, ordinal
            ):
                outcome.unstored.append(f"{point.series} ({type(point.value).__name__})")
        for change in result.status:
            points.add(f"{change.prefix}/$host/online", change.at_ms, 1.0 if change.online else 0.0)
        outcome.dead_letters.extend(f"out of spec: {reason}" for reason in result.dead_letters)
        outcome.rejected.extend(
            RejectedMessage(r.topic, f"out of spec: {r.reason}", r.payload) for r in result.rejected
        )
        outcome.rebirths.extend(result.rebirths)
        outcome.republish_state = result.republish_state

    @staticmethod
    def _learn(
        topic: Topic,
        aliases: dict[int, tuple[str | None, str, DataType]],
        alias: int,
        metric: pb.Payload.Metric,
    ) -> SeriesInfo:
        """What the fast path needs of one alias, checked against the node's BIRTH."""
        entry = aliases.get(alias)
        if entry is None or entry[0] != topic.device_id:
            raise SlowPathError
        if not alias and not metric.HasField("alias"):
            raise SlowPathError  # named metric: the state machine looks it up
        datatype = int(entry[2])
        name = f"{topic.series_prefix}/{entry[1]}"
        return (name, datatype, plain_field(datatype), topic.device_id)

    def _fast_data(self, topic: Topic, data: bytes, now: int, out: PointColumns) -> None:
        node = self.state.nodes.get(topic.node_key)
        if node is None or not node.online or node.held:
            raise SlowPathError
        message = pb.Payload()
        message.ParseFromString(data)
        if not message.HasField("seq"):
            raise SlowPathError
        seq = message.seq
        if topic.node_key in self._rebase and seq <= 255:
            self._rebase.discard(topic.node_key)
            node.expected_seq = seq
        if seq != node.expected_seq:
            raise SlowPathError
        device_id = topic.device_id
        if device_id is not None:
            device = node.devices.get(device_id)
            if device is None or not device.online:
                raise SlowPathError
        known = self._series.get(topic.node_key)
        if known is None:
            known = self._series[topic.node_key] = {}
        default_ts = message.timestamp or now
        names, stamps, values = out.series, out.timestamps, out.values
        datatypes, ordinals = out.datatypes, out.ordinals
        start = len(names)
        ordinal = message_ordinal(node.bdseq, seq, 0)
        try:
            for metric in message.metrics:
                alias = metric.alias
                info = known.get(alias)
                if info is None or info[3] != device_id:
                    info = self._learn(topic, node.aliases, alias, metric)
                    if alias:  # alias 0 may be a named metric: check it every time
                        known[alias] = info
                datatype = metric.datatype
                if (datatype and datatype != info[1]) or metric.is_historical:
                    raise SlowPathError
                value = getattr(metric, info[2]) if info[2] else 0
                if not value:
                    value = number(metric, info[1])
                names.append(info[0])
                stamps.append(metric.timestamp or default_ts)
                values.append(value)
                datatypes.append(info[1])
                ordinals.append(ordinal)
                ordinal += 1
        except SlowPathError:
            del names[start:], stamps[start:], values[start:], datatypes[start:], ordinals[start:]
            raise
        node.expected_seq = (seq + 1) % 256
        self.state.counts["messages"] += 1

    # ------------------------------------------------- payloads read by layout
    def _by_layout(self, topic: Topic, text: str, data: bytes, now: int, outcome: Outcome) -> bool:
        """Decode a payload of a known layout as :meth:`_fast_data` would; False: not done.

        The same checks in the same order, on columns read with numpy
        (:mod:`reind.factory.sparkplug.fast_layout`): the series, datatypes and
        value fields were checked against the BIRTH when the layout was learnt.
        """
        entry = self._layouts.get(text, len(data))
        key = topic.node_key
        if entry is None or self._series.get(key) is not entry.known:
            return False
        node = self.state.nodes.get(key)
        if node is None or not node.online or node.held:
            return False
        device_id = topic.device_id
        if device_id is not None:
            device = node.devices.get(device_id)
            if device is None or not device.online:
                return False
        columns = entry.layout.read(data)
        if columns is None or columns.seq is None:
            return False
        seq = columns.seq
        if key in self._rebase and seq <= 255:
            self._rebase.discard(key)
            node.expected_seq = seq
        if seq != node.expected_seq:
            return False
        default_ts = columns.timestamp or now
        stamps = columns.timestamps
        outcome.points.add_block(
            Block(
                entry.names,
                entry.datatypes,
                default_ts if stamps is None else np.where(stamps != 0, stamps, default_ts),
                columns.values,
                message_ordinal(node.bdseq, seq, 0),
            )
        )
        outcome.layout = entry
        node.expected_seq = (seq + 1) % 256
        self.state.counts["messages"] += 1
        return True
