"""The values that flow through ingest: points, rollups and dead letters.

Timestamps are integer milliseconds since the Unix epoch (UTC), the unit
Sparkplug B uses on the wire, so the hot path never builds ``datetime``
objects; :func:`to_ms` and :func:`from_ms` convert at the edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from reind.core.errors import InvalidInputError
from reind.factory.ingest.typed import StoredForm, UnstorableError, exact_value, stored_form

Resolution = Literal["minute", "hour"]
"""Rollup bucket sizes kept at ingest."""

BUCKET_MS: dict[Resolution, int] = {"minute": 60_000, "hour": 3_600_000}


class TelemetryPoint(NamedTuple):
    """One sample of one series; numeric in ``value``, strings in ``text``.

    A NamedTuple, not a dataclass: hundreds of thousands are made per second.
    ``datatype`` (Sparkplug's number, 0 if unknown) says how the columns read
    back (:attr:`exact`, :mod:`reind.factory.ingest.typed`); ``ordinal`` orders
    samples that share a millisecond and makes a replay of the same message
    a duplicate (see :func:`message_ordinal`).
    """

    series: str
    timestamp_ms: int
    value: float | None
    text: str | None = None
    int_value: int | None = None
    bytes_value: bytes | None = None
    datatype: int = 0
    ordinal: int = 0

    @property
    def exact(self) -> object:
        """The value in the Python type of its datatype (int, bool, datetime, bytes, tuple)."""
        return exact_value(self.datatype, self.value, self.text, self.int_value, self.bytes_value)


def message_ordinal(
    bdseq: int | None, seq: int | None, index: int, historical: bool = False
) -> int:
    """A sample's place among those of its series in one millisecond, from its message.

    The message's identity (the edge node's bdSeq and seq, the metric's index
    in it) in one number: a redelivered message gives the same ordinal, so the
    store keeps it once; different messages (or two values of one metric in one
    message) in the same millisecond get different ones, ordered as sent.
    A historical sample (``is_historical``: store and forward) gets the negative
    of it: the store keeps such a value once per (series, timestamp, value), since
    an edge node may state a past value again in a new message (docs/decisions/0140).
    """
    identity = (((bdseq or 0) & 0xFF) << 40) | (((seq or 0) & 0xFF) << 32) | (index & 0xFFFF_FFFF)
    return -identity - 1 if historical else identity


@dataclass(frozen=True, slots=True)
class Block:
    """One DATA payload's plain numbers as arrays, read by its layout (ADR 0143).

    ``names`` and ``datatypes`` belong to the payload's layout and are shared by
    every block of it (never changed), so the writer's side can code the series
    once per layout rather than once per point.
    """

    names: list[str]
    datatypes: NDArray[np.int16]
    timestamps: NDArray[np.int64] | int
    """Each point's timestamp, or one for all of them."""
    values: NDArray[np.float64]
    ordinal: int
    """The first point's ordinal; the others follow one by one, as in the payload."""

    def __len__(self) -> int:
        return len(self.names)

    def stamps(self) -> NDArray[np.int64]:
        """Each point's timestamp."""
        if isinstance(self.timestamps, int):
            return np.full(len(self.names), self.timestamps, np.int64)
        return self.timestamps

    def __iter__(self) -> Iterator[TelemetryPoint]:
        stamps = self.stamps().tolist()
        for k, (series, value, datatype) in enumerate(
            zip(self.names, self.values.tolist(), self.datatypes.tolist(), strict=True)
        ):
            yield TelemetryPoint(series, stamps[k], value, None, None, None, datatype,
                                 self.ordinal + k)  # fmt: skip


