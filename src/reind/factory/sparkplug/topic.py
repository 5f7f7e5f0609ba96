"""Sparkplug B topic namespace: ``spBv1.0/<group>/<type>/<edge node>[/<device>]``.

Topics are parsed once at the edge of the system into a frozen :class:`Topic`
so the host, the edge node and the gateway never split strings themselves.
Host application STATE topics (``spBv1.0/STATE/<host_id>``, Sparkplug 3.0)
parse into the same class with ``message_type`` STATE and ``host_id`` set, so
``parse_topic`` always returns one type.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from reind.factory.sparkplug.errors import SparkplugError

NAMESPACE = "spBv1.0"
"""The Sparkplug B topic namespace element."""


class MessageType(enum.StrEnum):
    """The Sparkplug message types (the "verb" in a topic)."""

    NBIRTH = "NBIRTH"
    NDEATH = "NDEATH"
    NDATA = "NDATA"
    NCMD = "NCMD"
    DBIRTH = "DBIRTH"
    DDEATH = "DDEATH"
    DDATA = "DDATA"
    DCMD = "DCMD"
    STATE = "STATE"

    @property
    def is_device(self) -> bool:
        """Whether topics of this type name a device."""
        return self in _DEVICE_TYPES


_DEVICE_TYPES = frozenset(
    {MessageType.DBIRTH, MessageType.DDEATH, MessageType.DDATA, MessageType.DCMD}
)
_FORBIDDEN_CHARS = ("/", "+", "#")


def _check_id(kind: str, value: str) -> None:
    if not value:
        raise SparkplugError(f"Sparkplug {kind} must not be empty", kind=kind)
    for char in _FORBIDDEN_CHARS:
        if char in value:
            raise SparkplugError(
                f"Sparkplug {kind} {value!r} must not contain {char!r}", kind=kind, value=value
            )


@dataclass(frozen=True, slots=True)
class Topic:
    """A parsed Sparkplug topic.

    For edge node messages ``device_id`` is None; for device messages it is set.
    For a host STATE topic, ``message_type`` is STATE, ``host_id`` is set and
    ``group_id`` and ``edge_node_id`` are empty strings.
    """

    group_id: str
    message_type: MessageType
    edge_node_id: str
    device_id: str | None = None
    host_id: str | None = None

    def __post_init__(self) -> None:
        if self.message_type is MessageType.STATE:
            if self.host_id is None:
                raise SparkplugError("a STATE topic needs a host_id")
            _check_id("host_id", self.host_id)
            if self.group_id or self.edge_node_id or self.device_id is not None:
                raise SparkplugError("a STATE topic has only a host_id")
            return
        if self.host_id is not None:
            raise SparkplugError(f"{self.message_type} topics have no host_id")
        _check_id("group_id", self.group_id)
        _check_id("edge_node_id", self.edge_node_id)
        if self.message_type.is_device:
            if self.device_id is None:
                raise SparkplugError(f"{self.message_type} topics need a device_id")
            _check_id("device_id", self.device_id)
        elif self.device_id is not None:
            raise SparkplugError(
                f"{self.message_type} topics must not carry a device_id",
                device_id=self.device_id,
            )

    @classmethod
    def state(cls, host_id: str) -> Topic:
        """The STATE topic of the host application ``host_id``."""
        return cls("", MessageType.STATE, "", None, host_id)

    @property
    def text(self) -> str:
        """The MQTT topic string."""
        if self.message_type is MessageType.STATE:
            return f"{NAMESPACE}/STATE/{self.host_id}"
        base = f"{NAMESPACE}/{self.group_id}/{self.message_type}/{self.edge_node_id}"
        return base if self.device_id is None else f"{base}/{self.device_id}"

    @property
    def is_state(self) -> bool:
        """Whether this is a host application STATE topic."""
        return self.message_type is MessageType.STATE

    @property
    def node_key(self) -> tuple[str, str]:
        """The Edge Node Descriptor: (group_id, edge_node_id)."""
        return (self.group_id, self.edge_node_id)

    @property
    def series_prefix(self) -> str:
        """``group/node`` or ``group/node/device``: the prefix of series names."""
        base = f"{self.group_id}/{self.edge_node_id}"
        return base if self.device_id is None else f"{base}/{self.device_id}"


def parse_topic(text: str) -> Topic:
    """Parse an MQTT topic string into a :class:`Topic`.

    Raises :class:`SparkplugError` for another namespace, an unknown message
    type, a device id on a node message (or none on a device message), and
    empty or wildcard-bearing identifiers.
    """
    parts = text.split("/")
    if len(parts) < 3 or parts[0] != NAMESPACE:
        raise SparkplugError(f"not a Sparkplug B topic: {text!r}", topic=text)
    if parts[1] == "STATE" and len(parts) == 3:
        return Topic.state(parts[2])
    if len(parts) not in (4, 5):
        raise SparkplugError(
            f"a Sparkplug topic has 4 or 5 levels, {text!r} has {len(parts)}", topic=text
        )
    try:
        message_type = MessageType(parts[2])
    except ValueError:
        raise SparkplugError(
            f"unknown Sparkplug message type {parts[2]!r} in {text!r}", topic=text
        ) from None
    if message_type is MessageType.STATE:
        raise SparkplugError(f"STATE topics are spBv1.0/STATE/<host_id>, not {text!r}")
    device_id = parts[4] if len(parts) == 5 else None
    return Topic(parts[1], message_type, parts[3], device_id)
