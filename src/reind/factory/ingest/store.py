"""The telemetry store interface and how to open one from a URL.

Two implementations share one test suite: DuckDB (embedded default) and
PostgreSQL (server deployments). Both make ``write_batch`` idempotent on
``(series, timestamp)`` and feed the minute/hour rollups only from points
that were newly inserted, so a replayed message never counts twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from reind.core.errors import InvalidInputError
from reind.factory.ingest.points import (
    BirthRecord,
    DeadLetter,
    PointColumns,
    Resolution,
    Rollup,
    TelemetryPoint,
)
from reind.factory.monitoring.events import AlarmEvent


class TelemetryStore(Protocol):
    """Where telemetry, rollups, dead letters and alarm events are kept."""

    def write_batch(
        self,
        points: Sequence[TelemetryPoint] | PointColumns,
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
        """Points of ``series`` with ``start <= timestamp < end``, oldest first."""
        ...

    def query_rollups(
        self, series: str, start: datetime, end: datetime, resolution: Resolution
    ) -> list[Rollup]:
        """Rollup buckets of ``series`` starting in ``[start, end)``, oldest first."""
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
