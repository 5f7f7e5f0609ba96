"""Export closed days of a telemetry store to the lake, idempotently.

A day is *closed* once it ended (Hong Kong midnight) more than ``grace`` ago:
late store-and-forward data for it has had time to arrive. Exporting a day
writes each table's rows for that day under ``_staging`` and then puts the
folder in place of the published one, so a reader sees the old day or the new
one, never half of either, and exporting the same day twice leaves the same
files. ``export_closed`` exports every closed day the manifest does not have,
and again any recent day whose content changed since, in the store (late
data) or in the lake's files (damage), compared by per-partition checksums
(:mod:`.checksums`), so running it on a timer keeps the lake current
("continuously") and repairs it.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import duckdb
import numpy as np

from reind.core.clock import HONG_KONG
from reind.factory.ingest.points import Resolution, TelemetryPoint
from reind.factory.ingest.store import RollupColumns
from reind.factory.lake.checksums import partition_checksums, read_checksums
from reind.factory.lake.layout import (
    POINT_COLUMNS,
    TABLES,
    Lake,
    day_bounds,
    group_and_node,
)

logger = logging.getLogger(__name__)

BACKFILL_DAYS = 30
"""How far back a new lake starts when no first day is given."""
RECHECK_DAYS = 7
"""How many of the latest exported days are compared with the store again for late data."""


class DayReader(Protocol):
    """The part of a ``TelemetryStore`` the export reads."""

    def last_seen(self) -> dict[str, int]:
        """Every series and the time of its latest point (ms)."""
        ...

    def query_raw(self, series: str, start: datetime, end: datetime) -> list[TelemetryPoint]:
        """Raw points of ``series`` in ``[start, end)``."""
        ...

    def query_rollups_many(
        self, series: Sequence[str], start: datetime, end: datetime, resolution: Resolution
    ) -> RollupColumns:
        """Rollup buckets of every one of ``series`` in ``[start, end)``, as columns."""
        ...


@dataclass(frozen=True, slots=True)
class ExportedDay:
    """One day written to the lake, with its rows per table."""

    day: date
    rows: dict[str, int]


def closed_days(first: date, now: datetime, grace: timedelta = timedelta(hours=1)) -> list[date]:
    """The Hong Kong days from ``first`` that ended at least ``grace`` before ``now``."""
    days = []
    day = first
    while day_bounds(day)[1] + grace <= now:
        days.append(day)
        day += timedelta(days=1)
    return days


def _rollup_table(columns: RollupColumns) -> dict[str, Any]:
    series = np.array(columns.series, dtype=object)[columns.index]
    return {
        "series": series,
        "bucket": columns.bucket_ms,
        "count": columns.count,
        "min_value": columns.minimum,
        "max_value": columns.maximum,
        "sum_value": columns.total,
        "last_ts": columns.last_timestamp_ms,
        "last_value": columns.last,
    }


def _point_table(points: Iterable[TelemetryPoint]) -> dict[str, Any]:
    """The store's point rows as columns; wide integers as text, cast exactly on writing."""
    rows = list(points)
    return {
        "series": np.array([p.series for p in rows], dtype=object),
        "ts": np.array([p.timestamp_ms for p in rows], dtype=np.int64),
        "ord": np.array([p.ordinal for p in rows], dtype=np.int64),
        "datatype": np.array([p.datatype for p in rows], dtype=np.int32),
        "value": np.array([p.value for p in rows], dtype=object),
        "text": np.array([p.text for p in rows], dtype=object),
        "int_value": np.array(
            [None if p.int_value is None else str(p.int_value) for p in rows], dtype=object
        ),
        "bytes_value": np.array([p.bytes_value for p in rows], dtype=object),
    }


def _columns(table: str) -> str:
    """The select list of a table's file: the documented types for points, as is otherwise."""
    if table != "points":
        return "*"
    typed = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in POINT_COLUMNS)
    return f"{typed}, sp_group, edge_node"


def _partitioned(columns: dict[str, Any]) -> dict[str, Any]:
    parts = [group_and_node(s) for s in columns["series"]]
    return {
        **columns,
        "sp_group": np.array([g for g, _ in parts], dtype=object),
        "edge_node": np.array([n for _, n in parts], dtype=object),
    }


def _checksums(table: str, columns: dict[str, Any]) -> dict[str, str]:
    """The partition checksums of a table's day as the export would write it."""
    if not len(columns["series"]):
        return {}
    connection = duckdb.connect()
    try:
        connection.register("day_rows", _partitioned(columns))
        select = f"(SELECT {_columns(table)} FROM day_rows)"  # noqa: S608
        return partition_checksums(connection, table, select)
    finally:
        connection.close()


