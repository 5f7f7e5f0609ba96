"""Sparkplug datatypes and how each one's values travel in the protobuf.

The specification carries every integer of 32 bits or fewer in the
``uint32 int_value`` field (signed ones as two's complement), 64-bit
integers and DateTime in ``uint64 long_value``, and every array type packed
little-endian in ``bytes_value``. This module turns those wire forms into
Python values and back, checking that the value field matches the datatype,
so the codec, the fast path and the host share one set of rules.

Python values by datatype: integers -> ``int``; Float, Double -> ``float``;
Boolean -> ``bool``; String, Text, UUID -> ``str``; DateTime -> tz-aware UTC
``datetime``; Bytes, File -> ``bytes``; arrays -> ``tuple`` of the element
values.
"""

from __future__ import annotations

import enum
import struct
from datetime import UTC, datetime, timedelta
from typing import Any

from reind.factory.sparkplug.errors import (
    SparkplugDecodeError,
    SparkplugError,
    SparkplugUnsupportedError,
)


class DataType(enum.IntEnum):
    """Sparkplug B datatypes; member names are the specification's."""

    Unknown = 0
    Int8 = 1
    Int16 = 2
    Int32 = 3
    Int64 = 4
    UInt8 = 5
    UInt16 = 6
    UInt32 = 7
    UInt64 = 8
    Float = 9
    Double = 10
    Boolean = 11
    String = 12
    DateTime = 13
    Text = 14
    UUID = 15
    DataSet = 16
    Bytes = 17
    File = 18
    Template = 19
    PropertySet = 20
    PropertySetList = 21
    Int8Array = 22
    Int16Array = 23
    Int32Array = 24
    Int64Array = 25
    UInt8Array = 26
    UInt16Array = 27
    UInt32Array = 28
    UInt64Array = 29
    FloatArray = 30
    DoubleArray = 31
    BooleanArray = 32
    StringArray = 33
    DateTimeArray = 34


MAX_DATATYPE = max(DataType)

# (bits, signed) of each integer datatype
INTEGER_RANGES: dict[DataType, tuple[int, bool]] = {
    DataType.Int8: (8, True),
    DataType.Int16: (16, True),
    DataType.Int32: (32, True),
    DataType.Int64: (64, True),
    DataType.UInt8: (8, False),
    DataType.UInt16: (16, False),
    DataType.UInt32: (32, False),
    DataType.UInt64: (64, False),
}
STRING_TYPES = frozenset({DataType.String, DataType.Text, DataType.UUID})
BYTES_TYPES = frozenset({DataType.Bytes, DataType.File})
_PACKED_ARRAYS: dict[DataType, str] = {
    DataType.Int8Array: "b",
    DataType.Int16Array: "h",
    DataType.Int32Array: "i",
    DataType.Int64Array: "q",
    DataType.UInt8Array: "B",
    DataType.UInt16Array: "H",
    DataType.UInt32Array: "I",
    DataType.UInt64Array: "Q",
    DataType.FloatArray: "f",
    DataType.DoubleArray: "d",
    DataType.DateTimeArray: "q",
}
ARRAY_TYPES = frozenset({*_PACKED_ARRAYS, DataType.BooleanArray, DataType.StringArray})
VALUE_FIELD: dict[DataType, str] = {
    **{t: "long_value" if bits == 64 else "int_value" for t, (bits, _) in INTEGER_RANGES.items()},
    DataType.Float: "float_value",
    DataType.Double: "double_value",
    DataType.Boolean: "boolean_value",
    DataType.DateTime: "long_value",
    **dict.fromkeys(STRING_TYPES, "string_value"),
    **dict.fromkeys(BYTES_TYPES | ARRAY_TYPES, "bytes_value"),
}
"""The ``value`` oneof field each value datatype travels in (encoders write this one)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_datatype(number: int) -> DataType:
    """The DataType for a wire number; SparkplugDecodeError if out of range."""
    if 0 <= number <= MAX_DATATYPE:
        return DataType(number)
    raise SparkplugDecodeError(f"unknown Sparkplug datatype {number}", datatype=number)


def ms_to_datetime(ms: int) -> datetime:
    """Milliseconds since the epoch as a tz-aware UTC datetime."""
    try:
        return _EPOCH + timedelta(milliseconds=ms)
    except OverflowError as error:
        raise SparkplugDecodeError(f"DateTime {ms} ms is out of range") from error


def datetime_to_ms(moment: datetime) -> int:
    """A tz-aware datetime as whole milliseconds since the epoch."""
    if moment.tzinfo is None:
        raise SparkplugError("Sparkplug DateTime values must be timezone-aware")
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def int_from_wire(raw: int, datatype: DataType) -> int:
    """An integer value of ``datatype`` from its uint32/uint64 wire form.

    Signed types up to 32 bits arrive as 32-bit two's complement (Tahu's
    form); the narrow form (e.g. 0xFF for Int8 -1) is accepted too.
    """
    bits, signed = INTEGER_RANGES[datatype]
    if not signed:
        if raw >= 1 << bits:
            raise SparkplugDecodeError(f"{raw} does not fit {datatype.name}")
        return raw
    wire_bits = 64 if bits == 64 else 32
    if raw >= 1 << wire_bits:
        raise SparkplugDecodeError(f"{raw} does not fit {datatype.name}")
    value = raw - (1 << wire_bits) if raw >= 1 << (wire_bits - 1) else raw
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    if low <= value <= high:
        return value
    if bits < 32 and 0 <= value < 1 << bits:
        return value - (1 << bits) if value > high else value
    raise SparkplugDecodeError(f"{raw} does not fit {datatype.name}")


def int_to_wire(value: int, datatype: DataType) -> int:
    """The uint32/uint64 wire form of an integer of ``datatype``."""
    bits, signed = INTEGER_RANGES[datatype]
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SparkplugError(f"{value!r} is not a valid {datatype.name}")
    return value & (0xFFFF_FFFF_FFFF_FFFF if bits == 64 else 0xFFFF_FFFF)


def unpack_array(datatype: DataType, data: bytes) -> tuple[Any, ...]:
    """Decode an array datatype's packed little-endian bytes."""
    if datatype is DataType.BooleanArray:
        return _unpack_booleans(data)
    if datatype is DataType.StringArray:
        if not data:
            return ()
        if data[-1:] != b"\x00":
            raise SparkplugDecodeError("StringArray must end with a NUL terminator")
        try:
            return tuple(part.decode("utf-8") for part in data[:-1].split(b"\x00"))
        except UnicodeDecodeError as error:
            raise SparkplugDecodeError("StringArray holds invalid UTF-8") from error
    code = _PACKED_ARRAYS[datatype]
    size = struct.calcsize(code)
    if len(data) % size:
        raise SparkplugDecodeError(f"{datatype.name} bytes are not a multiple of {size}")
    values = struct.unpack(f"<{len(data) // size}{code}", data)
    if datatype is DataType.DateTimeArray:
        return tuple(ms_to_datetime(ms) for ms in values)
    return tuple(values)