@dataclass(slots=True)
class PointColumns:
    """Points as parallel lists: plain numbers in columns, the rest as TelemetryPoint.

    The gateway's hot path fills the columns without making an object per
    point; stores load the columns in bulk (numpy for DuckDB, COPY for
    PostgreSQL). Iterating yields every point as a :class:`TelemetryPoint`.
    """

    series: list[str] = field(default_factory=list)
    timestamps: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    datatypes: list[int] = field(default_factory=list)
    ordinals: list[int] = field(default_factory=list)
    others: list[TelemetryPoint] = field(default_factory=list)
    """Text, null, wide-integer, bytes and array points, rare enough to be objects."""
    blocks: list[Block] = field(default_factory=list)
    """Whole payloads of plain numbers as arrays (the gateway's layout path), after the
    columns; a store that reads the columns directly gets :meth:`flat` instead."""
    block_points: int = 0

    def __len__(self) -> int:
        return len(self.series) + len(self.others) + self.block_points

    def __iter__(self) -> Iterator[TelemetryPoint]:
        for series, timestamp, value, datatype, ordinal in zip(
            self.series, self.timestamps, self.values, self.datatypes, self.ordinals, strict=True
        ):
            yield TelemetryPoint(series, timestamp, value, None, None, None, datatype, ordinal)
        for block in self.blocks:
            yield from block
        yield from self.others

    def add_block(self, block: Block) -> None:
        """Add one payload's points as arrays."""
        self.blocks.append(block)
        self.block_points += len(block)

    def flat(self) -> PointColumns:
        """The same points with the blocks' moved into the columns (for the stores)."""
        if not self.blocks:
            return self
        columns = PointColumns(
            *(list(self.series), list(self.timestamps), list(self.values)),
            *(list(self.datatypes), list(self.ordinals), list(self.others)),
        )
        for block in self.blocks:
            count = len(block)
            columns.series.extend(block.names)
            columns.timestamps.extend(block.stamps().tolist())
            columns.values.extend(block.values.tolist())
            columns.datatypes.extend(block.datatypes.tolist())
            columns.ordinals.extend(range(block.ordinal, block.ordinal + count))
        return columns

    def newest(self) -> int | None:
        """The latest timestamp of a numeric point (None without one)."""
        stamps = [max(self.timestamps)] if self.timestamps else []
        stamps.extend(
            b.timestamps if isinstance(b.timestamps, int) else int(b.timestamps.max())
            for b in self.blocks
        )
        return max(stamps) if stamps else None

    def add(
        self, series: str, timestamp_ms: int, value: object, datatype: int = 0, ordinal: int = 0
    ) -> bool:
        """Add one point of ``datatype``, kept exactly (:func:`typed.stored_form`).

        Returns False, adding nothing, for a value the store keeps no point for
        (a Bytes value over the size limit): the caller keeps the message it came
        in (a BIRTH record, or a dead letter with its bytes), so nothing is dropped.
        """
        if value.__class__ is float:
            form = StoredForm(value)
        else:
            try:
                form = stored_form(value, datatype)
            except UnstorableError:
                return False
        if form.value is not None and form[1:] == (None, None, None):
            self.series.append(series)
            self.timestamps.append(timestamp_ms)
            self.values.append(form.value)
            self.datatypes.append(datatype)
            self.ordinals.append(ordinal)
        else:
            self.others.append(TelemetryPoint(series, timestamp_ms, *form, datatype, ordinal))
        return True

    def extend(self, other: PointColumns) -> None:
        """Append every point of ``other``."""
        self.series.extend(other.series)
        self.timestamps.extend(other.timestamps)
        self.values.extend(other.values)
        self.datatypes.extend(other.datatypes)
        self.ordinals.extend(other.ordinals)
        self.others.extend(other.others)
        self.blocks.extend(other.blocks)
        self.block_points += other.block_points

    @classmethod
    def of(cls, points: Iterable[TelemetryPoint]) -> PointColumns:
        """Columns holding ``points`` (plain numeric ones in the columns)."""
        if isinstance(points, PointColumns):
            return points
        columns = cls()
        for point in points:
            if point.value is not None and point[3:6] == (None, None, None):
                columns.series.append(point.series)
                columns.timestamps.append(point.timestamp_ms)
                columns.values.append(point.value)
                columns.datatypes.append(point.datatype)
                columns.ordinals.append(point.ordinal)
            else:
                columns.others.append(point)
        return columns


@dataclass(frozen=True, slots=True)
class Rollup:
    """Aggregate of the numeric points of one series in one time bucket."""

    series: str
    bucket_ms: int
    count: int
    minimum: float
    maximum: float
    total: float
    last_timestamp_ms: int
    last: float

    @property
    def mean(self) -> float:
        """Arithmetic mean of the bucket's values."""
        return self.total / self.count


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message the gateway could not accept, kept with its raw bytes."""

    received_ms: int
    topic: str
    reason: str
    payload: bytes


@dataclass(frozen=True, slots=True)
class BirthRecord:
    """The latest BIRTH message of an edge node or device, kept so a restarted
    gateway knows the aliases without waiting for a Rebirth."""

    topic: str
    received_ms: int
    payload: bytes


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch for a timezone-aware ``moment``."""
    if moment.tzinfo is None:
        raise InvalidInputError("naive datetime: telemetry times must be timezone-aware")
    return int(moment.timestamp() * 1000)


def from_ms(milliseconds: int) -> datetime:
    """The UTC datetime for milliseconds since the epoch."""
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)


def bucket_start(timestamp_ms: int, resolution: Resolution) -> int:
    """Start of the rollup bucket holding ``timestamp_ms``."""
    size = BUCKET_MS[resolution]
    return timestamp_ms - timestamp_ms % size
