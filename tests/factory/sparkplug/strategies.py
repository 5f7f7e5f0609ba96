"""Hypothesis strategies: a valid Python value for every Sparkplug datatype."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from reind.factory.sparkplug import DataType, Metric, Payload
from reind.factory.sparkplug.datatypes import INTEGER_RANGES

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ints(bits: int, signed: bool) -> st.SearchStrategy[int]:
    if signed:
        return st.integers(-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
    return st.integers(0, (1 << bits) - 1)


def datetimes(min_ms: int = 0) -> st.SearchStrategy[datetime]:
    """Millisecond-precision UTC datetimes."""
    return st.integers(min_ms, 253_402_300_799_999).map(
        lambda ms: _EPOCH + timedelta(milliseconds=ms)
    )


_float32 = st.floats(width=32, allow_nan=False)
_float64 = st.floats(allow_nan=False)
_text = st.text()

SCALARS: dict[DataType, st.SearchStrategy[object]] = {
    DataType.Int8: _ints(8, True),
    DataType.Int16: _ints(16, True),
    DataType.Int32: _ints(32, True),
    DataType.Int64: _ints(64, True),
    DataType.UInt8: _ints(8, False),
    DataType.UInt16: _ints(16, False),
    DataType.UInt32: _ints(32, False),
    DataType.UInt64: _ints(64, False),
    DataType.Float: _float32,
    DataType.Double: _float64,
    DataType.Boolean: st.booleans(),
    DataType.String: _text,
    DataType.Text: _text,
    DataType.DateTime: datetimes(),
    DataType.UUID: st.uuids().map(str),
    DataType.Bytes: st.binary(),
    DataType.File: st.binary(),
}


def _array(element: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.lists(element, max_size=20).map(tuple)


ARRAYS: dict[DataType, st.SearchStrategy[object]] = {
    DataType.Int8Array: _array(_ints(8, True)),
    DataType.Int16Array: _array(_ints(16, True)),
    DataType.Int32Array: _array(_ints(32, True)),
    DataType.Int64Array: _array(_ints(64, True)),
    DataType.UInt8Array: _array(_ints(8, False)),
    DataType.UInt16Array: _array(_ints(16, False)),
    DataType.UInt32Array: _array(_ints(32, False)),
    DataType.UInt64Array: _array(_ints(64, False)),
    DataType.FloatArray: _array(_float32),
    DataType.DoubleArray: _array(_float64),
    DataType.BooleanArray: _array(st.booleans()),
    DataType.StringArray: _array(st.text().filter(lambda s: "\x00" not in s)),
    DataType.DateTimeArray: _array(datetimes(min_ms=-62_135_596_800_000)),
}

VALUES = {**SCALARS, **ARRAYS}

property_scalars = st.one_of(
    st.booleans(),
    st.integers(-(1 << 63), (1 << 64) - 1),
    _float64,
    _text,
    st.none(),
)
properties: st.SearchStrategy[dict[str, object]] = st.recursive(
    st.dictionaries(st.text(max_size=8), property_scalars, max_size=4),
    lambda children: st.dictionaries(
        st.text(max_size=8),
        st.one_of(property_scalars, children, st.lists(children, min_size=1, max_size=2)),
        max_size=4,
    ),
    max_leaves=12,
)


@st.composite
def metrics(draw: st.DrawFn) -> Metric:
    """A valid metric of any supported datatype."""
    datatype = draw(st.sampled_from(sorted(VALUES)))
    is_null = draw(st.booleans())
    return Metric(
        name=draw(st.none() | st.text(max_size=20)),
        alias=draw(st.none() | st.integers(0, (1 << 64) - 1)),
        datatype=datatype,
        value=None if is_null else draw(VALUES[datatype]),
        timestamp=draw(st.none() | st.integers(0, (1 << 64) - 1)),
        is_historical=draw(st.booleans()),
        is_transient=draw(st.booleans()),
        is_null=is_null,
        properties=draw(properties),
    )


payloads = st.builds(
    Payload,
    timestamp=st.none() | st.integers(0, (1 << 64) - 1),
    seq=st.none() | st.integers(0, 255),
    metrics=st.lists(metrics(), max_size=5).map(tuple),
    uuid=st.none() | st.text(max_size=10),
    body=st.none() | st.binary(max_size=10),
)


@st.composite
def integers_on_the_wire(draw: st.DrawFn) -> tuple[DataType, int, int]:
    """(datatype, value, wire form) over every integer datatype's full range.

    Signed types up to 32 bits travel as 32-bit two's complement (Eclipse Tahu,
    reind's encoder) or in the narrow form (0xFF for Int8 -1); both are drawn.
    """
    datatype = draw(st.sampled_from(sorted(INTEGER_RANGES)))
    bits, is_signed = INTEGER_RANGES[datatype]
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if is_signed else (0, (1 << bits) - 1)
    value = draw(st.integers(low, high) | st.sampled_from([low, high, 0, -1 if is_signed else 1]))
    wire_bits = 64 if bits == 64 else draw(st.sampled_from([32, bits] if is_signed else [32]))
    return datatype, value, value & ((1 << wire_bits) - 1)
