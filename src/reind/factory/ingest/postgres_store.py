"""PostgreSQL telemetry store for server deployments (psycopg 3).

* ``points`` is range-partitioned by day and ``rollup_minute`` by month on
  the millisecond timestamp; partitions are created on demand the first time
  a batch touches a new day or month.
* A batch goes in by binary ``COPY`` into a temporary staging table, then
  one statement inserts it with ``ON CONFLICT DO NOTHING`` and, from the rows
  that statement actually inserted (``RETURNING``), upsert-merges the minute
  and hour rollups. Several gateways may write at once: a point two of them
  race on is inserted, and rolled up, by exactly one.
* The numeric columns are not copied row by row: numpy lays them out as
  fixed-width binary COPY tuples (series id, ts, value) in one buffer, the
  batch's few hundred series names go in a small dictionary table beside
  them, and the server joins the two into ``staging`` (docs/decisions/0028).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

import numpy as np
import psycopg
from psycopg import errors as pg_errors

from reind.factory.ingest._reads import ReadQueries, StoreReads
from reind.factory.ingest._sql import (
    ALARM_COLUMNS,
    DAY_MS,
    POINT_COLUMNS,
    ROLLUP_TABLES,
    STAGED_LIVE,
    STAGED_SAMPLES,
    alarm_row,
    bucket_expr,
    floor_expr,
    increase_ordered,
    psycopg_sql,
    staged,
)
from reind.factory.ingest.packed import PackedPoints
from reind.factory.ingest.points import (
    BirthRecord,
    DeadLetter,
    PointColumns,
    Resolution,
    TelemetryPoint,
    to_ms,
)
from reind.factory.ingest.store import RollupColumns
from reind.factory.monitoring.events import AlarmEvent

logger = logging.getLogger(__name__)

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS births (topic text PRIMARY KEY, received_ms BIGINT, payload bytea)",
    "CREATE TABLE IF NOT EXISTS points (series text NOT NULL, ts bigint NOT NULL,"
    " value double precision, text text, ord bigint NOT NULL DEFAULT 0,"
    " datatype smallint NOT NULL DEFAULT 0, int_value numeric(20, 0), bytes_value bytea,"
    " PRIMARY KEY (series, ts, ord)) PARTITION BY RANGE (ts)",
    # a database made before issue 14 gains the columns here, its key in _key_with_ordinal
    "ALTER TABLE points ADD COLUMN IF NOT EXISTS ord bigint NOT NULL DEFAULT 0",
    "ALTER TABLE points ADD COLUMN IF NOT EXISTS datatype smallint NOT NULL DEFAULT 0",
    "ALTER TABLE points ADD COLUMN IF NOT EXISTS int_value numeric(20, 0)",
    "ALTER TABLE points ADD COLUMN IF NOT EXISTS bytes_value bytea",
    "CREATE TABLE IF NOT EXISTS rollup_minute (series text NOT NULL, bucket bigint NOT NULL,"
    " count bigint NOT NULL, min double precision, max double precision, sum double precision,"
    " last_ts bigint, last_value double precision, PRIMARY KEY (series, bucket))"
    " PARTITION BY RANGE (bucket)",
    "CREATE TABLE IF NOT EXISTS rollup_hour (series text NOT NULL, bucket bigint NOT NULL,"
    " count bigint NOT NULL, min double precision, max double precision, sum double precision,"
    " last_ts bigint, last_value double precision, PRIMARY KEY (series, bucket))",
    "CREATE TABLE IF NOT EXISTS series_seen (series text PRIMARY KEY, last_ts bigint NOT NULL)",
    "CREATE TABLE IF NOT EXISTS dead_letters (id bigserial PRIMARY KEY, received_ms bigint,"
    " topic text, reason text, payload bytea)",
    "CREATE TABLE IF NOT EXISTS alarm_events (id bigserial PRIMARY KEY, at_ms bigint,"
    " alarm text, series text, rule text, previous text, state text, actor text, note text,"
    " value double precision, source_ms bigint)",
]


def _rollup_cte(name: str, resolution: Resolution) -> str:
    table = ROLLUP_TABLES[resolution]
    bucket = bucket_expr("ts", resolution)
    return (
        f"{name} AS (INSERT INTO {table} AS r SELECT series, {bucket} AS b, count(value),"  # noqa: S608
        " min(value), max(value), sum(value), max(ts),"
        " (array_agg(value ORDER BY ts DESC, ord DESC))[1]"
        " FROM ins WHERE value IS NOT NULL GROUP BY series, b ORDER BY series, b"
        " ON CONFLICT (series, bucket) DO UPDATE SET count = r.count + EXCLUDED.count,"
        " min = least(r.min, EXCLUDED.min), max = greatest(r.max, EXCLUDED.max),"
        " sum = r.sum + EXCLUDED.sum, last_value = CASE WHEN EXCLUDED.last_ts >= r.last_ts"
        " THEN EXCLUDED.last_value ELSE r.last_value END,"
        " last_ts = greatest(r.last_ts, EXCLUDED.last_ts))"
    )


# Table and column names in SQL here are module constants, never input: S608 does not apply.
_POINT_TYPES = ["text", "int8", "int8", "int2", "float8", "text", "numeric", "bytea"]


def _merge(staged_rows: str) -> str:
    """One statement: insert the staged rows worth inserting, roll them up, mark them seen."""
    return (
        f"WITH ins AS (INSERT INTO points ({POINT_COLUMNS}) {staged_rows}"  # noqa: S608
        " ON CONFLICT DO NOTHING RETURNING series, ts, ord, value), "
        + _rollup_cte("m", "minute")
        + ", "
        + _rollup_cte("h", "hour")
        + ", s AS (INSERT INTO series_seen AS q SELECT series, max(ts) FROM ins GROUP BY series"
        " ORDER BY series ON CONFLICT (series) DO UPDATE"
        " SET last_ts = greatest(q.last_ts, EXCLUDED.last_ts))"
        " SELECT count(*) FROM ins"
    )


_MERGE = {rows: _merge(rows) for rows in (STAGED_SAMPLES, STAGED_LIVE)}

_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags 0, no extension
_COPY_TRAILER = b"\xff\xff"
_NUMERIC_TUPLE = np.dtype(
    [("fields", ">i2"), ("id_len", ">i4"), ("id", ">i4"), ("ts_len", ">i4"), ("ts", ">i8"),
     ("ord_len", ">i4"), ("ord", ">i8"), ("datatype_len", ">i4"), ("datatype", ">i2"),
     ("value_len", ">i4"), ("value", ">f8")]
)  # fmt: skip
"""One binary COPY tuple of (series id int4, ts int8, ord int8, datatype int2, value float8),
big-endian, packed."""
_TEMP_TABLES = [
    "CREATE TEMP TABLE staging (series text, ts bigint, ord bigint, datatype smallint,"
    " value double precision, text text, int_value numeric(20, 0), bytes_value bytea)"
    " ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE staging_numeric (id int, ts bigint, ord bigint, datatype smallint,"
    " value double precision) ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE batch_series (id int, series text) ON COMMIT DELETE ROWS",
]
_FROM_NUMERIC = (
    "INSERT INTO staging (series, ts, ord, datatype, value)"
    " SELECT n.series, s.ts, s.ord, s.datatype, s.value"
    " FROM staging_numeric s JOIN batch_series n ON n.id = s.id"
)


def numeric_copy_buffer(
    ids: Any, timestamps: Any, values: Any, ordinals: Any = 0, datatypes: Any = 0
) -> bytes:
    """The whole binary COPY stream (header, tuples, trailer) for the numeric columns."""
    rows = np.empty(len(ids), dtype=_NUMERIC_TUPLE)
    rows["fields"] = 5
    rows["id_len"] = 4
    rows["id"] = ids
    rows["ts_len"] = 8
    rows["ts"] = timestamps
    rows["ord_len"] = 8
    rows["ord"] = ordinals
    rows["datatype_len"] = 2
    rows["datatype"] = datatypes
    rows["value_len"] = 8
    rows["value"] = values
    return _COPY_HEADER + rows.tobytes() + _COPY_TRAILER


def _spread(begin: str, finish: str, size: int) -> str:
    return f"generate_series({floor_expr(begin, size)}, {finish} - 1, {size})"


_INCREASE = {r: psycopg_sql(partial(increase_ordered, r)) for r in ROLLUP_TABLES}
_ROLLUPS_MANY_COPY = {
    resolution: "COPY (SELECT (array_position(%(names)s::text[], series) - 1)::int8 AS i,"  # noqa: S608
    " bucket, count, coalesce(min, 'NaN'), coalesce(max, 'NaN'), coalesce(sum, 'NaN'),"
    " coalesce(last_ts, 0), coalesce(last_value, 'NaN')"
    f" FROM {table} WHERE series = ANY(%(names)s) AND bucket >= %(low)s"
    " AND bucket < %(high)s) TO STDOUT (FORMAT BINARY)"
    for resolution, table in ROLLUP_TABLES.items()
}
_ROLLUP_FLOATS = (3, 4, 5, 7)  # min, max, sum, last_value; the others are int8
_ROLLUP_TUPLE = np.dtype(
    [("fields", ">i2")]
    + [
        item
        for k in range(8)
        for item in ((f"len{k}", ">i4"), (f"v{k}", ">f8" if k in _ROLLUP_FLOATS else ">i8"))
    ]
)
"""One binary COPY tuple of a rollup row: eight non-null 8-byte fields, big-endian."""


def rollup_columns_from_copy(series: Sequence[str], data: bytes) -> RollupColumns:
    """Parse a binary COPY of ``_ROLLUPS_MANY_COPY`` with numpy: no Python object per row.

    Sorted here by series position and bucket: numpy sorts a year of rows in a
    millisecond, the server's sort of them cost more than the rest of the query.
    """
    body = data[len(_COPY_HEADER) : len(data) - len(_COPY_TRAILER)]
    rows = np.frombuffer(body, dtype=_ROLLUP_TUPLE)
    if len(rows) and not ((rows["fields"] == 8).all() and (rows["len0"] == 8).all()):
        raise ValueError("unexpected COPY layout for rollups")  # a NULL or a changed column
    rows = rows[np.lexsort((rows["v1"], rows["v0"]))]
    return RollupColumns.from_arrays(series, [rows[f"v{k}"] for k in range(8)])


def _month_range(timestamp_ms: int) -> tuple[str, int, int]:
    moment = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
    start = datetime(moment.year, moment.month, 1, tzinfo=UTC)
    end = datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1, tzinfo=UTC)
    return f"{moment:%Y%m}", to_ms(start), to_ms(end)


def _row(point: TelemetryPoint) -> tuple[object, ...]:
    """A point in ``POINT_COLUMNS`` order."""
    return (point.series, point.timestamp_ms, point.ordinal, point.datatype, point.value,
            point.text, point.int_value, point.bytes_value)  # fmt: skip


def _key_with_ordinal(connection: psycopg.Connection[Any]) -> None:
    """Make ``points``' primary key (series, ts, ord) in a database made before it had ``ord``."""
    row = connection.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'points'::regclass AND contype = 'p'"
    ).fetchone()
    if row is not None and "ord" not in str(row[1]):
        logger.info("points: primary key %s becomes (series, ts, ord)", row[0])
        connection.execute(f'ALTER TABLE points DROP CONSTRAINT "{row[0]}"')
        connection.execute("ALTER TABLE points ADD PRIMARY KEY (series, ts, ord)")


