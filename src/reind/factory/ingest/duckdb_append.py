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

from reind.factory.ingest.points import BUCKET_MS, PointColumns

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Objects = NDArray[np.object_]

MAX_CODES = 1_000_000
"""Series codes kept before the table starts again (a bound on memory, not a limit)."""

ROLLUP_MERGE = (
    " ON CONFLICT (series, bucket) DO UPDATE SET"
    " count = count + excluded.count, min = least(min, excluded.min),"
    " max = greatest(max, excluded.max), sum = sum + excluded.sum,"
    " last_value = CASE WHEN excluded.last_ts >= last_ts"
    " THEN excluded.last_value ELSE last_value END,"
    " last_ts = greatest(last_ts, excluded.last_ts)"
)
"""How a batch's bucket joins the stored one (both paths)."""

_SEEN = "SELECT b.code, q.last_ts FROM append_series b JOIN series_seen q ON q.series = b.series"
_DUPLICATES = (
    "SELECT c.i FROM append_check c WHERE EXISTS (SELECT 1 FROM points p"
    " WHERE p.ts BETWEEN ? AND ? AND p.series = c.series AND p.ts = c.ts AND p.ord = c.ord)"
)
_INSERT = (
    "INSERT INTO points (series, ts, ord, datatype, value)"
    " SELECT series, ts, ord, datatype, value FROM append_points"
)
_ROLLUP = (
    "INSERT INTO {table} SELECT series, bucket, n, lo, hi, total, last_ts, last"  # noqa: S608
    " FROM append_{resolution}" + ROLLUP_MERGE
)
_SERIES_SEEN = (
    "INSERT INTO series_seen SELECT series, last_ts FROM append_seen"
    " ON CONFLICT (series) DO UPDATE SET last_ts = greatest(last_ts, excluded.last_ts)"
)
_VIEWS = ("append_series", "append_check", "append_points", "append_minute", "append_hour",
          "append_seen")  # fmt: skip


class SeriesCodes:
    """Small integers for series names, kept while the store is open.

    Sorting by an integer is several times cheaper than by the string, and
    the names repeat batch after batch (a plant has thousands of series).
    """

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}

    def encode(self, series: list[str]) -> Ints:
        """The code of every name, in order (new names get the next codes)."""
        codes = self._codes
        try:
            return np.fromiter(map(codes.__getitem__, series), np.int64, len(series))
        except KeyError:
            if len(codes) > MAX_CODES:
                codes.clear()
            for name in series:
                codes.setdefault(name, len(codes))
            return np.fromiter(map(codes.__getitem__, series), np.int64, len(series))


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


def plan(columns: PointColumns, codes: SeriesCodes) -> AppendPlan | None:
    """The batch as sorted columns, or None if it needs the general path."""
    if columns.others or not columns.series:
        return None
    value = np.array(columns.values, dtype=np.float64)
    ordinal = np.array(columns.ordinals, dtype=np.int64)
    if np.isnan(value).any() or (ordinal < 0).any():
        return None  # NaN orders differently in numpy; historical samples dedupe by value
    ts = np.array(columns.timestamps, dtype=np.int64)
    code = codes.encode(columns.series)
    order = np.lexsort((ordinal, ts, code))  # stable: equal keys keep their arrival order
    code, ts, ordinal = code[order], ts[order], ordinal[order]
    keep = np.empty(len(code), dtype=bool)
    keep[0] = True
    keep[1:] = (code[1:] != code[:-1]) | (ts[1:] != ts[:-1]) | (ordinal[1:] != ordinal[:-1])
    order = order[keep]
    return AppendPlan(
        series=np.array(columns.series, dtype=object)[order],
        code=code[keep],
        ts=ts[keep],
        ord=ordinal[keep],
        datatype=np.array(columns.datatypes, dtype=np.int16)[order],
        value=value[order],
    )


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


def write(con: duckdb.DuckDBPyConnection, batch: AppendPlan) -> int:
    """Insert the fresh points, feed the rollups and ``series_seen``; return how many.

    Runs inside the caller's transaction.
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
        con.execute(_INSERT)
        one = np.ones(len(batch.ts), dtype=np.int64)
        minute_bucket = batch.ts - batch.ts % BUCKET_MS["minute"]
        minute = _groups(batch.series, batch.code, minute_bucket, one, batch.value,
                         batch.value, batch.value, batch.ts, batch.value)  # fmt: skip
        hour_bucket = minute["bucket"] - minute["bucket"] % BUCKET_MS["hour"]
        hour = _groups(minute["series"], minute["code"], hour_bucket, minute["n"],
                       minute["lo"], minute["hi"], minute["total"], minute["last_ts"],
                       minute["last"])  # fmt: skip
        for resolution, rows in (("minute", minute), ("hour", hour)):
            con.register(f"append_{resolution}", rows)
            con.execute(_ROLLUP.format(table=f"rollup_{resolution}", resolution=resolution))
        last = np.append(_starts(batch.code)[1:], len(batch.code)) - 1
        con.register("append_seen", {"series": batch.series[last], "last_ts": batch.ts[last]})
        con.execute(_SERIES_SEEN)
        return len(batch.ts)
    finally:
        for view in _VIEWS:
            con.unregister(view)
