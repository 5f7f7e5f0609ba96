"""DuckDB's counter increase over consecutive points in storage order (docs/decisions/0083).

Kept apart from :mod:`.duckdb_store` (which holds the connection and the write
path): the SQL that streams a series in storage order with ``lag() OVER ()``,
and the proof from the ascending runs it sees that the order was right.
"""

from __future__ import annotations

from functools import partial

from reind.factory.ingest._sql import ROLLUP_TABLES, bucket_expr, duckdb_sql, increase_ordered
from reind.factory.ingest.points import Resolution

INCREASE_ORDERED = {r: duckdb_sql(partial(increase_ordered, r)) for r in ROLLUP_TABLES}


def increase_in_storage_order(resolution: Resolution, edges: bool) -> str:
    """Per bucket: the increase over consecutive points in storage order, and the runs seen.

    ``lag() OVER ()`` streams in storage order without sorting. A pair counts
    only inside an ascending run (``pts < ts``). Without ``edges`` it counts
    the runs (one run: the pairs are the consecutive points, done); with
    ``edges`` the first and last point of every run come back from the same
    pass, so they describe the very order the pairs were taken in.
    """
    bucket = bucket_expr("ts", resolution)
    # samples are ordered by (ts, ord): several may share a millisecond
    starts = "pts IS NULL OR pts > ts OR (pts = ts AND pord > ord)"
    ends = "nts IS NULL OR nts < ts OR (nts = ts AND nord < ord)"
    runs = (
        f" list([ts::DOUBLE, value]) FILTER (WHERE {starts}) AS firsts,"
        f" list([ts::DOUBLE, value]) FILTER (WHERE {ends}) AS lasts"
        if edges
        else f" count(*) FILTER (WHERE {starts}) AS starts"
    )
    return (
        f"SELECT {bucket} AS b,"  # noqa: S608
        " sum(CASE WHEN value >= pv THEN value - pv ELSE value END)"
        f" FILTER (WHERE (pts < ts OR (pts = ts AND pord < ord)) AND ts >= $start) AS gained,"
        f"{runs} FROM (SELECT ts, value, lag(ts) OVER () AS pts, lag(ord) OVER () AS pord,"
        " lag(value) OVER () AS pv"
        + (", lead(ts) OVER () AS nts, lead(ord) OVER () AS nord" if edges else "")
        + ", ord FROM points WHERE series = $series AND ts >= $lo"
        " AND ts < $end AND value IS NOT NULL) GROUP BY b ORDER BY b"
    )


INCREASE_STREAMED = {r: increase_in_storage_order(r, edges=False) for r in ROLLUP_TABLES}
INCREASE_WITH_EDGES = {r: increase_in_storage_order(r, edges=True) for r in ROLLUP_TABLES}
MAX_RUNS = 10_000
"""More ascending runs than this in storage order: sort instead (old unsorted files)."""


def boundary_pairs(
    firsts: list[tuple[int, float]], lasts: list[tuple[int, float]]
) -> list[tuple[int, float, float]] | None:
    """``(ts, previous, value)`` joining disjoint ascending runs, or None if runs overlap.

    Runs are disjoint exactly when their sorted starts and sorted ends
    alternate (start_k <= end_k < start_k+1); then every pair inside a run is a
    pair of consecutive points, and run k's first point follows run k-1's last.
    """
    firsts, lasts = sorted(firsts), sorted(lasts)
    if len(firsts) != len(lasts):
        return None
    for k, (begin, _) in enumerate(firsts):
        if not (begin <= lasts[k][0] and (k == 0 or lasts[k - 1][0] < begin)):
            return None
    return [(firsts[k][0], lasts[k - 1][1], firsts[k][1]) for k in range(1, len(firsts))]
