"""DATA payloads read as columns by their byte layout, with no object per metric.

Why: the gateway's fast path read every metric through the generated
protobuf's attribute access, five fields a metric at about 0.1 µs each,
which made it cost more than a bare subscriber that only decodes
(ADR 0143). An edge node sends the same device's metrics in the same order
message after message, so consecutive DATA payloads of one topic differ only
in their values, timestamps and seq: the bytes that say *which* field is
where (tags, lengths, aliases, datatypes) are identical.

A :class:`Layout` is learnt once from a payload, by walking its wire format,
and records where each variable byte is. Another payload of the same length
matches it when every structural byte is equal and every varint has the same
length (its continuation bits are equal); then it parses into exactly the
same fields, and its values are read with a handful of numpy gathers. Only
the plain case is learnt: aliases, no names, Double, Float and Boolean values,
optional metric timestamps and datatypes, no historical, transient or null
flag set, no properties or metadata, top-level fields timestamp, metrics and
seq only. Anything else gives no layout and takes the per-metric path, and so
does any payload that does not match (the caller falls back, never guesses).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from reind.factory.sparkplug.datatypes import DataType

_VARINT, _FIXED64, _LENGTH, _FIXED32 = 0, 1, 2, 5
_DOUBLE, _FLOAT, _BOOLEAN = int(DataType.Double), int(DataType.Float), int(DataType.Boolean)
# metric fields (sparkplug_b.proto): number -> what the layout does with it
_ALIAS, _TIMESTAMP, _DATATYPE = 2, 3, 4
_FLAGS = frozenset({5, 6, 7})  # is_historical, is_transient, is_null: only as false
_BOOLEAN_FIELD = 14
_VALUE_FIELDS = {12: _FLOAT, 13: _DOUBLE, 14: _BOOLEAN}
"""float_value, double_value, boolean_value and the datatype each holds."""
_WIRE_TYPE = {_ALIAS: _VARINT, _TIMESTAMP: _VARINT, _DATATYPE: _VARINT, 5: _VARINT, 6: _VARINT,
              7: _VARINT, 12: _FIXED32, 13: _FIXED64, 14: _VARINT}  # fmt: skip


class _Unlearnable(Exception):
    """The payload is not of the plain shape a layout describes."""


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """(value, position after it) of the varint at ``at``."""
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise _Unlearnable
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if not byte & 0x80:
            return value, at
        shift += 7


@dataclass(frozen=True, slots=True)
class Columns:
    """One matched payload: the top-level fields and a value per metric, in order."""

    timestamp: int | None
    seq: int | None
    values: NDArray[np.float64]
    timestamps: NDArray[np.int64] | None
    """Each metric's own timestamp, 0 where it has none (None: no metric has one)."""


class Layout:
    """Where the variable bytes of one payload shape are; see the module docstring."""

    __slots__ = (
        *("_expected", "_mask", "_seq_at", "_stamps", "_timestamp_at", "_values"),
        *("aliases", "datatypes", "kinds", "size"),
    )

    def __init__(self, payload: bytes) -> None:
        """Learn the layout of ``payload``; ValueError if it is not of the plain shape."""
        try:
            self._learn(payload)
        except _Unlearnable:
            raise ValueError("not a plain DATA payload") from None

    def _learn(self, data: bytes) -> None:
        mask = np.full(len(data), 0xFF, np.uint8)
        top: dict[int, tuple[int, int]] = {}
        aliases: list[int] = []
        datatypes: list[int] = []
        value_kinds: list[tuple[int, int]] = []  # (datatype the field holds, offset)
        stamps: list[tuple[int, int, int]] = []  # (metric index, offset, length)
        at = 0
        while at < len(data):
            key, at = _varint(data, at)
            number, wire = key >> 3, key & 7
            if number in (1, 3) and wire == _VARINT and number not in top:
                start = at
                _value, at = _varint(data, at)
                top[number] = (start, at - start)
                mask[start:at] = 0x80
            elif number == 2 and wire == _LENGTH:
                size, at = _varint(data, at)
                end = at + size
                if end > len(data):
                    raise _Unlearnable
                alias, datatype, kind, stamp = self._metric(data, at, end, mask)
                aliases.append(alias)
                datatypes.append(datatype)
                value_kinds.append(kind)
                if stamp is not None:
                    stamps.append((len(aliases) - 1, *stamp))
                at = end
            else:
                raise _Unlearnable
        if not aliases:
            raise _Unlearnable
        self.size = len(data)
        self._mask = mask
        self._expected = (np.frombuffer(data, np.uint8) & mask).tobytes()
        self._timestamp_at = top.get(1)
        self._seq_at = top.get(3)
        self.aliases = tuple(aliases)
        self.datatypes = tuple(datatypes)
        """Each metric's datatype on the wire (0 when it gives none)."""
        self.kinds = tuple(kind for kind, _ in value_kinds)
        """The datatype of each metric's value field (Double, Float or Boolean)."""
        self._values = _ValueReader(value_kinds)
        self._stamps = _StampReader(stamps, len(aliases))

    @staticmethod
    def _metric(
        data: bytes, at: int, end: int, mask: NDArray[np.uint8]
    ) -> tuple[int, int, tuple[int, int], tuple[int, int] | None]:
        """(alias, datatype, (value's datatype, offset), (timestamp offset, length))."""
        seen: dict[int, int] = {}
        kind: tuple[int, int] | None = None
        stamp: tuple[int, int] | None = None
        while at < end:
            key, at = _varint(data, at)
            number, wire = key >> 3, key & 7
            if number in seen or _WIRE_TYPE.get(number) != wire:
                raise _Unlearnable
            start = at
            if wire == _FIXED64 or wire == _FIXED32:
                at += 8 if wire == _FIXED64 else 4
                mask[start:at] = 0
                seen[number] = 0
            else:
                seen[number], at = _varint(data, at)
                if number == _TIMESTAMP:
                    if at - start > 9:  # past 2**63: an int64 column cannot hold it
                        raise _Unlearnable
                    mask[start:at] = 0x80
                    stamp = (start, at - start)
                elif number == _BOOLEAN_FIELD:
                    if at - start != 1:
                        raise _Unlearnable
                    mask[start] = 0x80
            if number in _VALUE_FIELDS:
                if kind is not None:
                    raise _Unlearnable
                kind = (_VALUE_FIELDS[number], start)
        if at != end or kind is None or _ALIAS not in seen:
            raise _Unlearnable
        if any(seen.get(flag) for flag in _FLAGS):
            raise _Unlearnable
        datatype = seen.get(_DATATYPE, 0)
        if datatype and datatype != kind[0]:
            raise _Unlearnable  # a value in another type's field: the full decoder says why
        return seen[_ALIAS], datatype, kind, stamp

    def read(self, data: bytes) -> Columns | None:
        """The columns of ``data`` if it has this layout, else None."""
        if len(data) != self.size:
            return None
        raw = np.frombuffer(data, np.uint8)
        if (raw & self._mask).tobytes() != self._expected:
            return None
        at, seq_at = self._timestamp_at, self._seq_at
        return Columns(
            None if at is None else _read_varint(data, *at),
            None if seq_at is None else _read_varint(data, *seq_at),
            self._values(raw),
            self._stamps(raw),
        )


