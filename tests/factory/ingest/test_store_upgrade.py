"""A store written before points had a datatype and an ordinal opens, keeps its points and
then keeps samples that share a millisecond (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import psycopg
import pytest

from reind.factory.ingest.points import PointColumns, message_ordinal, to_ms
from reind.factory.ingest.store import TelemetryStore, open_store
from reind.factory.sparkplug.datatypes import DataType
from tests.fixtures.servers import PostgresServer

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
MS0 = to_ms(T0)
FAR = T0 + timedelta(days=1)


def _same_millisecond_twice(store: TelemetryStore) -> None:
    assert [p.value for p in store.query_raw("old/temp", T0, FAR)] == [20.5]
    columns = PointColumns()
    for seq, value in ((1, 21.0), (2, 22.0)):
        columns.add("old/temp", MS0 + 1, value, int(DataType.Double), message_ordinal(0, seq, 0))
    assert store.write_batch(columns) == 2
    assert store.write_batch(columns) == 0
    points = store.query_raw("old/temp", T0, FAR)
    assert [(p.timestamp_ms - MS0, p.exact) for p in points] == [(0, 20.5), (1, 21.0), (1, 22.0)]


def test_a_duckdb_file_from_before_gains_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute(
            "CREATE TABLE points (series VARCHAR NOT NULL, ts BIGINT NOT NULL,"
            " value DOUBLE, text VARCHAR)"
        )
        old.execute("INSERT INTO points VALUES ('old/temp', ?, 20.5, NULL)", [MS0])
    store = open_store(f"duckdb:{path}")
    try:
        _same_millisecond_twice(store)
    finally:
        store.close()


@pytest.mark.integration
def test_a_postgresql_database_from_before_gets_the_key_with_the_ordinal(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.create_database("telemetry_before_issue_14")
    day = MS0 // 86_400_000 * 86_400_000
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as old:
        old.execute(
            "CREATE TABLE points (series text NOT NULL, ts bigint NOT NULL,"
            " value double precision, text text, PRIMARY KEY (series, ts))"
            " PARTITION BY RANGE (ts)"
        )
        old.execute(
            f"CREATE TABLE points_d{day // 86_400_000} PARTITION OF points"
            f" FOR VALUES FROM ({day}) TO ({day + 86_400_000})"
        )
        old.execute("INSERT INTO points VALUES ('old/temp', %s, 20.5, NULL)", [MS0])
    store = open_store(url)
    try:
        _same_millisecond_twice(store)
    finally:
        store.close()