def pack_array(datatype: DataType, values: Any) -> bytes:
    """Encode a sequence as the array datatype's packed little-endian bytes."""
    try:
        items = list(values)
    except TypeError as error:
        raise SparkplugError(f"{datatype.name} needs a sequence of values") from error
    if datatype is DataType.BooleanArray:
        return _pack_booleans(items)
    if datatype is DataType.StringArray:
        if not all(isinstance(item, str) and "\x00" not in item for item in items):
            raise SparkplugError("StringArray elements must be strings without NUL")
        return b"".join(item.encode("utf-8") + b"\x00" for item in items)
    if datatype is DataType.DateTimeArray:
        items = [datetime_to_ms(item) for item in items]
    code = _PACKED_ARRAYS[datatype]
    try:
        return struct.pack(f"<{len(items)}{code}", *items)
    except struct.error as error:
        raise SparkplugError(f"values do not fit {datatype.name}: {error}") from error


def _pack_booleans(items: list[Any]) -> bytes:
    if not all(isinstance(item, bool) for item in items):
        raise SparkplugError("BooleanArray elements must be bool")
    packed = bytearray(len(items).to_bytes(4, "little"))
    for start in range(0, len(items), 8):
        byte = 0
        for offset, bit in enumerate(items[start : start + 8]):
            byte |= bit << (7 - offset)  # first value in the most significant bit
        packed.append(byte)
    return bytes(packed)


def _unpack_booleans(data: bytes) -> tuple[bool, ...]:
    if len(data) < 4:
        raise SparkplugDecodeError("BooleanArray needs a 4-byte count")
    count = int.from_bytes(data[:4], "little")
    if len(data) - 4 != (count + 7) // 8:
        raise SparkplugDecodeError(f"BooleanArray of {count} values has {len(data) - 4} bytes")
    bits = data[4:]
    return tuple(bool(bits[i >> 3] & (0x80 >> (i & 7))) for i in range(count))


def unsupported(datatype: DataType) -> SparkplugUnsupportedError:
    """The error for a valid datatype reind does not decode."""
    return SparkplugUnsupportedError(
        f"Sparkplug {datatype.name} values are not supported by reind", datatype=int(datatype)
    )
