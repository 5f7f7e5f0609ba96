"""Reading metric values straight off the generated protobuf, for the ingest hot paths.

The fast paths read a value field directly and fall back to
:func:`reind.factory.sparkplug.wire.metric_value` (the full decoder) for
anything that is not plainly a number. Which field each datatype travels in
and how an integer's wire form becomes its value come from
:mod:`reind.factory.sparkplug.datatypes` (``VALUE_FIELD``, ``int_from_wire``),
so the fast and the full decoder follow one rule.
"""

from __future__ import annotations

from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from reind.factory.sparkplug.datatypes import (
    INTEGER_RANGES,
    VALUE_FIELD,
    DataType,
    int_from_wire,
)
from reind.factory.sparkplug.errors import SparkplugError
from reind.factory.sparkplug.wire import metric_value

FLOAT_FIELD: dict[int, str] = {int(t): VALUE_FIELD[t] for t in (DataType.Double, DataType.Float)}
"""The field of each datatype whose non-zero content is the float value as is."""
PLAIN_FIELD: dict[int, str] = {
    int(t): VALUE_FIELD[t]
    for t in (
        *(DataType.Double, DataType.Float, DataType.Boolean),
        *(DataType.String, DataType.Text, DataType.UUID, DataType.Bytes, DataType.File),
        *(DataType.UInt32, DataType.UInt64, DataType.Int32, DataType.Int64),
    )
}
"""The field of each datatype whose non-default wire value is the Python value
(Int32 and Int64 once :data:`SIGNED_WIDE` has restored their sign)."""
SIGNED_WIDE = frozenset({int(DataType.Int32), int(DataType.Int64)})
"""Signed integers as wide as their wire field: two's complement of the full width."""
_INTEGER_FIELD: dict[int, tuple[str, DataType]] = {
    int(t): (VALUE_FIELD[t], t) for t in INTEGER_RANGES
}
_BOOLEAN = int(DataType.Boolean)
_EXACT_IN_DOUBLE = 1 << 53
"""Beyond this an integer's double is rounded (the store keeps those exactly, ADR 0140)."""


class SlowPathError(Exception):
    """The fast path met something it does not decide: hand it to the full decoder."""


def signed(raw: int, datatype: int) -> int:
    """A signed integer of ``datatype`` from its wire form (see :func:`int_from_wire`)."""
    return int_from_wire(raw, DataType(datatype))


def plain_field(datatype: int) -> str:
    """The value field whose non-zero content is the float value as is ('' if none)."""
    return FLOAT_FIELD.get(datatype, "")


def number(metric: pb.Payload.Metric, datatype: int) -> float:
    """The metric's value as a float; SlowPathError for null, text or an odd encoding."""
    name = FLOAT_FIELD.get(datatype)
    if name is not None:
        value: float = getattr(metric, name)
        if value:
            return value
    else:
        integer = _INTEGER_FIELD.get(datatype)
        if integer is not None:
            raw: int = getattr(metric, integer[0])
            if raw:
                try:
                    exact = int_from_wire(raw, integer[1])
                except SparkplugError as error:
                    raise SlowPathError from error
                if -_EXACT_IN_DOUBLE <= exact <= _EXACT_IN_DOUBLE:
                    return float(exact)
                raise SlowPathError  # a wide Int64/UInt64: kept exactly beside its double
        elif datatype == _BOOLEAN and metric.boolean_value:
            return 1.0
    # zero, false, null or a value in the wrong field: let the full decoder decide
    try:
        decoded = metric_value(metric, DataType(datatype))
    except SparkplugError as error:
        raise SlowPathError from error
    if decoded is None or isinstance(decoded, str) or not isinstance(decoded, int | float):
        raise SlowPathError
    return float(decoded)
