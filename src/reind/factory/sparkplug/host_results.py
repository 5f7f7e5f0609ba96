"""What the Sparkplug host state machine produces: points, rebirth requests, status, rejects.

Plain values handed from :class:`~reind.factory.sparkplug.host_state.HostState`
to whoever feeds it (the ingest gateway, the host client, tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reind.factory.sparkplug.codec import Metric, Payload, encode_payload
from reind.factory.sparkplug.datatypes import DataType
from reind.factory.sparkplug.nodes import REBIRTH
from reind.factory.sparkplug.topic import MessageType, Topic


@dataclass(frozen=True, slots=True)
class ResolvedPoint:
    """One value for the telemetry store; ``value`` is None for a null metric.

    ``datatype`` is the metric's BIRTH datatype; ``bdseq``, ``seq`` and ``index``
    (the metric's place in its message) identify the message it came in, so a
    store can keep samples that share a millisecond apart and a redelivery once.
    """

    series: str
    timestamp_ms: int
    value: object
    is_historical: bool
    datatype: int = 0
    bdseq: int | None = None
    seq: int | None = None
    index: int = 0


@dataclass(frozen=True, slots=True)
class RebirthRequest:
    """The host must send NCMD ``Node Control/Rebirth`` to this edge node."""

    group_id: str
    edge_node_id: str
    reason: str

    @property
    def topic(self) -> Topic:
        """The NCMD topic to publish on."""
        return Topic(self.group_id, MessageType.NCMD, self.edge_node_id)

    def payload(self, timestamp_ms: int) -> bytes:
        """The NCMD payload: ``Node Control/Rebirth`` = true (Boolean)."""
        # tck-id-operational-behavior-data-commands-ncmd-rebirth-{verb,name,value}
        metric = Metric(REBIRTH, None, DataType.Boolean, True, timestamp_ms)
        return encode_payload(Payload(timestamp_ms, None, (metric,)))


@dataclass(frozen=True, slots=True)
class SeqGap:
    """An out-of-order ``seq`` seen from an edge node."""

    group_id: str
    edge_node_id: str
    expected: int
    received: int
    at_ms: int


@dataclass(frozen=True, slots=True)
class StatusChange:
    """An edge node or device went online (BIRTH) or offline (DEATH)."""

    prefix: str
    online: bool
    at_ms: int


@dataclass(frozen=True, slots=True)
class RejectedMessage:
    """A held (out-of-order) message that could not be applied, with its own topic and bytes.

    Its dead letter is not the message being handled when it is released (or
    the reorder timer's), so it keeps what that message arrived with.
    """

    topic: str
    reason: str
    payload: bytes


@dataclass(slots=True)
class HostResult:
    """What one message (or a timer tick) produced."""

    points: list[ResolvedPoint] = field(default_factory=list)
    rebirths: list[RebirthRequest] = field(default_factory=list)
    status: list[StatusChange] = field(default_factory=list)
    dead_letters: list[str] = field(default_factory=list)
    """Why the message handled could not be applied (one per problem)."""
    rejected: list[RejectedMessage] = field(default_factory=list)
    """Held messages released now that could not be applied."""
    ignored: str | None = None
    republish_state: bool = False

    @property
    def dead_letter(self) -> str | None:
        """The first reason the message could not be applied, if any."""
        return self.dead_letters[0] if self.dead_letters else None

    def extend(self, other: HostResult) -> None:
        """Add ``other``'s outcomes to this result."""
        self.points.extend(other.points)
        self.rebirths.extend(other.rebirths)
        self.status.extend(other.status)
        self.dead_letters.extend(other.dead_letters)
        self.rejected.extend(other.rejected)
