"""The telemetry store interface and how to open one from a URL.

Two implementations share one test suite: DuckDB (embedded default) and
PostgreSQL (server deployments). Both make ``write_batch`` idempotent on
``(series, timestamp, ordinal)`` (the ordinal is the message's identity, so
samples sharing a millisecond are all kept and a replayed message once) and
feed the minute/hour rollups only from points that were newly inserted, so a
replayed message never counts twice. Each point keeps its Sparkplug datatype
and reads back in its exact type (docs/decisions/0140).

Reads that span many series and a long window (KPIs over a year) return
numpy columns rather than an object per row, and the aggregations over raw
points (counter increases, time in each state) run in the database next to
the points, so a year costs a few thousand rows, not millions of objects
(docs/decisions/0083).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from reind.core.errors import InvalidInputError
from reind.factory.ingest.packed import PackedPoints
from reind.factory.ingest.points import (
    BirthRecord,
    DeadLetter,
    PointColumns,
    Resolution,
    Rollup,
    TelemetryPoint,
)
from reind.factory.monitoring.events import AlarmEvent

Int64s = NDArray[np.int64]
Float64s = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class RollupColumns:
    """Rollup buckets of several series as parallel columns, by series then bucket.

    ``index[i]`` is the position in ``series`` of row ``i``'s series. Why
    columns: a year of hour rollups for a line is tens of thousands of rows,
    and one :class:`Rollup` object per row costs more than the query.
    """

    series: tuple[str, ...]
    index: Int64s
    bucket_ms: Int64s
    count: Int64s
    minimum: Float64s
    maximum: Float64s
    total: Float64s
    last_timestamp_ms: Int64s
    last: Float64s

    def __len__(self) -> int:
        return len(self.index)

    def rollups(self, series: str) -> list[Rollup]:
        """The rows of one ``series`` as :class:`Rollup` objects, oldest first."""
        if series not in self.series:
            return []
        rows = np.flatnonzero(self.index == self.series.index(series))
        return [
            Rollup(
                series,
                int(self.bucket_ms[i]),
                int(self.count[i]),
                float(self.minimum[i]),
                float(self.maximum[i]),
                float(self.total[i]),
                int(self.last_timestamp_ms[i]),
                float(self.last[i]),
            )
            for i in rows
        ]

    @classmethod
    def from_rows(cls, series: Sequence[str], rows: Sequence[Sequence[object]]) -> RollupColumns:
        """Columns from ``(index, bucket, count, min, max, sum, last_ts, last)`` rows."""
        table = np.array(rows, dtype=np.float64).reshape(-1, 8)
        return cls.from_arrays(series, [table[:, k] for k in range(8)])

    @classmethod
    def from_arrays(cls, series: Sequence[str], columns: Sequence[object]) -> RollupColumns:
        """Columns from eight arrays in ``from_rows`` order (whatever their dtypes)."""
        index, bucket, count, low, high, total, last_ts, last = columns
        return cls(
            tuple(series),
            np.asarray(index, dtype=np.int64),
            np.asarray(bucket, dtype=np.int64),
            np.asarray(count, dtype=np.int64),
            np.asarray(low, dtype=np.float64),
            np.asarray(high, dtype=np.float64),
            np.asarray(total, dtype=np.float64),
            np.asarray(last_ts, dtype=np.int64),
            np.asarray(last, dtype=np.float64),
        )


@dataclass(frozen=True, slots=True)
class BucketAmounts:
    """An amount per series, bucket and key (a state number, or 0), as parallel columns.

    Sorted by series index, bucket, then key; ``index[i]`` is a position in ``series``.
    """

    series: tuple[str, ...]
    index: Int64s
    bucket_ms: Int64s
    key: Float64s
    amount: Float64s

    def __len__(self) -> int:
        return len(self.index)

    def as_dict(self) -> dict[tuple[str, int, float], float]:
        """``{(series, bucket_ms, key): amount}`` (for tests and small windows)."""
        return {
            (self.series[int(i)], int(b), float(k)): float(a)
            for i, b, k, a in zip(self.index, self.bucket_ms, self.key, self.amount, strict=True)
        }

    @classmethod
    def from_rows(cls, series: Sequence[str], rows: Sequence[Sequence[object]]) -> BucketAmounts:
        """Columns from ``(index, bucket, key, amount)`` rows, sorted here."""
        table = np.array(rows, dtype=np.float64).reshape(-1, 4)
        index = table[:, 0].astype(np.int64)
        bucket = table[:, 1].astype(np.int64)
        order = np.lexsort((table[:, 2], bucket, index))
        return cls(tuple(series), index[order], bucket[order], table[order, 2], table[order, 3])


@dataclass(frozen=True, slots=True)
class StateTime:
    """How long each state value was held, and how often it was entered, per bucket."""

    held_seconds: BucketAmounts
    """Seconds each value held, split at bucket boundaries."""
    entries: BucketAmounts
    """Points whose value differs from the previous one, in the bucket of the point."""


class TelemetryStore(Protocol):
    """Where telemetry, rollups, dead letters and alarm events are kept."""

    def write_batch(
        self,
        points: Sequence[TelemetryPoint] | PointColumns | PackedPoints,
        dead_letters: Sequence[DeadLetter] = (),
        alarm_events: Sequence[AlarmEvent] = (),
        births: Sequence[BirthRecord] = (),
    ) -> int:
        """Write everything in one transaction; return how many points were new."""
        ...

    def births(self) -> list[BirthRecord]:
        """The latest BIRTH of every edge node and device, oldest first."""
        ...

    def query_raw(self, series: str, start: datetime, end: datetime) -> list[TelemetryPoint]:
        """Points of ``series`` with ``start <= timestamp < end``, by (timestamp, ordinal)."""
        ...

    def query_rollups(
        self, series: str, start: datetime, end: datetime, resolution: Resolution
    ) -> list[Rollup]:
        """Rollup buckets of ``series`` starting in ``[start, end)``, oldest first."""
        ...

    def query_rollups_many(
        self, series: Sequence[str], start: datetime, end: datetime, resolution: Resolution
    ) -> RollupColumns:
        """Rollup buckets of every one of ``series`` (distinct names) starting in
        ``[start, end)``, in one query, sorted by series position then bucket."""
        ...

    def query_increase(
        self, series: Sequence[str], start: datetime, end: datetime, resolution: Resolution
    ) -> BucketAmounts:
        """Increase per bucket of never-decreasing counters, computed from raw points.

        Each numeric point at ``start <= t < end`` that has a numeric predecessor
        adds ``value - previous`` to the bucket holding ``t``, or ``value`` when
        it is lower than the previous (a counter reset counts from zero). The
        predecessors before ``start`` are the points of the day before it or,
        when that day has none, the single last point before it (null points
        break nothing but give no value). ``key`` is 0.
        """
        ...

    def query_state_time(
        self,
        series: Sequence[str],
        start: datetime,
        end: datetime,
        resolution: Resolution,
        delay_ms: int = 0,
    ) -> StateTime:
        """Time in each value of step series (a value holds until the next point), per bucket.

        Null and zero points are not readings (PackTags state 0 is undefined)
        and are skipped. A point at ``t`` starts its value at ``t + delay_ms``
        (a machine step that ends at ``t``); the last value holds until ``end``.
        Entries are counted at the point's own timestamp in ``[start, end)``;
        the points before ``start`` are chosen as for :meth:`query_increase`.
        Keys are the values truncated to integers.
        """
        ...

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        """The most recent dead letters, newest first."""
        ...

    def alarm_events(self, limit: int = 100) -> list[AlarmEvent]:
        """The most recent alarm events, newest first."""
        ...

    def last_seen(self) -> dict[str, int]:
        """Newest point timestamp (ms) of every series ever written."""
        ...

    def count_points(self) -> int:
        """How many raw points are stored (for checks and benchmarks)."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...


def open_store(url: str) -> TelemetryStore:
    """Open a store from ``duckdb:<path>``, ``duckdb::memory:`` or ``postgresql://...``."""
    if url.startswith("duckdb:"):
        from reind.factory.ingest.duckdb_store import DuckDBStore

        return DuckDBStore(url.removeprefix("duckdb:") or ":memory:")
    if url.startswith(("postgresql:", "postgresql+psycopg:", "postgres:")):
        from reind.factory.ingest.postgres_store import PostgresStore

        return PostgresStore(url)
    raise InvalidInputError(
        f"unknown telemetry store URL {url!r}: use duckdb:<path> or postgresql://...", url=url
    )
