"""The lake's points carry what the store keeps: text, exact wide integers, bytes, order."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

from reind.factory.ingest.points import PointColumns
from reind.factory.ingest.store import open_store
from reind.factory.lake import Lake
from reind.factory.lake.export import export_day
from reind.factory.lake.layout import POINT_COLUMNS
from reind.factory.sparkplug.datatypes import DataType
from tests.factory.lake.conftest import START

WIDE = 2**53 + 1
"""An Int64 a double rounds (to 2**53)."""
BIG_UNSIGNED = 2**64 - 1
"""The largest UInt64: beyond an Int64 too."""


def _points(lake: Lake) -> list[tuple[object, ...]]:
    files = f"{lake.root}/points/**/*.parquet"
    query = (
        "SELECT series, ts, ord, datatype, value, text, int_value, bytes_value "  # noqa: S608
        f"FROM read_parquet('{files}', hive_partitioning = true) ORDER BY series, ts, ord"
    )
    return duckdb.connect().execute(query).fetchall()


def test_text_exact_integers_bytes_and_ordinals_reach_the_lake(tmp_path: Path) -> None:
    store = open_store("duckdb::memory:")
    at = int((START + timedelta(hours=3)).timestamp() * 1000)
    batch = PointColumns()
    batch.add("site/node-1/dev/batch", at, "lot 42 / 批次", int(DataType.String), 7)
    batch.add("site/node-1/dev/count", at, WIDE, int(DataType.Int64), 8)
    batch.add("site/node-1/dev/count", at, BIG_UNSIGNED, int(DataType.UInt64), 9)
    batch.add("site/node-1/dev/image", at, b"\x00\xffpng", int(DataType.Bytes), 10)
    batch.add("site/node-1/dev/temp", at, 21.5, int(DataType.Double), 11)
    store.write_batch(batch)
    lake = Lake(tmp_path)
    export_day(store, lake, date(2026, 1, 5), ("points",))
    rows = _points(lake)
    store.close()
    assert rows == [
        ("site/node-1/dev/batch", at, 7, 12, None, "lot 42 / 批次", None, None),
        ("site/node-1/dev/count", at, 8, 4, float(WIDE), None, WIDE, None),
        ("site/node-1/dev/count", at, 9, 8, float(BIG_UNSIGNED), None, BIG_UNSIGNED, None),
        ("site/node-1/dev/image", at, 10, 17, None, None, None, b"\x00\xffpng"),
        ("site/node-1/dev/temp", at, 11, 10, 21.5, None, None, None),
    ]


def test_the_points_schema_is_the_documented_one(tmp_path: Path) -> None:
    store = open_store("duckdb::memory:")
    batch = PointColumns()
    batch.add("site/node-1/dev/temp", int((START + timedelta(hours=3)).timestamp() * 1000), 1.0)
    store.write_batch(batch)
    lake = Lake(tmp_path)
    export_day(store, lake, date(2026, 1, 5), ("points",))
    store.close()
    files = f"{lake.root}/points/**/*.parquet"
    described = duckdb.connect().execute(
        f"DESCRIBE SELECT * FROM read_parquet('{files}', hive_partitioning = false)"  # noqa: S608
    )
    assert [(name, kind) for name, kind, *_ in described.fetchall()] == list(POINT_COLUMNS)
