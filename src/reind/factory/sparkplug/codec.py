"""Sparkplug B payloads: frozen dataclasses, encode, decode and a fast path.

``encode_payload`` / ``decode_payload`` convert between bytes and the
:class:`Payload` / :class:`Metric` dataclasses, checking the content against
the specification (known datatype, value field matching the datatype,
PropertySet keys and values of equal length) and raising
:class:`SparkplugDecodeError` otherwise. DataSet and Template values raise
:class:`SparkplugUnsupportedError` rather than being dropped silently.

``decode_points`` is the ingest hot path: it walks the generated protobuf
classes directly and returns plain tuples, with no dataclass per metric.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import DecodeError

from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from reind.factory.sparkplug.datatypes import DataType, to_datatype
from reind.factory.sparkplug.errors import SparkplugDecodeError, SparkplugError
from reind.factory.sparkplug.fast_decode import PLAIN_FIELD, SIGNED_WIDE, signed
from reind.factory.sparkplug.properties import decode_properties, encode_properties
from reind.factory.sparkplug.wire import metric_value, set_value

Point = tuple[str | None, int | None, int | None, object, bool]
"""(name, alias, timestamp_ms, value, is_historical) as ``decode_points`` returns them."""


@dataclass(frozen=True, slots=True)
class MetricMetaData:
    """Sparkplug MetaData: describes Bytes and File values (all optional)."""

    is_multi_part: bool | None = None
    content_type: str | None = None
    size: int | None = None
    seq: int | None = None
    file_name: str | None = None
    file_type: str | None = None
    md5: str | None = None
    description: str | None = None


_METADATA_FIELDS = (
    "is_multi_part",
    "content_type",
    "size",
    "seq",
    "file_name",
    "file_type",
    "md5",
    "description",
)


@dataclass(frozen=True, slots=True)
class Metric:
    """One Sparkplug metric.

    ``datatype`` is ``DataType.Unknown`` when a DATA message left it to the
    BIRTH; ``value`` is then the raw wire value. ``value`` is None when
    ``is_null``. ``timestamp`` is milliseconds since the epoch (UTC).
    """

    name: str | None
    alias: int | None
    datatype: DataType
    value: object
    timestamp: int | None = None
    is_historical: bool = False
    is_transient: bool = False
    is_null: bool = False
    properties: dict[str, object] = field(default_factory=dict)
    metadata: MetricMetaData | None = None


@dataclass(frozen=True, slots=True)
class Payload:
    """A Sparkplug B payload: publish timestamp (ms), seq (0-255) and metrics."""

    timestamp: int | None
    seq: int | None
    metrics: tuple[Metric, ...] = ()
    uuid: str | None = None
    body: bytes | None = None

    def metric(self, name: str) -> Metric:
        """The metric called ``name``; SparkplugError if absent."""
        for metric in self.metrics:
            if metric.name == name:
                return metric
        raise SparkplugError(f"payload has no metric {name!r}", metric=name)


def encode_payload(payload: Payload) -> bytes:
    """Serialise ``payload``; SparkplugError if a value does not fit its datatype."""
    message = pb.Payload()
    if payload.timestamp is not None:
        message.timestamp = _uint64(payload.timestamp, "timestamp")
    if payload.seq is not None:
        message.seq = _uint64(payload.seq, "seq")
    if payload.uuid is not None:
        message.uuid = payload.uuid
    if payload.body is not None:
        message.body = payload.body
    for metric in payload.metrics:
        _encode_metric(metric, message.metrics.add())
    return message.SerializeToString()


def _uint64(value: int, what: str) -> int:
    if not 0 <= value < 1 << 64:
        raise SparkplugError(f"{what} {value} is not an unsigned 64-bit integer")
    return value


def _encode_metric(metric: Metric, target: pb.Payload.Metric) -> None:
    if metric.name is not None:
        target.name = metric.name
    if metric.alias is not None:
        target.alias = _uint64(metric.alias, "alias")
    if metric.timestamp is not None:
        target.timestamp = _uint64(metric.timestamp, "metric timestamp")
    datatype = DataType(metric.datatype)
    if datatype is DataType.Unknown:
        raise SparkplugError(f"metric {metric.name or metric.alias!r} needs a datatype")
    target.datatype = datatype
    if metric.is_historical:
        target.is_historical = True
    if metric.is_transient:
        target.is_transient = True
    if metric.is_null or metric.value is None:
        target.is_null = True
    else:
        set_value(target, datatype, metric.value)
    if metric.properties:
        encode_properties(metric.properties, target.properties)
    if metric.metadata is not None:
        for name in _METADATA_FIELDS:
            value = getattr(metric.metadata, name)
            if value is not None:
                setattr(target.metadata, name, value)


def parse_payload(data: bytes) -> pb.Payload:
    """Parse bytes into the generated ``Payload`` message; SparkplugDecodeError if malformed."""
    message = pb.Payload()
    try:
        message.ParseFromString(data)
    except (DecodeError, RuntimeError, ValueError) as error:
        raise SparkplugDecodeError(f"not a Sparkplug B payload: {error}") from error
    return message


def decode_payload(data: bytes) -> Payload:
    """Decode and check a Sparkplug B payload.

    Raises SparkplugDecodeError for malformed bytes, an unknown datatype or a
    value field that does not match the datatype, and
    SparkplugUnsupportedError for DataSet and Template values.
    """
    message = parse_payload(data)
    try:
        metrics = tuple(_decode_metric(metric) for metric in message.metrics)
        return Payload(
            timestamp=message.timestamp if message.HasField("timestamp") else None,
            seq=message.seq if message.HasField("seq") else None,
            metrics=metrics,
            uuid=message.uuid if message.HasField("uuid") else None,
            body=message.body if message.HasField("body") else None,
        )
    except UnicodeDecodeError as error:
        raise SparkplugDecodeError(f"invalid UTF-8 in a string field: {error}") from error


def _decode_metric(metric: pb.Payload.Metric) -> Metric:
    datatype = to_datatype(metric.datatype)
    metadata = None
    if metric.HasField("metadata"):
        source = metric.metadata
        metadata = MetricMetaData(
            **{name: getattr(source, name) for name in _METADATA_FIELDS if source.HasField(name)}
        )
    return Metric(
        name=metric.name if metric.HasField("name") else None,
        alias=metric.alias if metric.HasField("alias") else None,
        datatype=datatype,
        value=metric_value(metric, datatype),
        timestamp=metric.timestamp if metric.HasField("timestamp") else None,
        is_historical=metric.is_historical,
        is_transient=metric.is_transient,
        is_null=metric.is_null,
        properties=decode_properties(metric.properties) if metric.HasField("properties") else {},
        metadata=metadata,
    )


def decode_points(data: bytes, datatypes: Mapping[int, DataType] | None = None) -> list[Point]:
    """The metrics of a payload as ``(name, alias, timestamp_ms, value, is_historical)``.

    The hot path for ingest. A metric without its own timestamp gets the
    payload's. A metric without a datatype (DATA messages may omit it) is
    read with ``datatypes[alias]`` when given, else its raw wire value is
    returned. Raises SparkplugDecodeError like :func:`decode_payload`.
    """
    message = parse_payload(data)
    default_ts = message.timestamp if message.HasField("timestamp") else None  # 0 is the epoch
    points: list[Point] = []
    append = points.append
    plain, signed_wide = PLAIN_FIELD, SIGNED_WIDE
    try:
        for m in message.metrics:
            alias: int | None = m.alias
            if not alias and not m.HasField("alias"):
                alias = None
            datatype: int = m.datatype
            if not datatype and datatypes is not None and alias is not None:
                datatype = datatypes.get(alias, 0)
            field_name = plain.get(datatype)
            value: Any = getattr(m, field_name) if field_name is not None else None
            # A non-default value proves its field is the one set in the oneof, so
            # only default-looking values need the slower WhichOneof/is_null check.
            if not value:
                value = metric_value(m, to_datatype(datatype))
            elif datatype in signed_wide:
                value = signed(value, datatype)
            stamp: int | None = m.timestamp
            if not stamp and not m.HasField("timestamp"):
                stamp = default_ts
            append((m.name or None, alias, stamp, value, m.is_historical))
    except UnicodeDecodeError as error:
        raise SparkplugDecodeError(f"invalid UTF-8 in a string field: {error}") from error
    return points
