"""How a value of each Sparkplug datatype is kept in a store row, and read back exactly.

A point row has, besides ``series``, ``ts`` and ``ord``, the datatype it was
born with and four value columns (docs/decisions/0140):

- ``value`` (double): every number that a double holds exactly: Int8..UInt32,
  Float, Double, Boolean (0/1), DateTime (milliseconds since the epoch, the
  store's one form of a time, as ``ts`` is), and Int64/UInt64 up to 2**53.
  Rollups, alarms and KPIs read this column only.
- ``int_value`` (DuckDB HUGEINT, PostgreSQL numeric(20)): an Int64 or UInt64
  that a double would round (beyond 2**53), beside its rounded ``value``.
- ``text``: String, Text and UUID; arrays as a JSON array (DateTimeArray as
  milliseconds), which keeps UInt64 elements and float bits exact.
- ``bytes_value``: Bytes and File, at most :data:`MAX_BLOB_BYTES`.

Datatype 0 is a point written without one (twins' replays, host events):
read back as ``text`` or ``value``, as before datatypes were kept.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from reind.factory.sparkplug.datatypes import (
    ARRAY_TYPES,
    BYTES_TYPES,
    INTEGER_RANGES,
    STRING_TYPES,
    DataType,
    datetime_to_ms,
    ms_to_datetime,
)

MAX_BLOB_BYTES = 1 << 20
"""The largest Bytes or File value kept as a point (1 MiB); a bigger one goes to the
dead letters whole, with its message."""
EXACT_IN_DOUBLE = 1 << 53
"""Every integer of at most this magnitude is a double exactly."""

_INTEGERS = frozenset(int(t) for t in INTEGER_RANGES)
_STRINGS = frozenset(int(t) for t in STRING_TYPES)
_BLOBS = frozenset(int(t) for t in BYTES_TYPES)
_ARRAYS = frozenset(int(t) for t in ARRAY_TYPES)
_BOOLEAN = int(DataType.Boolean)
_DATETIME = int(DataType.DateTime)
_DATETIME_ARRAY = int(DataType.DateTimeArray)


class StoredForm(NamedTuple):
    """The value columns of one point row."""

    value: float | None
    text: str | None = None
    int_value: int | None = None
    bytes_value: bytes | None = None


class UnstorableError(ValueError):
    """A value the store keeps no point for (too large, or a type without a form)."""


def stored_form(value: object, datatype: int = 0) -> StoredForm:
    """The columns that keep ``value`` of ``datatype`` exactly; UnstorableError if none do."""
    if value is None:
        return StoredForm(None)
    if isinstance(value, bool):
        return StoredForm(1.0 if value else 0.0)
    if isinstance(value, int):
        as_float = float(value)
        if -EXACT_IN_DOUBLE <= value <= EXACT_IN_DOUBLE:
            return StoredForm(as_float)
        return StoredForm(as_float, int_value=value)
    if isinstance(value, float):
        return StoredForm(value)
    if isinstance(value, str):
        return StoredForm(None, value)
    if isinstance(value, datetime):
        return StoredForm(float(datetime_to_ms(value)))
    if isinstance(value, bytes | bytearray):
        if len(value) > MAX_BLOB_BYTES:
            raise UnstorableError(f"{len(value)} bytes, more than {MAX_BLOB_BYTES} kept as a point")
        return StoredForm(None, bytes_value=bytes(value))
    if isinstance(value, tuple | list) and datatype in _ARRAYS:
        items = [datetime_to_ms(v) if isinstance(v, datetime) else v for v in value]
        return StoredForm(None, json.dumps(items, ensure_ascii=False))
    raise UnstorableError(f"no stored form for {type(value).__name__}")


def exact_value(
    datatype: int,
    value: float | None,
    text: str | None,
    int_value: int | None = None,
    bytes_value: bytes | None = None,
) -> object:
    """The value a row holds, in the Python type its datatype decodes to (None if null)."""
    if datatype in _ARRAYS:
        if text is None:
            return None
        items = json.loads(text)
        if datatype == _DATETIME_ARRAY:
            return tuple(ms_to_datetime(int(ms)) for ms in items)
        return tuple(items)
    if datatype in _BLOBS:
        return bytes_value
    if datatype in _STRINGS or (datatype == 0 and text is not None):
        return text
    if value is None:
        return None
    if datatype in _INTEGERS:
        return int(int_value) if int_value is not None else int(value)
    if datatype == _BOOLEAN:
        return value != 0.0
    if datatype == _DATETIME:
        return ms_to_datetime(int(value))
    return value  # Float, Double, and datatype 0
