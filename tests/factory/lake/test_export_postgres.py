"""The lake is the same whichever telemetry store it is exported from (DuckDB or PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from reind.factory.ingest.store import TelemetryStore, open_store
from reind.factory.lake import Lake, export_closed, fleet_kpis
from reind.factory.lake.engines import DuckDBLake
from reind.factory.lake.simulated import fleet_days, fleet_units
from tests.factory.lake.conftest import START
from tests.fixtures.servers import PostgresServer

pytestmark = pytest.mark.integration


def _lake_of(store: TelemetryStore, root: Path) -> Lake:
    for batch in fleet_days(fleet_units(2), START, 2, seed=7):
        store.write_batch(batch)
    lake = Lake(root)
    export_closed(store, lake, START + timedelta(days=2, hours=2), since=START.date())
    store.close()
    return lake


def test_a_postgresql_store_exports_the_lake_a_duckdb_store_does(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    from_duckdb = _lake_of(open_store("duckdb::memory:"), tmp_path / "a")
    from_postgres = _lake_of(
        open_store(postgres_server.create_database("lake_export")), tmp_path / "b"
    )
    assert from_duckdb.manifest() == from_postgres.manifest()
    results = []
    for lake in (from_duckdb, from_postgres):
        engine = DuckDBLake(lake)
        try:
            results.append(fleet_kpis(engine, START, START + timedelta(days=2)))
        finally:
            engine.close()
    assert results[0] == results[1]
    assert len(results[0]) == 2 * (1 + 2 * 3)  # the night begun on the 4th, then six shifts
