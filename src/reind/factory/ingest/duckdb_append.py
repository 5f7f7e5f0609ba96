"""The DuckDB store's common batch, planned in numpy: live plain numbers only.

Why: a gateway's batch is nearly always live Double/Int values and nothing
else, and the general path (:mod:`.duckdb_store`) paid for it in SQL: an
anti-join of the whole batch against the stored points of its time range (a
scan of the newest row groups), a sort of the batch by its string series
column, and three GROUP BY passes for the rollups and ``series_seen``. That
was about 1.5 CPU µs a point in the writer process, more than the receive
path's decoding and alarms (ADR 0142).

Here the batch is sorted once in numpy by (series code, ts, ord); repeats
inside the batch are adjacent and dropped (the first arrival kept), and a
point is new without looking at ``points`` when its timestamp is after the
newest its series has stored (``series_seen``, read in the same
transaction). Only the others (a millisecond split across two batches, late
data, a redelivered message) are checked against ``points``, in the narrow
time range they span. Minute and hour rollups and ``series_seen`` come from
the sorted arrays with ``reduceat``; DuckDB then appends the fresh rows in
that order and upserts a few hundred rollup rows.

The result is the same as the general path's: idempotent on
(series, ts, ord), rollups fed only from fresh points,
``tests/factory/ingest/test_store_append.py`` compares the two on random batches.
A batch with historical samples (negative ordinals), NaN or anything
outside the numeric columns takes the general path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
from numpy.typing import NDArray

from reind.factory.ingest._sql import floor_expr
from reind.factory.ingest.packed import PackedPoints, SeriesCodes
from reind.factory.ingest.points import BUCKET_MS, PointColumns

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Objects = NDArray[np.object_]

ROLLUP_MERGE = (
    " ON CONFLICT (series, bucket) DO UPDATE SET"
    " count = count + excluded.count, min = least(min, excluded.min),"
    " max = greatest(max, excluded.max), sum = sum + excluded.sum,"
    " last_value = CASE WHEN excluded.last_ts >= last_ts"
    " THEN excluded.last_value ELSE last_value END,"
    " last_ts = greatest(last_ts, excluded.last_ts)"
)
"""How a batch's bucket joins the stored one (both paths)."""

_SEEN = (
    "SELECT b.code, max(q.last_ts) AS last_ts FROM append_series b JOIN"
    " (SELECT series, last_ts FROM series_seen UNION ALL"
    " SELECT series, last_ts FROM rollup_pending) q ON q.series = b.series GROUP BY b.code"
)
"""Each series' newest stored timestamp: folded, or still in the pending buckets."""
_DUPLICATES = (
    "SELECT c.i FROM append_check c WHERE EXISTS (SELECT 1 FROM points p"
    " WHERE p.ts BETWEEN ? AND ? AND p.series = c.series AND p.ts = c.ts AND p.ord = c.ord)"
)
_INSERT = (
    "INSERT INTO points (series, ts, ord, datatype, value)"
    " SELECT series, ts, ord, datatype, value FROM append_points"
)
_PENDING = (
    "INSERT INTO rollup_pending SELECT series, bucket, n, lo, hi, total, last_ts, last,"
    " nextval('rollup_pending_batch') FROM append_minute"
)
PENDING_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS rollup_pending (series VARCHAR NOT NULL, bucket BIGINT NOT NULL,"
    " count BIGINT NOT NULL, min DOUBLE, max DOUBLE, sum DOUBLE, last_ts BIGINT,"
    " last_value DOUBLE, batch BIGINT)",
    "CREATE SEQUENCE IF NOT EXISTS rollup_pending_batch",
]
"""The minute buckets of committed batches not yet merged into the rollups (see :func:`fold`)."""
_VIEWS = ("append_series", "append_check", "append_points", "append_minute")


def _folded(resolution: str) -> str:
    bucket = "bucket" if resolution == "minute" else f"({floor_expr('bucket', BUCKET_MS['hour'])})"
    return (
        f"INSERT INTO rollup_{resolution} SELECT series, {bucket} AS b, sum(count), min(min),"  # noqa: S608
        " max(max), sum(sum), max(last_ts),"
        " arg_max(last_value, last_ts::HUGEINT * 18446744073709551616 + batch)"
        " FROM rollup_pending GROUP BY series, b" + ROLLUP_MERGE
    )


FOLD = [
    _folded("minute"),
    _folded("hour"),
    "INSERT INTO series_seen SELECT series, max(last_ts) FROM rollup_pending GROUP BY series"
    " ON CONFLICT (series) DO UPDATE SET last_ts = greatest(last_ts, excluded.last_ts)",
    "DELETE FROM rollup_pending",
]
"""Merge the pending minute buckets into both rollups and ``series_seen``, in one transaction.

A later batch wins a tie on the last timestamp (its ``batch`` number is higher), as it does
when the general path upserts batch by batch."""


@dataclass(slots=True)
class AppendPlan:
    """One batch sorted by (series code, ts, ord), repeats inside it already dropped."""

    series: Objects
    code: Ints
    ts: Ints
    ord: Ints
    datatype: NDArray[np.int16]
    value: Floats

    def only(self, keep: NDArray[np.bool_]) -> AppendPlan:
        """The rows where ``keep`` is true, in the same order."""
        return AppendPlan(self.series[keep], self.code[keep], self.ts[keep], self.ord[keep],
                          self.datatype[keep], self.value[keep])  # fmt: skip


