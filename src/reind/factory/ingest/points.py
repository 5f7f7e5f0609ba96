"""The values that flow through ingest: points, rollups and dead letters.

Timestamps are integer milliseconds since the Unix epoch (UTC), the unit
Sparkplug B uses on the wire, so the hot path never builds ``datetime``
objects; :func:`to_ms` and :func:`from_ms` convert at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass
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
