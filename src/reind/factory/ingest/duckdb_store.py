"""DuckDB telemetry store: the embedded default (a file or ``:memory:``).

Bulk path: numeric points arrive as columns (:class:`PointColumns`), become
numpy arrays and are scanned by DuckDB in place into a staging table (about
four times faster than the CSV scratch file used before, see
docs/decisions/0025). Inside one transaction the staging rows are de-duplicated
on (series, ts, ord) against themselves and against stored points in the
batch's time range (zone maps prune older row groups), and only the fresh rows
are inserted and fed to the rollups. DuckDB allows one writer per file, so one gateway owns a file.

Fresh points are inserted sorted by series and time. DuckDB keeps insertion
order, so a series read back in storage order is ascending except where late
data arrived; :meth:`DuckDBStore.query_increase` differences a counter with a
streaming ``lag() OVER ()`` in that order (no sort of millions of points),
proves the order right from the few ascending runs it sees, and falls back to
``lag() OVER (ORDER BY ts)`` when runs overlap (docs/decisions/0083).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb
import numpy as np

from reind.factory.ingest import duckdb_append
from reind.factory.ingest._reads import ReadQueries, StoreReads
from reind.factory.ingest._sql import (
    ALARM_COLUMNS,
    POINT_COLUMNS,
    ROLLUP_TABLES,
    STAGED_LIVE,
    alarm_row,
    bucket_expr,
    duckdb_sql,
    floor_expr,
    staged,
)
from reind.factory.ingest.duckdb_append import ROLLUP_MERGE
from reind.factory.ingest.duckdb_increase import (
    INCREASE_ORDERED,
    INCREASE_STREAMED,
    INCREASE_WITH_EDGES,
    MAX_RUNS,
    boundary_pairs,
)
from reind.factory.ingest.packed import PackedPoints, SeriesCodes
from reind.factory.ingest.points import (
    BUCKET_MS,
    BirthRecord,
    DeadLetter,
    PointColumns,
    Resolution,
    Rollup,
    TelemetryPoint,
    to_ms,
)
from reind.factory.ingest.store import RollupColumns
from reind.factory.monitoring.events import AlarmEvent

logger = logging.getLogger(__name__)

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS births (topic VARCHAR PRIMARY KEY, received_ms BIGINT,"
    " payload BLOB)",
    "CREATE TABLE IF NOT EXISTS points (series VARCHAR NOT NULL, ts BIGINT NOT NULL,"
    " value DOUBLE, text VARCHAR, ord BIGINT DEFAULT 0, datatype SMALLINT DEFAULT 0,"
    " int_value HUGEINT, bytes_value BLOB)",
    # columns added for issue 14 (files written before them gain them here)
    "ALTER TABLE points ADD COLUMN IF NOT EXISTS ord BIGINT DEFAULT 0",
    "ALTER TABLE points ADD COLUMN IF NOT EXISTS datatype SMALLINT DEFAULT 0",
    "ALTER TABLE points ADD COLUMN IF NOT EXISTS int_value HUGEINT",
    "ALTER TABLE points ADD COLUMN IF NOT EXISTS bytes_value BLOB",
    *[
        f"CREATE TABLE IF NOT EXISTS {table} ("
        " series VARCHAR NOT NULL, bucket BIGINT NOT NULL, count BIGINT NOT NULL,"
        " min DOUBLE, max DOUBLE, sum DOUBLE, last_ts BIGINT, last_value DOUBLE,"
        " PRIMARY KEY (series, bucket))"
        for table in ROLLUP_TABLES.values()
    ],
    "CREATE TABLE IF NOT EXISTS series_seen (series VARCHAR PRIMARY KEY, last_ts BIGINT)",
    "CREATE SEQUENCE IF NOT EXISTS dead_letter_id",
    "CREATE TABLE IF NOT EXISTS dead_letters (id BIGINT DEFAULT nextval('dead_letter_id'),"
    " received_ms BIGINT, topic VARCHAR, reason VARCHAR, payload BLOB)",
    "CREATE SEQUENCE IF NOT EXISTS alarm_event_id",
    "CREATE TABLE IF NOT EXISTS alarm_events (id BIGINT DEFAULT nextval('alarm_event_id'),"
    " at_ms BIGINT, alarm VARCHAR, series VARCHAR, rule VARCHAR, previous VARCHAR,"
    " state VARCHAR, actor VARCHAR, note VARCHAR, value DOUBLE, source_ms BIGINT)",
]


_ORDER_KEY = "ts::HUGEINT * 18446744073709551616 + ord"
_NUMERIC = (
    f"SELECT {POINT_COLUMNS} FROM (SELECT series::VARCHAR AS series, ts, ord, datatype, value,"  # noqa: S608
    " NULL::VARCHAR AS text, NULL::HUGEINT AS int_value, NULL::BLOB AS bytes_value"
    " FROM staging_numeric)"
)
"""The numeric columns of a batch (registered numpy arrays) as point rows."""
"""(ts, ord) as one number: a list or struct key costs the rollup twice as much (ADR 0140)."""


_FRESH_MINUTES = (
    f"CREATE OR REPLACE TEMP TABLE fresh_minutes AS SELECT series, {bucket_expr('ts', 'minute')}"  # noqa: S608
    " AS b, count(value) AS n, min(value) AS lo, max(value) AS hi, sum(value) AS total,"
    f" max(ts) AS last_ts, arg_max(value, {_ORDER_KEY}) AS last, max({_ORDER_KEY}) AS last_key"
    " FROM fresh WHERE value IS NOT NULL GROUP BY series, b"
)
"""The batch's minute buckets, once: the minute rollup takes them as they are and the hour
rollup sums them up (an hour is whole minutes), instead of a second pass over every point."""


def _rollup_upsert(resolution: Resolution) -> str:
    table = ROLLUP_TABLES[resolution]
    if resolution == "minute":
        source = "SELECT series, b, n, lo, hi, total, last_ts, last FROM fresh_minutes"
    else:
        source = (
            f"SELECT series, {bucket_expr('b', resolution)} AS h, sum(n), min(lo), max(hi),"  # noqa: S608
            " sum(total), max(last_ts), arg_max(last, last_key) FROM fresh_minutes GROUP BY"
            " series, h"
        )
    return f"INSERT INTO {table} {source}" + ROLLUP_MERGE  # noqa: S608


_ROLLUP_UPSERTS = [_FRESH_MINUTES, _rollup_upsert("minute"), _rollup_upsert("hour")]

# Table and column names below are module constants, never input: S608 does not apply.
_INSERT_ALARM = f"INSERT INTO alarm_events ({ALARM_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)"  # noqa: S608


def _spread(begin: str, finish: str, size: int) -> str:
    return f"unnest(range({floor_expr(begin, size)}, {finish}, {size}))"


def _numeric(columns: PointColumns) -> dict[str, Any]:
    """The numeric columns as numpy arrays: DuckDB scans them without copying."""
    return {
        "series": np.array(columns.series, dtype=object),
        "ts": np.array(columns.timestamps, dtype=np.int64),
        "ord": np.array(columns.ordinals, dtype=np.int64),
        "datatype": np.array(columns.datatypes, dtype=np.int16),
        "value": np.array(columns.values, dtype=np.float64),
    }


def _row(point: TelemetryPoint) -> tuple[object, ...]:
    """A point in ``POINT_COLUMNS`` order."""
    return (point.series, point.timestamp_ms, point.ordinal, point.datatype, point.value,
            point.text, point.int_value, point.bytes_value)  # fmt: skip


_UPSERT_BIRTH = (
    "INSERT INTO births VALUES (?, ?, ?)"
    " ON CONFLICT (topic) DO UPDATE SET received_ms = excluded.received_ms,"
    " payload = excluded.payload"
)


class DuckDBStore(StoreReads):
    """Telemetry in one DuckDB database; safe to share between threads."""

    _queries = ReadQueries.render(duckdb_sql, _spread)

    def __init__(self, path: str = ":memory:") -> None:
        self._lock = threading.Lock()
        self._connection = duckdb.connect(path)
        self._codes = SeriesCodes()
        for statement in [*_SCHEMA, *duckdb_append.PENDING_SCHEMA]:
            self._connection.execute(statement)
        self._settle()  # what a crashed writer left pending
        self._folded_at = time.monotonic()

    def set_threads(self, threads: int) -> None:
        """Limit DuckDB's worker threads (a writer process leaves the other core to decoding)."""
        with self._lock:
            self._connection.execute(f"SET threads = {int(threads)}")

    def write_batch(
        self,
        points: Sequence[TelemetryPoint] | PointColumns | PackedPoints,
        dead_letters: Sequence[DeadLetter] = (),
        alarm_events: Sequence[AlarmEvent] = (),
        births: Sequence[BirthRecord] = (),
    ) -> int:
        """Write everything in one transaction; return how many points were new."""
        # the common batch (live plain numbers) is planned in numpy before taking the lock
        given = points if isinstance(points, PackedPoints) else PointColumns.of(points)
        with self._lock:
            plan = duckdb_append.plan(given, self._codes)
        columns = PointColumns()
        if plan is None:
            columns = given.columns() if isinstance(given, PackedPoints) else given
        numeric = _numeric(columns) if plan is None else {}
        with self._lock:
            con = self._connection
            con.execute("BEGIN TRANSACTION")
            try:
                if plan is not None:
                    inserted = duckdb_append.write(con, plan)
                    if time.monotonic() - self._folded_at > duckdb_append.FOLD_SECONDS:
                        duckdb_append.fold(con, check=False)
                        self._folded_at = time.monotonic()
                elif len(columns):  # after the pending buckets, as batches come
                    duckdb_append.fold(con)
                    inserted = self._write_points(con, numeric, columns)
                else:
                    inserted = 0
                if dead_letters:
                    con.executemany(
                        "INSERT INTO dead_letters (received_ms, topic, reason, payload)"
                        " VALUES (?, ?, ?, ?)",
                        [(d.received_ms, d.topic, d.reason, d.payload) for d in dead_letters],
                    )
                if alarm_events:
                    con.executemany(
                        _INSERT_ALARM,
                        [alarm_row(e) for e in alarm_events],
                    )
                for birth in births:
                    con.execute(_UPSERT_BIRTH, [birth.topic, birth.received_ms, birth.payload])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            finally:
                con.unregister("staging_numeric")
        return inserted

    def _write_points(
        self,
        con: duckdb.DuckDBPyConnection,
        numeric: dict[str, Any],
        columns: PointColumns,
    ) -> int:
        con.register("staging_numeric", numeric)
        source = staged(columns)
        if columns.others or source != STAGED_LIVE:
            con.execute(f"CREATE OR REPLACE TEMP TABLE staging AS {_NUMERIC}")  # noqa: S608
            if columns.others:
                con.executemany(
                    f"INSERT INTO staging ({POINT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                    [_row(p) for p in columns.others],
                )
        else:  # only live numbers (the common batch): read the numpy columns in place
            source = _NUMERIC
        stamps = [p.timestamp_ms for p in columns.others]
        if columns.timestamps:
            stamps += [min(columns.timestamps), max(columns.timestamps)]
        # a sample is new unless the same (series, ts, ord) is stored: the same message again
        con.execute(
            "CREATE OR REPLACE TEMP TABLE fresh AS SELECT s.* FROM"  # noqa: S608
            f" (SELECT DISTINCT ON (series, ts, ord) * FROM ({source})) s"
            " WHERE NOT EXISTS (SELECT 1 FROM points p WHERE p.ts BETWEEN ? AND ?"
            " AND p.series = s.series AND p.ts = s.ts AND p.ord = s.ord)",
            [min(stamps), max(stamps)],
        )
        # sorted, so each series reads back ascending in storage order (see query_increase);
        # by (series, ts) only: a third key costs DuckDB's sort three times as much, and
        # query_increase checks the order of samples sharing a millisecond itself (ADR 0140)
        con.execute(
            f"INSERT INTO points ({POINT_COLUMNS}) SELECT {POINT_COLUMNS} FROM fresh"  # noqa: S608
            " ORDER BY series, ts"
        )
        for statement in _ROLLUP_UPSERTS:
            con.execute(statement)
        con.execute(
            "INSERT INTO series_seen SELECT series, max(ts) FROM fresh GROUP BY series"
            " ON CONFLICT (series) DO UPDATE SET last_ts = greatest(last_ts, excluded.last_ts)"
        )
        row = con.execute("SELECT count(*) FROM fresh").fetchone()
        return int(row[0]) if row else 0

    def _settle(self) -> None:
        """Fold the pending rollup buckets (:func:`duckdb_append.fold`) before reading them."""
        with self._lock:
            con = self._connection
            con.execute("BEGIN TRANSACTION")
            try:
                duckdb_append.fold(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def query_rollups(
        self, series: str, start: datetime, end: datetime, resolution: Resolution
    ) -> list[Rollup]:
        """Rollup buckets of ``series`` in ``[start, end)``, pending ones folded first."""
        self._settle()
        return super().query_rollups(series, start, end, resolution)

    def last_seen(self) -> dict[str, int]:
        """The newest timestamp of every series, pending batches folded first."""
        self._settle()
        return super().last_seen()

    def _fetch(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> list[tuple[Any, ...]]:
        with self._lock:
            bound = params if isinstance(params, dict) else list(params)
            rows: list[tuple[Any, ...]] = self._connection.execute(sql, bound).fetchall()
            return rows

    def query_rollups_many(
        self, series: Sequence[str], start: datetime, end: datetime, resolution: Resolution
    ) -> RollupColumns:
        """Rollup buckets of every one of ``series`` in ``[start, end)``, in one query."""
        names = list(series)
        if not names:
            return RollupColumns.from_rows(names, [])
        self._settle()
        marks = ", ".join("?" * len(names))
        sql = (
            "SELECT list_position(?::VARCHAR[], series) - 1 AS i, bucket, count, min, max,"  # noqa: S608
            f" sum, last_ts, last_value FROM {ROLLUP_TABLES[resolution]}"
            f" WHERE series IN ({marks}) AND bucket >= ? AND bucket < ? ORDER BY i, bucket"
        )
        with self._lock:
            columns = self._connection.execute(
                sql, [names, *names, to_ms(start), to_ms(end)]
            ).fetchnumpy()
        return RollupColumns.from_arrays(names, list(columns.values()))

    def _last_before(self, series: list[str], low: int, high: int) -> dict[str, int]:
        marks = ", ".join("?" * len(series))
        rows = self._fetch(
            f"SELECT series, max(ts) FROM points WHERE series IN ({marks})"  # noqa: S608
            " AND ts >= ? AND ts < ? GROUP BY series",
            [*series, low, high],
        )
        return {str(name): int(ts) for name, ts in rows}

    def _increase(self, params: dict[str, Any], resolution: Resolution) -> dict[int, float]:
        streamed = self._fetch(INCREASE_STREAMED[resolution], params)
        gains = {int(b): float(g) for b, g, _ in streamed if g is not None}
        runs = sum(int(starts) for _, _, starts in streamed)
        if runs <= 1:
            return gains  # one ascending run: every pair was a pair of consecutive points
        pairs = None
        if runs <= MAX_RUNS:
            streamed = self._fetch(INCREASE_WITH_EDGES[resolution], params)
            gains = {int(b): float(g) for b, g, _, _ in streamed if g is not None}
            firsts = [(int(t), float(v)) for _, _, ends, _ in streamed for t, v in ends or ()]
            lasts = [(int(t), float(v)) for _, _, _, ends in streamed for t, v in ends or ()]
            pairs = boundary_pairs(firsts, lasts)
        if pairs is None:
            logger.info("%s: %d overlapping runs in storage order, sorting", params["series"], runs)
            ordered = self._fetch(INCREASE_ORDERED[resolution], params)
            return {int(b): float(g) for b, g in ordered}
        size = BUCKET_MS[resolution]
        for ts, previous, value in pairs:
            if ts >= params["start"]:
                bucket = ts - ts % size
                gains[bucket] = gains.get(bucket, 0.0) + (
                    value - previous if value >= previous else value
                )
        return gains

    def close(self) -> None:
        """Fold what is pending and close the database."""
        self._settle()
        with self._lock:
            self._connection.close()