def _read_varint(data: bytes, start: int, length: int) -> int:
    """The varint of ``length`` bytes at ``start`` (its length is the layout's)."""
    if length == 1:
        return data[start]
    value = 0
    for byte in reversed(data[start : start + length]):
        value = value << 7 | byte & 0x7F
    return value


class _ValueReader:
    """Gathers each metric's value from its bytes: doubles, floats and booleans.

    Values evenly spaced (metrics of one size, the usual case) are read as a
    strided view of the payload, one copy; others by an index gather.
    """

    _WIDTH: ClassVar[dict[int, tuple[int, str]]] = {
        _DOUBLE: (8, "<f8"),
        _FLOAT: (4, "<f4"),
        _BOOLEAN: (1, "u1"),
    }

    def __init__(self, kinds: list[tuple[int, int]]) -> None:
        count = len(kinds)
        self.count = count
        self.groups: list[tuple[int, NDArray[np.intp], NDArray[np.intp] | tuple[int, int]]] = []
        for datatype, (width, _) in self._WIDTH.items():
            where = [i for i, (kind, _) in enumerate(kinds) if kind == datatype]
            if not where:
                continue
            starts = np.array([kinds[i][1] for i in where], np.intp)
            steps = np.diff(starts)
            if len(starts) > 1 and (steps == steps[0]).all() and steps[0] >= width:
                how: NDArray[np.intp] | tuple[int, int] = (int(starts[0]), int(steps[0]))
            elif len(starts) == 1:
                how = (int(starts[0]), width)
            else:
                how = (starts[:, None] + np.arange(width, dtype=np.intp)).ravel()
            self.groups.append((datatype, np.array(where, np.intp), how))

    def __call__(self, raw: NDArray[np.uint8]) -> NDArray[np.float64]:
        if len(self.groups) == 1 and len(self.groups[0][1]) == self.count:
            datatype, _, how = self.groups[0]
            return self._group(raw, datatype, how, self.count)
        values = np.empty(self.count, np.float64)
        for datatype, where, how in self.groups:
            values[where] = self._group(raw, datatype, how, len(where))
        return values

    def _group(
        self,
        raw: NDArray[np.uint8],
        datatype: int,
        how: NDArray[np.intp] | tuple[int, int],
        count: int,
    ) -> NDArray[np.float64]:
        width, dtype = self._WIDTH[datatype]
        if isinstance(how, tuple):
            start, step = how
            picked: NDArray[Any] = np.ndarray((count,), dtype, raw, offset=start, strides=(step,))
        else:
            picked = raw[how].view(dtype)
        values: NDArray[np.float64] = (
            (picked != 0).astype(np.float64)
            if datatype == _BOOLEAN
            else picked.astype(np.float64)  # a copy: the payload's bytes are not kept
        )
        return values


class _StampReader:
    """Decodes the metrics' own timestamp varints, grouped by length."""

    def __init__(self, stamps: list[tuple[int, int, int]], count: int) -> None:
        self.count = count
        self.groups: list[tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.uint64]]] = []
        for length in sorted({length for _, _, length in stamps}):
            chosen = [(index, start) for index, start, size in stamps if size == length]
            where = np.array([index for index, _ in chosen], np.intp)
            starts = np.array([start for _, start in chosen], np.intp)
            gather = starts[:, None] + np.arange(length, dtype=np.intp)
            shifts = (7 * np.arange(length)).astype(np.uint64)
            self.groups.append((where, gather, shifts))

    def __call__(self, raw: NDArray[np.uint8]) -> NDArray[np.int64] | None:
        if not self.groups:
            return None
        stamps = np.zeros(self.count, np.int64)
        for where, gather, shifts in self.groups:
            digits = (raw[gather] & 0x7F).astype(np.uint64) << shifts
            stamps[where] = digits.sum(axis=1, dtype=np.uint64).view(np.int64)
        return stamps