def _write(
    lake: Lake, table: str, day: date, columns: dict[str, Any]
) -> tuple[int, dict[str, str]]:
    """Write one table's day through staging; the number of rows and partition checksums."""
    staging = lake.staging(table, day)
    shutil.rmtree(staging, ignore_errors=True)
    rows = len(columns["series"])
    published = lake.day_folder(table, day)
    sums: dict[str, str] = {}
    if rows:
        staging.parent.mkdir(parents=True, exist_ok=True)
        order = "series, bucket" if "bucket" in columns else "series, ts, ord"
        connection = duckdb.connect()
        try:
            connection.register("day_rows", _partitioned(columns))
            target = staging.as_posix().replace("'", "''")
            select = f"SELECT {_columns(table)} FROM day_rows"  # noqa: S608
            sums = partition_checksums(connection, table, f"({select})")
            connection.execute(
                f"COPY ({select} ORDER BY sp_group, edge_node, {order}) "
                f"TO '{target}' (FORMAT PARQUET, PARTITION_BY (sp_group, edge_node))"
            )
        finally:
            connection.close()
    old = lake.staging(table, day).with_name(f"old-{published.name}")
    shutil.rmtree(old, ignore_errors=True)
    if published.exists():
        published.replace(old)
    if rows:
        published.parent.mkdir(parents=True, exist_ok=True)
        staging.replace(published)
    shutil.rmtree(old, ignore_errors=True)
    return rows, sums


def _day_rows(store: DayReader, day: date, tables: Sequence[str]) -> dict[str, dict[str, Any]]:
    start, end = day_bounds(day)
    names = sorted(store.last_seen())
    found: dict[str, dict[str, Any]] = {}
    for table in tables:
        if table == "points":
            found[table] = _point_table(p for s in names for p in store.query_raw(s, start, end))
        else:
            resolution: Resolution = "hour" if table == "rollup_hour" else "minute"
            found[table] = _rollup_table(store.query_rollups_many(names, start, end, resolution))
    return found


def export_day(
    store: DayReader, lake: Lake, day: date, tables: Sequence[str] = TABLES
) -> ExportedDay:
    """Write ``day`` of every one of ``tables`` to the lake, replacing what was there."""
    found = _day_rows(store, day, tables)
    written = {table: _write(lake, table, day, rows) for table, rows in found.items()}
    counts = {table: rows for table, (rows, _) in written.items()}
    lake.record(day, counts, {table: sums for table, (_, sums) in written.items()})
    logger.info("lake: exported %s (%s)", day, counts)
    return ExportedDay(day, counts)


def export_closed(
    store: DayReader,
    lake: Lake,
    now: datetime,
    *,
    tables: Sequence[str] = TABLES,
    grace: timedelta = timedelta(hours=1),
    since: date | None = None,
) -> list[ExportedDay]:
    """Export every closed day not yet in the lake, and recent ones whose rows changed.

    Days from ``since`` (by default the lake's first day, or ``BACKFILL_DAYS``
    back for a new lake).
    """
    seen = store.last_seen()
    if not seen:
        return []
    latest = datetime.fromtimestamp(max(seen.values()) / 1000, HONG_KONG).date()
    manifest = lake.manifest()
    if since is not None:
        earliest = since
    elif manifest:
        earliest = date.fromisoformat(min(manifest))
    else:
        earliest = now.astimezone(HONG_KONG).date() - timedelta(days=BACKFILL_DAYS)
    done = []
    sums = lake.checksums()
    recent = sorted(manifest)[-RECHECK_DAYS:]
    for day in closed_days(earliest, now, grace):
        if day > latest:
            break  # nothing stored after this day yet
        key = day.isoformat()
        if key in manifest and key not in recent:
            continue
        if key in manifest and _unchanged(store, lake, day, tables, manifest[key], sums.get(key)):
            continue
        done.append(export_day(store, lake, day, tables))
    return done


def _unchanged(
    store: DayReader,
    lake: Lake,
    day: date,
    tables: Sequence[str],
    counts: dict[str, int],
    recorded: dict[str, dict[str, str]] | None,
) -> bool:
    """Whether an exported day still matches both the store and the lake's files.

    By content where the day has checksums: late data that replaced a value
    and a damaged or altered partition file both count as changed, so the day
    is exported again. Days exported before checksums existed: by row counts.
    """
    rows = _day_rows(store, day, tables)
    if recorded is None:
        return {t: len(r["series"]) for t, r in rows.items()} == counts
    for table, columns in rows.items():
        wanted = _checksums(table, columns)
        if wanted != recorded.get(table) or read_checksums(lake, table, day) != wanted:
            return False
    return True
