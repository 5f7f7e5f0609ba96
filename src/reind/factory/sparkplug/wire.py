"""Moving one typed value in and out of a protobuf ``value`` oneof.

Metric, PropertyValue, DataSet and Template parameters all carry their value
in a ``oneof value`` whose field must match the datatype. Both directions
live here so encode and decode cannot drift apart; the fast decode path and
the host call :func:`metric_value` directly on generated messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from reind.factory.sparkplug.datatypes import (
    ARRAY_TYPES,
    BYTES_TYPES,
    INTEGER_RANGES,
    STRING_TYPES,
    VALUE_FIELD,
    DataType,
    datetime_to_ms,
    int_from_wire,
    int_to_wire,
    ms_to_datetime,
    pack_array,
    unpack_array,
    unsupported,
)
from reind.factory.sparkplug.errors import SparkplugDecodeError, SparkplugError

_INT_FIELDS = frozenset({"int_value", "long_value"})  # either is read for any integer
_UNSUPPORTED_FIELDS = {
    "dataset_value": DataType.DataSet,
    "template_value": DataType.Template,
}


def value_from_wire(which: str, raw: Any, datatype: DataType) -> object:
    """The Python value of oneof field ``which`` holding ``raw`` for ``datatype``.

    With ``DataType.Unknown`` (DATA messages may leave the datatype to the
    BIRTH) the raw field value is returned unchanged.
    """
    if which in _UNSUPPORTED_FIELDS:
        raise unsupported(_UNSUPPORTED_FIELDS[which])
    if which == "extension_value":
        raise SparkplugDecodeError("extension values are not part of Sparkplug B 3.0")
    if datatype is DataType.Unknown:
        return raw
    if datatype in INTEGER_RANGES:
        if which not in _INT_FIELDS:
            raise _mismatch(which, datatype)
        return int_from_wire(raw, datatype)
    expected = VALUE_FIELD.get(datatype)
    if expected is None:
        if datatype in (DataType.DataSet, DataType.Template):
            raise unsupported(datatype)
        raise SparkplugDecodeError(f"{datatype.name} is not a value datatype here")
    if which != expected:
        raise _mismatch(which, datatype)
    if datatype is DataType.DateTime:
        return ms_to_datetime(raw)
    if datatype in ARRAY_TYPES:
        return unpack_array(datatype, raw)
    return raw


def _mismatch(which: str, datatype: DataType) -> SparkplugDecodeError:
    return SparkplugDecodeError(
        f"a {datatype.name} value cannot arrive in {which}", datatype=int(datatype), field=which
    )


def metric_value(metric: pb.Payload.Metric, datatype: DataType) -> object:
    """The Python value of a generated ``Metric`` read as ``datatype`` (None if null).

    A metric flagged ``is_null`` that still carries a value is out of spec.
    """
    which = metric.WhichOneof("value")
    if metric.is_null:
        if which is not None:
            raise SparkplugDecodeError("a metric flagged is_null must not carry a value")
        return None
    if which is None:
        return None
    return value_from_wire(which, getattr(metric, which), datatype)


def set_value(target: Any, datatype: DataType, value: object) -> None:
    """Put ``value`` of ``datatype`` into the ``value`` oneof of ``target``.

    Raises SparkplugError when the value does not fit the datatype.
    """
    if datatype in INTEGER_RANGES:
        wire = int_to_wire(value, datatype)  # type: ignore[arg-type]
        setattr(target, VALUE_FIELD[datatype], wire)
    elif datatype in (DataType.Float, DataType.Double):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SparkplugError(f"{value!r} is not a {datatype.name}")
        setattr(target, VALUE_FIELD[datatype], float(value))
    elif datatype is DataType.Boolean:
        if not isinstance(value, bool):
            raise SparkplugError(f"{value!r} is not a Boolean")
        target.boolean_value = value
    elif datatype in STRING_TYPES:
        if not isinstance(value, str):
            raise SparkplugError(f"{value!r} is not a {datatype.name}")
        target.string_value = value
    elif datatype is DataType.DateTime:
        target.long_value = _datetime_wire(value)
    elif datatype in BYTES_TYPES:
        if not isinstance(value, bytes | bytearray):
            raise SparkplugError(f"{value!r} is not {datatype.name}")
        target.bytes_value = bytes(value)
    elif datatype in ARRAY_TYPES:
        target.bytes_value = pack_array(datatype, value)
    elif datatype in (DataType.DataSet, DataType.Template):
        raise unsupported(datatype)
    else:
        raise SparkplugError(f"cannot encode a value of datatype {datatype.name}")


def _datetime_wire(value: object) -> int:
    if isinstance(value, datetime):
        ms = datetime_to_ms(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        ms = value
    else:
        raise SparkplugError(f"{value!r} is not a DateTime")
    if not 0 <= ms < 1 << 64:
        raise SparkplugError("a DateTime must be on or after 1970-01-01 UTC")
    return ms