_UPSERT_BIRTH = (
    "INSERT INTO births VALUES (%s, %s, %s)"
    " ON CONFLICT (topic) DO UPDATE SET received_ms = EXCLUDED.received_ms,"
    " payload = EXCLUDED.payload"
)


class PostgresStore(StoreReads):
    """Telemetry in PostgreSQL; one connection, guarded by a lock."""

    _queries = ReadQueries.render(psycopg_sql, _spread)

    def __init__(self, url: str) -> None:
        self._lock = threading.Lock()
        self._conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self._connection = psycopg.connect(self._conninfo, autocommit=False)
        self._partitions: set[str] = set()
        with self._connection.transaction():
            for statement in _SCHEMA:
                self._connection.execute(statement)
            _key_with_ordinal(self._connection)
        for statement in _TEMP_TABLES:
            self._connection.execute(statement)
        self._connection.commit()

    def _ensure_partitions(self, timestamps: Iterable[int]) -> None:
        wanted: dict[str, str] = {}
        for day in {int(ts) // DAY_MS for ts in timestamps}:
            name = f"points_d{day}"
            if name not in self._partitions:
                low, high = day * DAY_MS, (day + 1) * DAY_MS
                wanted[name] = f"PARTITION OF points FOR VALUES FROM ({low}) TO ({high})"
        for month_ts in {int(ts) // DAY_MS * DAY_MS for ts in timestamps}:
            label, low, high = _month_range(month_ts)
            name = f"rollup_minute_m{label}"
            if name not in self._partitions:
                wanted[name] = f"PARTITION OF rollup_minute FOR VALUES FROM ({low}) TO ({high})"
        for name, clause in sorted(wanted.items()):
            self._create_partition(name, clause)

    def _create_partition(self, name: str, clause: str) -> None:
        # Its own short transaction, so a concurrent gateway creating the same
        # partition costs a retry of nothing, not our batch.
        try:
            with psycopg.connect(self._conninfo, autocommit=True) as side:
                side.execute(f"CREATE TABLE IF NOT EXISTS {name} {clause}")
        except (pg_errors.DuplicateTable, pg_errors.UniqueViolation):
            logger.info("partition %s was created concurrently by another writer", name)
        self._partitions.add(name)

    def write_batch(
        self,
        points: Sequence[TelemetryPoint] | PointColumns | PackedPoints,
        dead_letters: Sequence[DeadLetter] = (),
        alarm_events: Sequence[AlarmEvent] = (),
        births: Sequence[BirthRecord] = (),
    ) -> int:
        """Write everything in one transaction; return how many points were new."""
        inserted = 0
        columns = points.columns() if isinstance(points, PackedPoints) else PointColumns.of(points)
        # numpy work before the lock: a series id per point, the COPY buffer in one piece
        names: dict[str, int] = {}
        ids = [names.setdefault(name, len(names)) for name in columns.series]
        stamps = np.array(columns.timestamps, dtype=np.int64)
        buffer = (
            numeric_copy_buffer(ids, stamps, columns.values, columns.ordinals, columns.datatypes)
            if ids
            else b""
        )
        with self._lock:
            if len(columns):
                days = np.unique(stamps // DAY_MS * DAY_MS).tolist()
                self._ensure_partitions(days + [p.timestamp_ms for p in columns.others])
            with self._connection.transaction(), self._connection.cursor() as cursor:
                if buffer:
                    self._copy(cursor, "batch_series (id, series)", ["int4", "text"],
                               ((i, name) for name, i in names.items()))  # fmt: skip
                    with cursor.copy(
                        "COPY staging_numeric (id, ts, ord, datatype, value)"
                        " FROM STDIN (FORMAT BINARY)"
                    ) as copy:
                        copy.write(buffer)
                    cursor.execute(_FROM_NUMERIC)
                if columns.others:
                    self._copy(cursor, f"staging ({POINT_COLUMNS})", _POINT_TYPES,
                               [_row(p) for p in columns.others])  # fmt: skip
                if len(columns):
                    row = cursor.execute(_MERGE[staged(columns)]).fetchone()
                    inserted = int(row[0]) if row else 0
                for birth in births:
                    cursor.execute(_UPSERT_BIRTH, [birth.topic, birth.received_ms, birth.payload])
                if dead_letters:
                    self._copy(
                        cursor,
                        "dead_letters (received_ms, topic, reason, payload)",
                        ["int8", "text", "text", "bytea"],
                        [(d.received_ms, d.topic, d.reason, d.payload) for d in dead_letters],
                    )
                if alarm_events:
                    self._copy(
                        cursor,
                        f"alarm_events ({ALARM_COLUMNS})",
                        ["int8", "text", "text", "text", "text", "text", "text", "text"]
                        + ["float8", "int8"],
                        [alarm_row(e) for e in alarm_events],
                    )
        return inserted

    @staticmethod
    def _copy(
        cursor: psycopg.Cursor[Any],
        target: str,
        types: list[str],
        rows: Iterable[tuple[object, ...]],
    ) -> None:
        with cursor.copy(f"COPY {target} FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)

    def _fetch(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> list[tuple[Any, ...]]:
        bound = params if isinstance(params, dict) else list(params)
        with self._lock, self._connection.transaction():
            return self._connection.execute(sql, bound).fetchall()

    def query_rollups_many(
        self, series: Sequence[str], start: datetime, end: datetime, resolution: Resolution
    ) -> RollupColumns:
        """Rollup buckets of every one of ``series`` in ``[start, end)``, in one query."""
        names = list(series)
        params = {"names": names, "low": to_ms(start), "high": to_ms(end)}
        # binary COPY parsed by numpy: a year of rows costs no tuple or float object each
        with self._lock, self._connection.transaction(), self._connection.cursor() as cursor:
            with cursor.copy(_ROLLUPS_MANY_COPY[resolution], params) as copy:
                data = b"".join(bytes(block) for block in copy)
        return rollup_columns_from_copy(names, data)

    def _last_before(self, series: list[str], low: int, high: int) -> dict[str, int]:
        rows = self._fetch(
            "SELECT series, max(ts) FROM points WHERE series = ANY(%(names)s)"
            " AND ts >= %(low)s AND ts < %(high)s GROUP BY series",
            {"names": series, "low": low, "high": high},
        )
        return {str(name): int(ts) for name, ts in rows}

    def _increase(self, params: dict[str, Any], resolution: Resolution) -> dict[Any, Any]:
        # the primary key (series, ts) hands the window its points in order: no sort
        return dict(self._fetch(_INCREASE[resolution], params))

    def partitions(self) -> list[str]:
        """Names of the partitions of ``points`` (for tests and operators)."""
        rows = self._fetch(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'points' ORDER BY 1"
        )
        return [str(r[0]) for r in rows]

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._connection.close()