def plan(points: PointColumns | PackedPoints, codes: SeriesCodes) -> AppendPlan | None:
    """The batch as sorted columns, or None if it needs the general path.

    ``codes`` names the series of :class:`PointColumns`; packed points carry
    their own codes (:mod:`.packed`).
    """
    if points.others or not len(points):
        return None
    if isinstance(points, PackedPoints):
        value, ordinal = points.value, points.ordinal
    else:
        value = np.array(points.values, dtype=np.float64)
        ordinal = np.array(points.ordinals, dtype=np.int64)
    if np.isnan(value).any() or (ordinal < 0).any():
        return None  # NaN orders differently in numpy; historical samples dedupe by value
    if isinstance(points, PackedPoints):
        ts, code, datatype = points.ts, points.code, points.datatype
    else:
        ts = np.array(points.timestamps, dtype=np.int64)
        code = codes.encode(points.series)
        datatype = np.array(points.datatypes, dtype=np.int16)
    order = np.lexsort((ordinal, ts, code))  # stable: equal keys keep their arrival order
    code, ts, ordinal = code[order], ts[order], ordinal[order]
    keep = np.empty(len(code), dtype=bool)
    keep[0] = True
    keep[1:] = (code[1:] != code[:-1]) | (ts[1:] != ts[:-1]) | (ordinal[1:] != ordinal[:-1])
    order, code = order[keep], code[keep]
    if isinstance(points, PackedPoints):
        series = np.array(points.names, dtype=object)[code]
    else:
        series = np.array(points.series, dtype=object)[order]
    return AppendPlan(series, code, ts[keep], ordinal[keep], datatype[order], value[order])


def _starts(*keys: NDArray[Any]) -> Ints:
    """Where each run of equal keys begins in arrays sorted by those keys."""
    edge = np.zeros(len(keys[0]), dtype=bool)
    edge[0] = True
    for key in keys:
        edge[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(edge)


def _groups(
    series: Objects, code: Ints, bucket: Ints, n: Ints, lo: Floats, hi: Floats,
    total: Floats, last_ts: Ints, last: Floats,
) -> dict[str, NDArray[Any]]:  # fmt: skip
    """Merge consecutive rows of equal (code, bucket) into one rollup row each."""
    starts = _starts(code, bucket)
    ends = np.append(starts[1:], len(code)) - 1
    return {
        "series": series[starts],
        "code": code[starts],
        "bucket": bucket[starts],
        "n": np.add.reduceat(n, starts),
        "lo": np.minimum.reduceat(lo, starts),
        "hi": np.maximum.reduceat(hi, starts),
        "total": np.add.reduceat(total, starts),
        "last_ts": last_ts[ends],
        "last": last[ends],
    }


def _fresh(con: duckdb.DuckDBPyConnection, batch: AppendPlan) -> NDArray[np.bool_]:
    """Which points are new: after their series' newest stored one, or not found in range."""
    first = _starts(batch.code)
    con.register("append_series", {"code": batch.code[first], "series": batch.series[first]})
    seen = con.execute(_SEEN).fetchnumpy()
    newest = np.full(int(batch.code.max()) + 1, np.iinfo(np.int64).min, dtype=np.int64)
    newest[np.asarray(seen["code"], dtype=np.int64)] = np.asarray(seen["last_ts"], np.int64)
    fresh = batch.ts > newest[batch.code]
    check = np.flatnonzero(~fresh)
    if len(check):  # the same millisecond again, late data or a message sent twice
        con.register(
            "append_check",
            {"i": check, "series": batch.series[check], "ts": batch.ts[check],
             "ord": batch.ord[check]},
        )  # fmt: skip
        stamps = batch.ts[check]
        found = con.execute(_DUPLICATES, [int(stamps.min()), int(stamps.max())]).fetchnumpy()
        fresh[check] = True
        fresh[np.asarray(found["i"], dtype=np.int64)] = False
    return fresh


FOLD_SECONDS = 1.0
"""How long a fast batch's buckets may wait in ``rollup_pending`` while batches keep coming
(every read of the rollups or ``series_seen`` folds first, so no reader sees them wait)."""


def fold(con: duckdb.DuckDBPyConnection, *, check: bool = True) -> None:
    """Merge ``rollup_pending`` into the rollups, inside the caller's transaction.

    ``check``: first look whether anything is pending (a cheap query), since each
    merge costs a few milliseconds whatever its size.
    """
    if check:
        if not con.execute("SELECT EXISTS (SELECT 1 FROM rollup_pending)").fetchall()[0][0]:
            return
    for statement in FOLD:  # each result read, so the connection is free for what follows
        con.execute(statement).fetchall()


def write(con: duckdb.DuckDBPyConnection, batch: AppendPlan) -> int:
    """Insert the fresh points and queue their minute buckets; return how many were new.

    Runs inside the caller's transaction. The buckets go to ``rollup_pending`` (an
    append, where upserting into both rollups cost about 4 ms each per batch); the
    store folds them into the rollups and ``series_seen`` every :data:`FOLD_SECONDS`,
    before a batch takes the general path, before any read of them and at close
    and open, so a crash leaves them committed with their points, to be folded later.
    """
    try:
        fresh = _fresh(con, batch)
        if not fresh.all():
            batch = batch.only(fresh)
        if not len(batch.ts):
            return 0
        con.register(
            "append_points",
            {"series": batch.series, "ts": batch.ts, "ord": batch.ord,
             "datatype": batch.datatype, "value": batch.value},
        )  # fmt: skip
        con.execute(_INSERT).fetchall()
        one = np.ones(len(batch.ts), dtype=np.int64)
        minute_bucket = batch.ts - batch.ts % BUCKET_MS["minute"]
        minute = _groups(batch.series, batch.code, minute_bucket, one, batch.value,
                         batch.value, batch.value, batch.ts, batch.value)  # fmt: skip
        del minute["code"]
        con.register("append_minute", minute)
        con.execute(_PENDING).fetchall()
        return len(batch.ts)
    finally:
        for view in _VIEWS:
            con.unregister(view)
