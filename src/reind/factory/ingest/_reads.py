"""The read half both telemetry stores share, written once for either SQL dialect.

The DuckDB and PostgreSQL stores read with the same SQL but for the
placeholder style (DuckDB ``$name``, psycopg ``%(name)s``) and how a span is
split into buckets. :class:`ReadQueries` renders the shared templates in one
dialect; :class:`StoreReads` runs them. A store supplies only what really
differs: ``_fetch`` (its connection and lock), ``_last_before`` and
``_increase`` (DuckDB differences counters in storage order, PostgreSQL in
key order), plus its own write path and ``query_rollups_many``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, ClassVar

from reind.factory.ingest._sql import (
    ALARM_COLUMNS,
    ROLLUP_TABLES,
    Placeholder,
    Render,
    Spread,
    alarm_from_row,
    context_start,
    state_time,
    state_time_by_series,
)
from reind.factory.ingest.points import (
    BirthRecord,
    DeadLetter,
    Resolution,
    Rollup,
    TelemetryPoint,
    to_ms,
)
from reind.factory.ingest.store import BucketAmounts, StateTime
from reind.factory.monitoring.events import AlarmEvent


# Table and column names in these templates are module constants, never input:
# S608 does not apply.
def _raw(p: Placeholder) -> str:
    return (
        "SELECT series, ts, value, text, int_value, bytes_value, datatype, ord"  # noqa: S608
        f" FROM points WHERE series = {p('series')} AND ts >= {p('start')}"
        f" AND ts < {p('end')} ORDER BY ts, ord"
    )


def _rollups(table: str, p: Placeholder) -> str:
    return (
        "SELECT series, bucket, count, min, max, sum, last_ts, last_value"  # noqa: S608
        f" FROM {table} WHERE series = {p('series')} AND bucket >= {p('start')}"
        f" AND bucket < {p('end')} ORDER BY bucket"
    )


def _state_time(resolution: Resolution, spread: Spread, p: Placeholder) -> str:
    return state_time(resolution, p, spread)


def _alarms(p: Placeholder) -> str:
    return f"SELECT {ALARM_COLUMNS} FROM alarm_events ORDER BY id DESC LIMIT {p('most')}"  # noqa: S608


def _dead_letters(p: Placeholder) -> str:
    return (
        "SELECT received_ms, topic, reason, payload FROM dead_letters"  # noqa: S608
        f" ORDER BY id DESC LIMIT {p('most')}"
    )


@dataclass(frozen=True, slots=True)
class ReadQueries:
    """The shared read SQL in one dialect."""

    raw: str
    rollups: Mapping[Resolution, str]
    state_time: Mapping[Resolution, str]
    alarms: str
    dead_letters: str
    births: str = "SELECT topic, received_ms, payload FROM births ORDER BY received_ms"
    last_seen: str = "SELECT series, last_ts FROM series_seen"
    count: str = "SELECT count(*) FROM points"

    @classmethod
    def render(cls, render: Render, spread: Spread) -> ReadQueries:
        """The queries with ``render``'s placeholders and ``spread``'s bucket split."""
        return cls(
            raw=render(_raw),
            rollups={r: render(partial(_rollups, table)) for r, table in ROLLUP_TABLES.items()},
            state_time={r: render(partial(_state_time, r, spread)) for r in ROLLUP_TABLES},
            alarms=render(_alarms),
            dead_letters=render(_dead_letters),
        )


class StoreReads:
    """The ``TelemetryStore`` reads both stores share; subclasses set ``_queries``."""

    _queries: ClassVar[ReadQueries]

    def _fetch(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` with ``params`` (the store's connection and lock)."""
        raise NotImplementedError

    def _last_before(self, series: list[str], low: int, high: int) -> dict[str, int]:
        """The newest timestamp of each of ``series`` in ``[low, high)``."""
        raise NotImplementedError

    def _increase(self, params: dict[str, Any], resolution: Resolution) -> Mapping[Any, Any]:
        """Increase per bucket of one counter: ``{bucket: gained}`` (see ``query_increase``)."""
        raise NotImplementedError

    def query_raw(self, series: str, start: datetime, end: datetime) -> list[TelemetryPoint]:
        """Points of ``series`` with ``start <= timestamp < end``, by (timestamp, ordinal)."""
        params = {"series": series, "start": to_ms(start), "end": to_ms(end)}
        return [
            TelemetryPoint(
                name,
                int(ts),
                value,
                text,
                None if wide is None else int(wide),  # PostgreSQL numeric: a Decimal
                None if blob is None else bytes(blob),
                int(datatype or 0),
                int(ordinal or 0),
            )  # fmt: skip
            for name, ts, value, text, wide, blob, datatype, ordinal in self._fetch(
                self._queries.raw, params
            )
        ]

    def query_rollups(
        self, series: str, start: datetime, end: datetime, resolution: Resolution
    ) -> list[Rollup]:
        """Rollup buckets of ``series`` starting in ``[start, end)``, oldest first."""
        params = {"series": series, "start": to_ms(start), "end": to_ms(end)}
        return [Rollup(*row) for row in self._fetch(self._queries.rollups[resolution], params)]

    def query_increase(
        self, series: Sequence[str], start: datetime, end: datetime, resolution: Resolution
    ) -> BucketAmounts:
        """Increase per bucket of never-decreasing counters (see ``TelemetryStore``)."""
        start_ms, end_ms = to_ms(start), to_ms(end)
        context = context_start(self._last_before, series, start_ms)
        rows: list[tuple[object, ...]] = []
        for index, name in enumerate(series):
            params = {"series": name, "lo": context[name], "start": start_ms, "end": end_ms}
            gains = self._increase(params, resolution)
            rows += [(index, bucket, 0.0, gained) for bucket, gained in gains.items()]
        return BucketAmounts.from_rows(series, rows)

    def query_state_time(
        self,
        series: Sequence[str],
        start: datetime,
        end: datetime,
        resolution: Resolution,
        delay_ms: int = 0,
    ) -> StateTime:
        """Time in each value of step series, per bucket (see ``TelemetryStore``)."""
        return state_time_by_series(
            self._fetch, self._last_before, self._queries.state_time[resolution],
            series, to_ms(start), to_ms(end), delay_ms,
        )  # fmt: skip

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        """The most recent dead letters, newest first."""
        rows = self._fetch(self._queries.dead_letters, {"most": limit})
        return [DeadLetter(r[0], r[1], r[2], bytes(r[3])) for r in rows]

    def alarm_events(self, limit: int = 100) -> list[AlarmEvent]:
        """The most recent alarm events, newest first."""
        return [alarm_from_row(row) for row in self._fetch(self._queries.alarms, {"most": limit})]

    def births(self) -> list[BirthRecord]:
        """The latest BIRTH of every edge node and device, oldest first."""
        rows = self._fetch(self._queries.births)
        return [BirthRecord(r[0], int(r[1]), bytes(r[2])) for r in rows]

    def last_seen(self) -> dict[str, int]:
        """Newest point timestamp (ms) of every series ever written."""
        return {s: int(t) for s, t in self._fetch(self._queries.last_seen)}

    def count_points(self) -> int:
        """How many raw points are stored."""
        return int(self._fetch(self._queries.count)[0][0])
