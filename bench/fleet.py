"""The fleet KPIs on the telemetry lake: DuckDB and Spark over the same files, in one run.

A hundred simulated lines (``factory.lake.simulated``) over thirty days are
written to a DuckDB telemetry store, exported to the lake (hour rollups, the
KPIs' input) and the fleet's ISO 22400 KPIs by line and shift are computed
by the one SQL definition on DuckDB and on Spark (``local[2]``). It prints
each engine's wall time (the best of ``--rounds``; Spark's session start is
timed apart), the ratio Spark / DuckDB, and checks that both gave the same rows.

    python bench/fleet.py                   # 100 lines x 30 days
    python bench/fleet.py --lines 10 --days 7
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reind.factory.ingest.store import open_store
from reind.factory.lake import Lake, export_closed, fleet_kpis
from reind.factory.lake.engines import DuckDBLake, SparkLake, spark_session
from reind.factory.lake.simulated import fleet_days, fleet_units

START = datetime(2026, 1, 4, 16, tzinfo=UTC)  # midnight, Monday 5 January 2026, Hong Kong


def main() -> None:
    """Build the lake, time the query on both engines, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store("duckdb::memory:")
        began = time.perf_counter()
        points = 0
        for batch in fleet_days(fleet_units(options.lines), START, options.days):
            points += store.write_batch(batch)
        written = time.perf_counter() - began
        lake = Lake(Path(folder))
        now = START + timedelta(days=options.days, hours=2)
        began = time.perf_counter()
        days = export_closed(store, lake, now, tables=("rollup_hour",), since=START.date())
        exported = time.perf_counter() - began
        rows = sum(d.rows["rollup_hour"] for d in days)
        store.close()
        size = sum(p.stat().st_size for p in lake.root.rglob("*.parquet"))
        print(  # noqa: T201
            f"{options.lines} lines x {options.days} days: {points:,} points stored in "
            f"{written:.1f} s; {rows:,} hour rollups exported in {exported:.1f} s "
            f"({size / 1e6:.1f} MB of Parquet)"
        )
        start, end = START, START + timedelta(days=options.days)
        duck = DuckDBLake(lake)
        duck_times, result = [], []
        for _ in range(options.rounds):
            began = time.perf_counter()
            result = fleet_kpis(duck, start, end)
            duck_times.append(time.perf_counter() - began)
        duck.close()
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        began = time.perf_counter()
        session = spark_session("local[2]")
        session.sparkContext.setLogLevel("ERROR")
        started = time.perf_counter() - began
        spark = SparkLake(lake, session)
        spark_times, on_spark = [], []
        for _ in range(options.rounds):
            began = time.perf_counter()
            on_spark = fleet_kpis(spark, start, end)
            spark_times.append(time.perf_counter() - began)
        session.stop()
        duck_best, spark_best = min(duck_times), min(spark_times)
        print(f"fleet KPIs by line and shift: {len(result):,} rows")  # noqa: T201
        print(f"DuckDB: {duck_best:.2f} s (best of {options.rounds})")  # noqa: T201
        print(  # noqa: T201
            f"Spark local[2]: {spark_best:.2f} s (best of {options.rounds}; "
            f"session start {started:.1f} s)"
        )
        print(f"ratio Spark / DuckDB: {spark_best / duck_best:.1f}")  # noqa: T201
        print(f"same rows on both engines: {result == on_spark}")  # noqa: T201


if __name__ == "__main__":
    main()
