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

from reind.core.errors import InvalidInputError

Resolution = Literal["minute", "hour"]
"""Rollup bucket sizes kept at ingest."""

BUCKET_MS: dict[Resolution, int] = {"minute": 60_000, "hour": 3_600_000}


class TelemetryPoint(NamedTuple):
    """One sample of one series; numeric in ``value``, strings in ``text``.

    A NamedTuple, not a dataclass: hundreds of thousands are made per second.
    """

    series: str
    timestamp_ms: int
    value: float | None
    text: str | None = None


@dataclass(slots=True)
class PointColumns:
    """Points as parallel lists: the numeric ones in columns, the rest as TelemetryPoint.

    The gateway's hot path fills the columns without making an object per
    point; stores load the columns in bulk (numpy for DuckDB, COPY for
    PostgreSQL). Iterating yields every point as a :class:`TelemetryPoint`.
    """

    series: list[str] = field(default_factory=list)
    timestamps: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    others: list[TelemetryPoint] = field(default_factory=list)
    """Text and null points (value None), rare enough to be objects."""

    def __len__(self) -> int:
        return len(self.series) + len(self.others)

    def __iter__(self) -> Iterator[TelemetryPoint]:
        for series, timestamp, value in zip(self.series, self.timestamps, self.values, strict=True):
            yield TelemetryPoint(series, timestamp, value)
        yield from self.others

    def add(self, series: str, timestamp_ms: int, value: object) -> bool:
        """Add one point; numbers and booleans become floats, strings text.

        Returns False, adding nothing, for a value the store has no column for
        yet (bytes, arrays, datetimes): the caller keeps the message it came in
        (a BIRTH record, or a dead letter with its bytes), so nothing is dropped.
        """
        if value.__class__ is float or isinstance(value, int | float):  # bool is an int
            self.series.append(series)
            self.timestamps.append(timestamp_ms)
            self.values.append(float(value))
        elif isinstance(value, str):
            self.others.append(TelemetryPoint(series, timestamp_ms, None, value))
        elif value is None:
            self.others.append(TelemetryPoint(series, timestamp_ms, None))
        else:
            return False
        return True

    def extend(self, other: PointColumns) -> None:
        """Append every point of ``other``."""
        self.series.extend(other.series)
        self.timestamps.extend(other.timestamps)
        self.values.extend(other.values)
        self.others.extend(other.others)

    @classmethod
    def of(cls, points: Iterable[TelemetryPoint]) -> PointColumns:
        """Columns holding ``points`` (numeric ones in the columns)."""
        if isinstance(points, PointColumns):
            return points
        columns = cls()
        for point in points:
            if point.value is not None and point.text is None:
                columns.series.append(point.series)
                columns.timestamps.append(point.timestamp_ms)
                columns.values.append(point.value)
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
